namespace SegmentMiner.Core.Configuration;

/// <summary>All settings, bound from appsettings.json, <c>--config FILE</c> and <c>SEGMINER__</c> environment variables.</summary>
public sealed class SegmentMinerOptions
{
    /// <summary>The data folder: sources, warehouse file, demo truth. Default <c>./segminer-data</c>.</summary>
    public string DataDir { get; set; } = "segminer-data";

    public WarehouseOptions Warehouse { get; set; } = new();

    public SyncOptions Sync { get; set; } = new();

    /// <summary>SQL sources by name. File drops under the data folder need no entry.</summary>
    public Dictionary<string, SqlSourceOptions> Sources { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    public MiningOptions Mining { get; set; } = new();

    public PublishOptions Publish { get; set; } = new();

    public ReportOptions Report { get; set; } = new();

    public RetentionOptions Retention { get; set; } = new();

    public WorkerOptions Worker { get; set; } = new();
}

public sealed class PublishOptions
{
    /// <summary>Published runs kept per model, the current one included; older ones are deleted. Default 12.</summary>
    public int KeepRuns { get; set; } = 12;

    /// <summary>
    /// Where <c>publish</c> also writes the current seg views as Parquet files for report tools (the files
    /// <c>segminer export</c> writes), replaced atomically; relative paths are under the data folder. Default
    /// <c>export</c>; empty turns it off.
    /// </summary>
    public string? ExportFolder { get; set; } = "export";

    /// <summary>The significance level a segment's trait must pass (two-sided, Bonferroni-corrected for the traits tested in the model). Default 0.01.</summary>
    public double TraitAlpha { get; set; } = 0.01;

    /// <summary>The smallest effect size (Cohen's h for a share, d for a mean) a trait must have to shape a name. Default 0.2.</summary>
    public double MinimumEffectSize { get; set; } = 0.2;

    /// <summary>A published run older than this makes <c>segminer status</c> exit 5. Default 36 hours.</summary>
    public TimeSpan MaxPublishAge { get; set; } = TimeSpan.FromHours(36);
}

public sealed class ReportOptions
{
    /// <summary>
    /// Where every publish (the worker's, <c>run-once</c>'s, the demo's) writes the persona report, one self-contained
    /// HTML file, replaced atomically; relative paths are under the data folder. Default <c>report.html</c>; empty
    /// turns it off.
    /// </summary>
    public string? Path { get; set; } = "report.html";
}

public enum MiningServerKind
{
    /// <summary>SegmentMiner's own Microsoft Clustering engine, over the DuckDB warehouse (default).</summary>
    Embedded,

    /// <summary>SQL Server Analysis Services 2016 to 2019 (multidimensional) through XMLA.</summary>
    AnalysisServices,
}

public sealed class MiningOptions
{
    /// <summary><c>Embedded</c> (default) or <c>AnalysisServices</c>.</summary>
    public MiningServerKind Server { get; set; } = MiningServerKind.Embedded;

    /// <summary>A folder of model definitions (<c>*.json</c>); default: the shipped definitions, embedded in the build.</summary>
    public string? ModelsFolder { get; set; }

    public XmlaSettings Xmla { get; set; } = new();

    public EndpointSettings Endpoint { get; set; } = new();
}

public enum XmlaAuthenticationKind
{
    Anonymous,
    Basic,
    Negotiate,
}

/// <summary>How to reach Analysis Services (Mining:Server=AnalysisServices).</summary>
public sealed class XmlaSettings
{
    /// <summary>The msmdpump endpoint, e.g. <c>https://bi.example.com/olap/msmdpump.dll</c>.</summary>
    public string? Url { get; set; }

    public XmlaAuthenticationKind Authentication { get; set; } = XmlaAuthenticationKind.Anonymous;

    public string? User { get; set; }

    /// <summary>A secret: never logged or printed.</summary>
    public string? Password { get; set; }

    /// <summary>Basic over plain http sends the password in clear; refused unless this is true.</summary>
    public bool AllowBasicOverHttp { get; set; }

