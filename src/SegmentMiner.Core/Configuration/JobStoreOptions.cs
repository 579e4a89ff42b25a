namespace SegmentMiner.Core.Configuration;

public enum JobStoreKind
{
    /// <summary>Schedules live in the process (default): one worker.</summary>
    Memory,

    /// <summary>Quartz's ADO.NET job store in a database, clustered: two or more workers share the schedule.</summary>
    AdoNet,
}

public enum JobStoreProvider
{
    SqlServer,

    PostgreSQL,
}

/// <summary>Where the worker keeps its schedule.</summary>
public sealed class JobStoreOptions
{
    public JobStoreKind Kind { get; set; } = JobStoreKind.Memory;

    /// <summary>The database that holds Quartz's tables (sql/sqlserver/quartz/); PostgreSQL is supported for the same tables on PostgreSQL.</summary>
    public JobStoreProvider Provider { get; set; } = JobStoreProvider.SqlServer;

    public string? ConnectionString { get; set; }

    /// <summary>Quartz's table prefix. Default QRTZ_.</summary>
    public string TablePrefix { get; set; } = "QRTZ_";

    /// <summary>The scheduler's name: workers with the same name on one store share its schedule. Default SegmentMiner.</summary>
    public string SchedulerName { get; set; } = "SegmentMiner";

    /// <summary>How often a clustered worker checks in; a worker silent for twice as long has its running job recovered by another. Default 7.5 s.</summary>
    public TimeSpan CheckinInterval { get; set; } = TimeSpan.FromSeconds(7.5);
}
