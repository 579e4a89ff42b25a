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
    public static List<string> Validate(SegmentMinerOptions o)
    {
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(o.DataDir))
        {
            errors.Add("DataDir: must not be empty.");
        }

        if (o.Sync.MaxRejectedFraction is < 0 or > 1 || double.IsNaN(o.Sync.MaxRejectedFraction))
        {
            errors.Add($"Sync:MaxRejectedFraction: {o.Sync.MaxRejectedFraction.ToString(CultureInfo.InvariantCulture)} is out of range; use a number from 0 to 1.");
        }

        if (o.Sync.LockTimeout < TimeSpan.Zero || o.Sync.LockTimeout > TimeSpan.FromHours(24))
        {
            errors.Add($"Sync:LockTimeout: {o.Sync.LockTimeout} is out of range; use 00:00:00 to 1.00:00:00.");
        }

        if (o.Sync.ReportingCurrency is null || !IsCurrencyCode(o.Sync.ReportingCurrency))
        {
            errors.Add($"Sync:ReportingCurrency: '{o.Sync.ReportingCurrency}' is not a three-letter ISO 4217 code.");
        }

        if (o.Warehouse.Provider == WarehouseProvider.SqlServer && string.IsNullOrWhiteSpace(o.Warehouse.ConnectionString))
        {
            errors.Add("Warehouse:ConnectionString: required when Warehouse:Provider is SqlServer.");
        }

        if (o.Warehouse.Provider == WarehouseProvider.DuckDb && string.IsNullOrWhiteSpace(o.Warehouse.DuckDbFile))
        {
            errors.Add("Warehouse:DuckDbFile: must not be empty.");
        }

        foreach (var (name, source) in o.Sources)
        {
            if (!Identifiers.IsValid(name))
            {
                errors.Add($"Sources:{name}: a source name may use letters, digits, '_' and '-' only.");
            }

            if (string.IsNullOrWhiteSpace(source.ConnectionString))
            {
                errors.Add($"Sources:{name}:ConnectionString: required.");
            }

            if (source.CommandTimeoutSeconds <= 0)
            {
                errors.Add($"Sources:{name}:CommandTimeoutSeconds: {source.CommandTimeoutSeconds} must be positive.");
            }

            foreach (var (entity, e) in source.Entities)
            {
                if (!SourceEntities.IsKnown(entity))
                {
                    errors.Add($"Sources:{name}:Entities:{entity}: unknown entity; use one of {string.Join(", ", SourceEntities.All)}.");
                }

                if (string.IsNullOrWhiteSpace(e.Query))
                {
                    errors.Add($"Sources:{name}:Entities:{entity}:Query: required.");
                }

                if (!Identifiers.IsValid(e.WatermarkColumn))
                {
                    errors.Add($"Sources:{name}:Entities:{entity}:WatermarkColumn: '{e.WatermarkColumn}' is not a plain column name.");
                }
            }
        }

        if (o.Mining.Server == MiningServerKind.AnalysisServices)
        {
            if (!Uri.TryCreate(o.Mining.Xmla.Url, UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https"))
            {
                errors.Add("Mining:Xmla:Url: required when Mining:Server is AnalysisServices; an http(s) address such as https://host/olap/msmdpump.dll.");
            }
        }

        if (o.Mining.Xmla.Retries is < 0 or > 10)
        {
            errors.Add($"Mining:Xmla:Retries: {o.Mining.Xmla.Retries} is out of range 0 to 10.");
        }

        if (o.Mining.Xmla.QueryTimeout <= TimeSpan.Zero)
        {
            errors.Add("Mining:Xmla:QueryTimeout: must be positive.");
        }

        if (o.Publish.KeepRuns is < 1 or > 10_000)
        {
            errors.Add($"Publish:KeepRuns: {o.Publish.KeepRuns} is out of range 1 to 10000.");
        }

        if (o.Publish.TraitAlpha is <= 0 or >= 1 || double.IsNaN(o.Publish.TraitAlpha))
        {
            errors.Add(FormattableString.Invariant($"Publish:TraitAlpha: {o.Publish.TraitAlpha} is out of range: more than 0 and less than 1."));
        }

        if (o.Publish.MinimumEffectSize is < 0 or > 5 || double.IsNaN(o.Publish.MinimumEffectSize))
        {
            errors.Add(FormattableString.Invariant($"Publish:MinimumEffectSize: {o.Publish.MinimumEffectSize} is out of range 0 to 5."));
        }

        if (o.Publish.MaxPublishAge <= TimeSpan.Zero)
        {
            errors.Add(FormattableString.Invariant($"Publish:MaxPublishAge: {o.Publish.MaxPublishAge} must be positive."));
        }

        if (o.Mining.Endpoint.SessionTimeout <= TimeSpan.Zero)
        {
            errors.Add("Mining:Endpoint:SessionTimeout: must be positive.");
        }

        if (o.Retention.KeepHistory < TimeSpan.FromDays(1))
        {
            errors.Add(FormattableString.Invariant($"Retention:KeepHistory: {o.Retention.KeepHistory} is too short; keep at least 1.00:00:00 (one day)."));
        }

        errors.AddRange(ValidateWorker(o.Worker));
        return errors;
    }

    private static IEnumerable<string> ValidateWorker(WorkerOptions w)
    {
        if (w.ShutdownTimeout < TimeSpan.FromSeconds(1) || w.ShutdownTimeout > TimeSpan.FromMinutes(10))
        {
            yield return FormattableString.Invariant($"Worker:ShutdownTimeout: {w.ShutdownTimeout} is out of range 00:00:01 to 00:10:00.");
        }

        foreach (var url in (w.HealthUrls ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!Uri.TryCreate(url, UriKind.Absolute, out var u) || u.Scheme is not ("http" or "https"))
            {
                yield return $"Worker:HealthUrls: '{url}' is not an http(s) address such as http://127.0.0.1:8391.";
            }
        }

        var store = w.JobStore;
        if (store.Kind == JobStoreKind.AdoNet && string.IsNullOrWhiteSpace(store.ConnectionString))
        {
            yield return "Worker:JobStore:ConnectionString: required when Worker:JobStore:Kind is AdoNet.";
        }

        if (!Identifiers.IsValid(store.TablePrefix) || store.TablePrefix.Contains('-', StringComparison.Ordinal))
        {
            yield return $"Worker:JobStore:TablePrefix: '{store.TablePrefix}' may use letters, digits and '_' only.";
        }

        if (!Identifiers.IsValid(store.SchedulerName))
        {
            yield return $"Worker:JobStore:SchedulerName: '{store.SchedulerName}' may use letters, digits, '_' and '-' only.";
        }

        if (store.CheckinInterval < TimeSpan.FromSeconds(1) || store.CheckinInterval > TimeSpan.FromMinutes(5))
        {
            yield return FormattableString.Invariant($"Worker:JobStore:CheckinInterval: {store.CheckinInterval} is out of range 00:00:01 to 00:05:00.");
        }
    }

    private static bool IsCurrencyCode(string s) => s.Length == 3 && s.All(char.IsAsciiLetterUpper);
}
