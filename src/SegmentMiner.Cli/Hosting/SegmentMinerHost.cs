using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;
using SegmentMiner.Core;
using SegmentMiner.Core.Configuration;

namespace SegmentMiner.Cli.Hosting;

/// <summary>
/// Builds the Generic Host every entry point runs on: SegmentMiner's configuration (appsettings.json beside the
/// program, <c>--config FILE</c>, <c>SEGMINER__</c> variables, command-line overrides), logging to stderr, the
/// services of <see cref="ServiceRegistration.AddSegmentMiner"/>, and the settings validated before anything runs.
/// </summary>
internal static class SegmentMinerHost
{
    public static HostApplicationBuilder CreateBuilder(IConfigurationRoot configuration, bool verbose, Action<IServiceCollection>? configure)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings { ContentRootPath = AppContext.BaseDirectory, ApplicationName = "segminer" });
        builder.Configuration.AddConfiguration(configuration);
        builder.Logging.ClearProviders();
        builder.Logging.SetMinimumLevel(verbose ? LogLevel.Debug : LogLevel.Information);
        builder.Logging.AddFilter("Microsoft", verbose ? LogLevel.Information : LogLevel.Warning);
        builder.Logging.AddFilter("Quartz", verbose ? LogLevel.Information : LogLevel.Warning);
        builder.Logging.AddConsole(o =>
        {
            o.FormatterName = StderrFormatter.Name;
            o.LogToStandardErrorThreshold = LogLevel.Trace; // every entry to stderr: stdout carries only results
        });
        builder.Logging.AddConsoleFormatter<StderrFormatter, ConsoleFormatterOptions>();
        builder.Services.AddSegmentMiner(configuration);
        configure?.Invoke(builder.Services);
        return builder;
    }

    /// <summary>Runs the start-up validation (ValidateOnStart) now: every failure, each naming its setting, as one <see cref="ConfigurationException"/>.</summary>
    public static void Validate(IServiceProvider services)
    {
        try
        {
            services.GetService<IStartupValidator>()?.Validate();
        }
        catch (OptionsValidationException ex)
        {
            throw new ConfigurationException(ex.Failures.ToList());
        }
        catch (AggregateException ex) when (ex.InnerExceptions.All(e => e is OptionsValidationException))
        {
            throw new ConfigurationException(ex.InnerExceptions.Cast<OptionsValidationException>().SelectMany(e => e.Failures).ToList());
        }
        catch (InvalidOperationException ex)
        {
            // A value the binder could not convert names its key.
            throw new ConfigurationException([ex.InnerException is null ? ex.Message : $"{ex.Message} {ex.InnerException.Message}"]);
        }
    }
}
