using System.CommandLine;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using SegmentMiner.Cli.Hosting;
using SegmentMiner.Core;
using SegmentMiner.Core.Configuration;
using SegmentMiner.Core.Models;

namespace SegmentMiner.Cli;

/// <summary>
/// The options every command accepts, and what a command runs on: the host built by the composition root (its
/// settings validated), one service scope, the logger and stdout. Disposing it flushes the log.
/// </summary>
internal sealed class CliContext : IAsyncDisposable
{
    public static readonly Option<string?> DataDirOption = new("--data-dir")
    {
        Description = "The data folder (sources, warehouse, truth.csv). Default: ./segminer-data, or the DataDir setting.",
        Recursive = true,
    };

    public static readonly Option<string?> ConfigOption = new("--config")
    {
        Description = "A JSON settings file, applied over appsettings.json and under SEGMINER__ environment variables.",
        Recursive = true,
    };

    public static readonly Option<bool> VerboseOption = new("--verbose")
    {
        Description = "More detail on stderr.",
        Recursive = true,
    };

    private readonly IHost _host;
    private readonly AsyncServiceScope _scope;

    private CliContext(IHost host, TextWriter output)
    {
        _host = host;
        _scope = host.Services.CreateAsyncScope();
        Output = output;
        Log = host.Services.GetRequiredService<ILoggerFactory>().CreateLogger("segminer");
    }

    public IHost Host => _host;

    public SegmentMinerOptions Options => Get<SegmentMinerOptions>();

    public TextWriter Output { get; }

    public ILogger Log { get; }

    public T Get<T>() where T : notnull => _scope.ServiceProvider.GetRequiredService<T>();

    public IReadOnlyList<ModelDefinition> Models(string? name = null) => Get<Func<ModelCatalog>>()().Select(name);

    /// <summary>
    /// Opens the configured warehouse and checks its schema version before a command does anything else, so that an
    /// unreachable SQL Server fails every command the same way: one line naming server and database, exit 1.
    /// </summary>
    public Task EnsureWarehouseAsync(CancellationToken cancellationToken) =>
        Get<SegmentMiner.Warehouse.IWarehouseBackend>().EnsureReadyAsync(cancellationToken);

    /// <summary>The configuration as every entry point reads it; the host is built and its settings validated.</summary>
    public static CliContext Create(ParseResult parse, CliEnvironment env, Action<HostApplicationBuilder>? worker = null)
    {
        var builder = SegmentMinerHost.CreateBuilder(Configuration(parse), parse.GetValue(VerboseOption), env.Configure);
        worker?.Invoke(builder);
        var host = builder.Build();
        try
        {
            SegmentMinerHost.Validate(host.Services);
        }
        catch
        {
            host.Dispose();
            throw;
        }

        return new CliContext(host, env.Output);
    }

    public static Microsoft.Extensions.Configuration.IConfigurationRoot Configuration(ParseResult parse)
    {
        var overrides = new Dictionary<string, string?>();
        if (parse.GetValue(DataDirOption) is { } dir)
        {
            overrides["DataDir"] = dir;
        }

        return OptionsLoader.BuildConfiguration(parse.GetValue(ConfigOption), overrides);
    }

    /// <summary>Parses a <c>yyyy-MM-dd</c> option value, or gives the setting / today (UTC) when it is absent.</summary>
    public DateOnly AsOf(string? value, string optionName = "--as-of")
    {
        if (value is null)
        {
            return Options.Sync.AsOf ?? DateOnly.FromDateTime(Get<TimeProvider>().GetUtcNow().UtcDateTime);
        }

        return DateOnly.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d)
            ? d
            : throw new ConfigurationException([$"{optionName}: '{value}' is not a date in yyyy-MM-dd form."]);
    }

    public async ValueTask DisposeAsync()
    {
        await _scope.DisposeAsync();
        if (_host is IAsyncDisposable a)
        {
            await a.DisposeAsync();
        }
        else
        {
            _host.Dispose();
        }
    }
}
