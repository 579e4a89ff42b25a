using Dapper;
using DuckDB.NET.Data;
using SegmentMiner.Core.Configuration;

namespace SegmentMiner.Warehouse.DuckDb;

/// <summary>
/// The embedded warehouse: one DuckDB file in the data folder. Writers hold the folder's writer lock; readers open
/// the file read-only. Every connection works in UTC so that timestamps without an offset are read as UTC.
/// </summary>
public sealed class DuckDbWarehouse
{
    public const string Dialect = "duckdb";

    private readonly string _file;

    public DuckDbWarehouse(string file)
    {
        _file = file;
    }

    public DuckDbWarehouse(DataFolder folder, WarehouseOptions options)
        : this(folder.WarehouseFile(options))
    {
    }

    public string FilePath => _file;

    public bool Exists => File.Exists(_file);

    /// <summary>The migrations the last <see cref="OpenForWriteAsync"/> applied.</summary>
    public IReadOnlyList<MigrationScript> LastApplied { get; private set; } = [];

    /// <summary>Opens read-write, creating the file and applying pending migrations.</summary>
    public async Task<DuckDBConnection> OpenForWriteAsync(CancellationToken cancellationToken = default)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(_file))!);
        var connection = await OpenAsync($"Data Source={_file}", cancellationToken);
        try
        {
            LastApplied = await Migrations.ApplyAsync(connection, Dialect, s => [s], () => DateTime.UtcNow, cancellationToken);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    /// <summary>Opens read-only: statements that write fail inside DuckDB itself.</summary>
    public async Task<DuckDBConnection> OpenReadOnlyAsync(CancellationToken cancellationToken = default)
    {
        if (!Exists)
        {
            throw new WarehouseException($"the warehouse '{_file}' does not exist yet; run 'segminer sync' first");
        }

        return await OpenAsync($"Data Source={_file};ACCESS_MODE=READ_ONLY", cancellationToken);
    }

    private static async Task<DuckDBConnection> OpenAsync(string connectionString, CancellationToken cancellationToken)
    {
        var connection = new DuckDBConnection(connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken);
            await connection.ExecuteAsync(new CommandDefinition("SET TimeZone = 'UTC'", cancellationToken: cancellationToken));
            return connection;
        }
        catch (DuckDB.NET.Data.DuckDBException ex)
        {
            await connection.DisposeAsync();
            throw new WarehouseException($"cannot open the warehouse: {ex.Message}", ex);
        }
    }
}
