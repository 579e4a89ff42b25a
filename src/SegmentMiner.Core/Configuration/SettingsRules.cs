using System.Globalization;

namespace SegmentMiner.Core.Configuration;

/// <summary>
/// The settings' rules, one method per section, each failure naming the setting's full path and the rejected value.
/// The Options validators run them at start; <see cref="OptionsLoader.Validate"/> runs them all.
/// </summary>
public static class SettingsRules
{
    /// <summary>The data folder and the SQL sources (settings at the root).</summary>
    public static IEnumerable<string> Root(SegmentMinerOptions x)
    {
        if (string.IsNullOrWhiteSpace(x.DataDir))
        {
            yield return "DataDir: must not be empty.";
        }

        foreach (var (name, source) in x.Sources)
        {
            if (!Identifiers.IsValid(name))
            {
                yield return $"Sources:{name}: a source name may use letters, digits, '_' and '-' only.";
            }

            if (string.IsNullOrWhiteSpace(source.ConnectionString))
            {
                yield return $"Sources:{name}:ConnectionString: required.";
            }
            else if (Malformed(source.ConnectionString) is { } why)
            {
                yield return $"Sources:{name}:ConnectionString: {why}";
            }

            if (source.CommandTimeoutSeconds <= 0)
            {
                yield return $"Sources:{name}:CommandTimeoutSeconds: {source.CommandTimeoutSeconds} must be positive.";
            }

            foreach (var (entity, e) in source.Entities)
            {
                if (!SourceEntities.IsKnown(entity))
                {
                    yield return $"Sources:{name}:Entities:{entity}: unknown entity; use one of {string.Join(", ", SourceEntities.All)}.";
                }

                if (string.IsNullOrWhiteSpace(e.Query))
                {
                    yield return $"Sources:{name}:Entities:{entity}:Query: required.";
                }

                if (!Identifiers.IsValid(e.WatermarkColumn))
                {
                    yield return $"Sources:{name}:Entities:{entity}:WatermarkColumn: '{e.WatermarkColumn}' is not a plain column name.";
                }
            }
        }
    }

    /// <summary>Warehouse:*, the provider and what it needs.</summary>
    public static IEnumerable<string> Warehouse(WarehouseOptions x)
    {
        if (x.Provider == WarehouseProvider.SqlServer && string.IsNullOrWhiteSpace(x.ConnectionString))
        {
            yield return "Warehouse:ConnectionString: required when Warehouse:Provider is SqlServer.";
        }

        if (x.Provider == WarehouseProvider.DuckDb && string.IsNullOrWhiteSpace(x.DuckDbFile))
        {
            yield return "Warehouse:DuckDbFile: must not be empty.";
        }

        if (x.CommandTimeout <= TimeSpan.Zero)
        {
            yield return $"Warehouse:CommandTimeout: {x.CommandTimeout} must be positive (hh:mm:ss).";
        }

        if (x.MemoryLimit is { } limit && MemorySize.TryParseMegabytes(limit) is not (>= 16))
        {
            yield return $"Warehouse:MemoryLimit: '{limit}' is not a size of at least 16MB; use a number and a unit such as 512MB or 2.5GB.";
        }
    }

    /// <summary>Sync:*.</summary>
    public static IEnumerable<string> Sync(SyncOptions x)
    {
        if (x.MaxRejectedFraction is < 0 or > 1 || double.IsNaN(x.MaxRejectedFraction))
        {
            yield return $"Sync:MaxRejectedFraction: {x.MaxRejectedFraction.ToString(CultureInfo.InvariantCulture)} is out of range; use a number from 0 to 1.";
        }

        if (x.MaxRejectedRows is < 0 or > 1_000_000_000)
        {
            yield return $"Sync:MaxRejectedRows: {x.MaxRejectedRows} is out of range 0 to 1000000000.";
        }

        if (x.LockTimeout < TimeSpan.Zero || x.LockTimeout > TimeSpan.FromHours(24))
        {
            yield return $"Sync:LockTimeout: {x.LockTimeout} is out of range; use 00:00:00 to 1.00:00:00.";
        }

        if (x.ReportingCurrency is null || !IsCurrencyCode(x.ReportingCurrency))
        {
            yield return $"Sync:ReportingCurrency: '{x.ReportingCurrency}' is not a three-letter ISO 4217 code.";
        }
    }

