using System.Diagnostics;
using System.Globalization;
using Dapper;
using DuckDB.NET.Data;
using SegmentMiner.Core.Configuration;

namespace SegmentMiner.Warehouse.DuckDb;

/// <summary>
/// The embedded warehouse: one DuckDB file in the data folder. Writers hold the folder's writer lock; readers open
/// the file read-only. Every connection works in UTC so that timestamps without an offset are read as UTC, within
/// the configured memory limit, spilling to the data folder's <c>tmp</c>.
/// </summary>
public sealed class DuckDbWarehouse
{
    public const string Dialect = "duckdb";

    private readonly string _file;
    private readonly long _memoryLimitMb;
    private readonly string? _tempDirectory;

    public DuckDbWarehouse(string file, long? memoryLimitMb = null, string? tempDirectory = null)
    {
        _file = file;
        _memoryLimitMb = memoryLimitMb ?? MemorySize.DefaultMegabytes();
        _tempDirectory = tempDirectory;
    }

    public DuckDbWarehouse(DataFolder folder, WarehouseOptions options)
        : this(folder.WarehouseFile(options), MemorySize.Megabytes(options.MemoryLimit), folder.TempFolder)
    {
    }

    public string FilePath => _file;

    public bool Exists => File.Exists(_file);

    /// <summary>The migrations the last <see cref="OpenForWriteAsync"/> applied.</summary>
    public IReadOnlyList<MigrationScript> LastApplied { get; private set; } = [];

    /// <summary>
    /// Opens read-write, creating the file and applying pending migrations. While another process has the file
    /// open (a reader's connection included), it retries for up to <paramref name="wait"/>, then fails with
    /// <see cref="WarehouseLockedException"/> naming the holder when DuckDB does.
    /// </summary>
    public async Task<DuckDBConnection> OpenForWriteAsync(CancellationToken cancellationToken = default, TimeSpan? wait = null, Action<string>? waiting = null)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(_file))!);
        var connection = await OpenWaitingAsync($"Data Source={_file}", wait ?? TimeSpan.Zero, waiting, cancellationToken);
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

        return await OpenWaitingAsync($"Data Source={_file};ACCESS_MODE=READ_ONLY", TimeSpan.Zero, null, cancellationToken);
    }

    private async Task<DuckDBConnection> OpenWaitingAsync(string connectionString, TimeSpan wait, Action<string>? waiting, CancellationToken cancellationToken)
    {
        var watch = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                return await OpenAsync(connectionString, cancellationToken);
            }
            catch (WarehouseException ex) when (IsLockConflict(ex))
            {
                var holder = Holder(ex.InnerException!.Message);
                if (watch.Elapsed >= wait)
                {
                    throw new WarehouseLockedException(
                        $"the warehouse '{Path.GetFileName(_file)}' is in use by another process{holder}; gave up after {wait.TotalSeconds:0} s (Sync:LockTimeout). " +
                        "A reader's open connection (a report tool, a long 'segminer sql') blocks writing: read the export files instead, or close it and try again.");
                }

                // Said once, on the first refusal.
                waiting?.Invoke($"the warehouse is in use by another process{holder}; waiting up to {wait.TotalSeconds:0} s (Sync:LockTimeout)");
                waiting = null;

                await Task.Delay(TimeSpan.FromMilliseconds(500), cancellationToken);
            }
        }
    }

    private static bool IsLockConflict(WarehouseException ex) =>
        ex.InnerException is DuckDBException d && d.Message.Contains("Could not set lock", StringComparison.Ordinal);

    /// <summary>" (PID 1234, /usr/bin/dotnet)" from DuckDB's "Conflicting lock is held in /usr/bin/dotnet (PID 1234)".</summary>
    private static string Holder(string message)
    {
        var m = System.Text.RegularExpressions.Regex.Match(message, @"held in (.+?) \(PID (\d+)\)");
        return m.Success ? $" (PID {m.Groups[2].Value}, {Path.GetFileName(m.Groups[1].Value)})" : "";
    }

    private async Task<DuckDBConnection> OpenAsync(string connectionString, CancellationToken cancellationToken)
    {
        var connection = new DuckDBConnection(connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken);
            await connection.ExecuteAsync(new CommandDefinition(SessionSettings(), cancellationToken: cancellationToken));
            return connection;
        }
        catch (DuckDBException ex)
        {
            await connection.DisposeAsync();
            throw new WarehouseException($"cannot open the warehouse: {ex.Message}", ex);
        }
    }

    private string SessionSettings()
    {
        var settings = $"SET TimeZone = 'UTC'; SET memory_limit = '{_memoryLimitMb.ToString(CultureInfo.InvariantCulture)}MiB';";
        if (_memoryLimitMb < 512)
        {
            // Each thread holds buffers of its own; under a small limit one thread spills where two would fail.
            settings += " SET threads = 1;";
        }

        if (_tempDirectory is not null)
        {
            settings += $" SET temp_directory = {Sync.Sql.Literal(_tempDirectory)};";
        }

        return settings;
    }
}