    /// <summary>Discover and queries. Default 5 minutes.</summary>
    public TimeSpan QueryTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Processing and bulk prediction; default none (processing can take hours).</summary>
    public TimeSpan? ProcessTimeout { get; set; }

    /// <summary>Retries of transient transport failures. Default 3.</summary>
    public int Retries { get; set; } = 3;

    /// <summary>What the server uses to read the warehouse (its data source). A secret: never logged or printed.</summary>
    public string? DataSourceConnectionString { get; set; }
}

/// <summary>The embedded XMLA endpoint (<c>segminer xmla serve</c>).</summary>
public sealed class EndpointSettings
{
    /// <summary>Default <c>http://127.0.0.1:8390</c> (loopback).</summary>
    public string Urls { get; set; } = "http://127.0.0.1:8390";

    public string? User { get; set; }

    /// <summary>A secret: never logged or printed.</summary>
    public string? Password { get; set; }

    /// <summary>Idle sessions expire after this. Default 20 minutes.</summary>
    public TimeSpan SessionTimeout { get; set; } = TimeSpan.FromMinutes(20);
}

public enum WarehouseProvider
{
    DuckDb,
    SqlServer,
}

public sealed class WarehouseOptions
{
    /// <summary><c>DuckDb</c> (default, the file <c>warehouse.duckdb</c> in the data folder) or <c>SqlServer</c>.</summary>
    public WarehouseProvider Provider { get; set; } = WarehouseProvider.DuckDb;

    /// <summary>SQL Server only. A secret: never logged or printed.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>DuckDB only: the warehouse file; relative paths are under the data folder. Default <c>warehouse.duckdb</c>.</summary>
    public string DuckDbFile { get; set; } = "warehouse.duckdb";

    /// <summary>
    /// DuckDB only: the memory the warehouse may use (e.g. <c>2GB</c>, <c>512MB</c>); past it, sorts, joins and
    /// aggregates spill to <c>&lt;data-dir&gt;/tmp</c>. Default: the smaller of 25% of RAM and 2.5 GB.
    /// </summary>
    public string? MemoryLimit { get; set; }

    /// <summary>
    /// SQL Server only: how long one statement may run (a publish, the case views the embedded engine reads, a
    /// migration, an analyst's query); it becomes the connection's Command Timeout. Default 30 minutes.
    /// </summary>
    public TimeSpan CommandTimeout { get; set; } = TimeSpan.FromMinutes(30);
}

public sealed class SyncOptions
{
    /// <summary>A file whose rejected share passes this fails the whole batch. Default 0.05; range 0 to 1.</summary>
    public double MaxRejectedFraction { get; set; } = 0.05;

    /// <summary>Rejected rows a file may have before <see cref="MaxRejectedFraction"/> applies at all. Default 10.</summary>
    public int MaxRejectedRows { get; set; } = 10;

    /// <summary>How long a second writer waits for the warehouse lock. Default 30 seconds.</summary>
    public TimeSpan LockTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>ISO 4217 code amounts are kept in. Default USD.</summary>
    public string ReportingCurrency { get; set; } = "USD";

    /// <summary>The date features are computed as of; default today (UTC).</summary>
    public DateOnly? AsOf { get; set; }
}

public enum SqlSourceKind
{
    SqlServer,
    DuckDb,
}

/// <summary>A database that some entities are read from instead of files.</summary>
public sealed class SqlSourceOptions
{
    public SqlSourceKind Kind { get; set; } = SqlSourceKind.SqlServer;

    /// <summary>A secret: never logged or printed.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>Entity name (for example <c>accounts</c>) to its query.</summary>
    public Dictionary<string, SqlEntityOptions> Entities { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Seconds a query may run. Default 600.</summary>
    public int CommandTimeoutSeconds { get; set; } = 600;
}

public sealed class SqlEntityOptions
{
    /// <summary>A query returning the contract's column names; it is wrapped, never edited.</summary>
    public string Query { get; set; } = "";

    /// <summary>The column compared with the stored watermark. Default <c>ModifiedAt</c>.</summary>
    public string WatermarkColumn { get; set; } = "ModifiedAt";
}
