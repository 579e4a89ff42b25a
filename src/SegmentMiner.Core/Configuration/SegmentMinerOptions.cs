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
}

public sealed class SyncOptions
{
    /// <summary>A file whose rejected share passes this fails the whole batch. Default 0.05; range 0 to 1.</summary>
    public double MaxRejectedFraction { get; set; } = 0.05;

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
