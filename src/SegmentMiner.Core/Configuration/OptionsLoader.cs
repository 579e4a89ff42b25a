using System.Globalization;
using Microsoft.Extensions.Configuration;

namespace SegmentMiner.Core.Configuration;

/// <summary>
/// Builds the settings from, in increasing priority: <c>appsettings.json</c> beside the program, the
/// <c>--config FILE</c> given on the command line, and <c>SEGMINER__</c> environment variables
/// (<c>SEGMINER__Sync__MaxRejectedFraction=0.1</c>). Command-line overrides such as <c>--data-dir</c> win over all.
/// </summary>
public static class OptionsLoader
{
    public const string EnvironmentPrefix = "SEGMINER__";

    public static SegmentMinerOptions Load(string? configFile, IDictionary<string, string?>? overrides = null, string? baseDirectory = null) =>
        Bind(BuildConfiguration(configFile, overrides, baseDirectory));

    /// <summary>
    /// The configuration in its sources' order, each settings file checked first (invalid JSON names the file and
    /// line), then every key in SegmentMiner's sections checked (an unknown one is named with its full path).
    /// </summary>
    public static IConfigurationRoot BuildConfiguration(string? configFile, IDictionary<string, string?>? overrides = null, string? baseDirectory = null)
    {
        var builder = new ConfigurationBuilder();
        var shipped = Path.Combine(baseDirectory ?? AppContext.BaseDirectory, "appsettings.json");
        if (File.Exists(shipped))
        {
            ConfigurationKeys.CheckJson(shipped, "appsettings.json");
            builder.AddJsonFile(shipped, optional: true, reloadOnChange: false);
        }

        if (configFile is not null)
        {
            var full = Path.GetFullPath(configFile);
            if (!File.Exists(full))
            {
                throw new ConfigurationException([$"--config: the file '{configFile}' does not exist."]);
            }

            ConfigurationKeys.CheckJson(full, "--config");
            builder.AddJsonFile(full, optional: false, reloadOnChange: false);
        }

        builder.AddEnvironmentVariables(EnvironmentPrefix);
        if (overrides is not null)
        {
            builder.AddInMemoryCollection(overrides);
        }

        IConfigurationRoot root;
        try
        {
            root = builder.Build();
        }
        catch (Exception ex) when (ex is InvalidDataException or FormatException or System.Text.Json.JsonException)
        {
            throw new ConfigurationException([$"configuration file: {ex.Message}"]);
        }

        // Unknown keys and values that name nothing are reported before binding would ignore or garble them.
        var keys = ConfigurationKeys.Check(root);
        if (keys.Count > 0)
        {
            throw new ConfigurationException(keys);
        }

        return root;
    }

    /// <summary>Binds and validates: every broken rule is reported with the setting's full path and the rejected value.</summary>
    public static SegmentMinerOptions Bind(IConfiguration configuration)
    {
        var options = BindOnly(configuration);
        var errors = Validate(options);
        if (errors.Count > 0)
        {
            throw new ConfigurationException(errors);
        }

        return options;
    }

    /// <summary>Binds without validating; a value that does not convert is a <see cref="ConfigurationException"/> naming the setting.</summary>
    public static SegmentMinerOptions BindOnly(IConfiguration configuration)
    {
        var options = new SegmentMinerOptions();
        try
        {
            configuration.Bind(options);
        }
        catch (InvalidOperationException ex)
        {
            // The binder names the key whose value did not convert; show it as the setting.
            throw new ConfigurationException([ex.InnerException is null ? ex.Message : $"{ex.Message} {ex.InnerException.Message}"]);
        }

        return options;
    }

    /// <summary>Every rule broken, each naming the setting and the rejected value.</summary>
    public static List<string> Validate(SegmentMinerOptions o) =>
        [
            .. SettingsRules.Root(o), .. SettingsRules.Warehouse(o.Warehouse), .. SettingsRules.Sync(o.Sync), .. SettingsRules.Mining(o.Mining),
            .. SettingsRules.Publish(o.Publish), .. SettingsRules.Retention(o.Retention), .. SettingsRules.Worker(o.Worker),
        ];

}