    /// <summary>Mining:*, Analysis Services and the endpoint.</summary>
    public static IEnumerable<string> Mining(MiningOptions x)
    {
        if (x.Server == MiningServerKind.AnalysisServices)
        {
            if (!Uri.TryCreate(x.Xmla.Url, UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https"))
            {
                yield return "Mining:Xmla:Url: required when Mining:Server is AnalysisServices; an http(s) address such as https://host/olap/msmdpump.dll.";
            }
        }

        if (Uri.TryCreate(x.Xmla.Url, UriKind.Absolute, out var withUser) && withUser.UserInfo.Length > 0)
        {
            // Never echoed: the user information is where the password would be.
            yield return $"Mining:Xmla:Url: {Secrets.DisplayUrl(withUser)} carries a user name or password; give them as Mining:Xmla:User and Mining:Xmla:Password (a secret in the address would reach logs and messages).";
        }

        if (x.Xmla.Retries is < 0 or > 10)
        {
            yield return $"Mining:Xmla:Retries: {x.Xmla.Retries} is out of range 0 to 10.";
        }

        if (x.Xmla.QueryTimeout <= TimeSpan.Zero)
        {
            yield return "Mining:Xmla:QueryTimeout: must be positive.";
        }

        if (x.Endpoint.SessionTimeout <= TimeSpan.Zero)
        {
            yield return "Mining:Endpoint:SessionTimeout: must be positive.";
        }
    }

    /// <summary>Publish:*.</summary>
    public static IEnumerable<string> Publish(PublishOptions x)
    {
        if (x.KeepRuns is < 1 or > 10_000)
        {
            yield return $"Publish:KeepRuns: {x.KeepRuns} is out of range 1 to 10000.";
        }

        if (x.TraitAlpha is <= 0 or >= 1 || double.IsNaN(x.TraitAlpha))
        {
            yield return FormattableString.Invariant($"Publish:TraitAlpha: {x.TraitAlpha} is out of range: more than 0 and less than 1.");
        }

        if (x.MinimumEffectSize is < 0 or > 5 || double.IsNaN(x.MinimumEffectSize))
        {
            yield return FormattableString.Invariant($"Publish:MinimumEffectSize: {x.MinimumEffectSize} is out of range 0 to 5.");
        }

        if (x.MaxPublishAge <= TimeSpan.Zero)
        {
            yield return FormattableString.Invariant($"Publish:MaxPublishAge: {x.MaxPublishAge} must be positive.");
        }
    }

    /// <summary>Retention:*.</summary>
    public static IEnumerable<string> Retention(RetentionOptions x)
    {
        if (x.KeepHistory < TimeSpan.FromDays(1))
        {
            yield return FormattableString.Invariant($"Retention:KeepHistory: {x.KeepHistory} is too short; keep at least 1.00:00:00 (one day).");
        }
    }

    /// <summary>Worker:*: shutdown, health addresses, the job store (cron expressions are checked where Quartz is).</summary>
    public static IEnumerable<string> Worker(WorkerOptions w)
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
        else if (store.Kind == JobStoreKind.AdoNet && Malformed(store.ConnectionString) is { } why)
        {
            yield return $"Worker:JobStore:ConnectionString: {why}";
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

    /// <summary>
    /// Why a connection string cannot be parsed (as ADO.NET parses one: key=value pairs separated by ';', a value
    /// holding ';' in quotes), or null. The value itself is never quoted back: it holds a password.
    /// </summary>
    public static string? Malformed(string? connectionString)
    {
        try
        {
            _ = new System.Data.Common.DbConnectionStringBuilder { ConnectionString = connectionString };
            return null;
        }
        catch (ArgumentException e)
        {
            return $"not a well-formed connection string ({e.Message.TrimEnd('.')}); write key=value pairs separated by ';', and put a value that holds ';' or a quote in double quotes.";
        }
    }
}
