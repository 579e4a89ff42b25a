using Dapper;
using DuckDB.NET.Data;
using Microsoft.Extensions.Logging.Abstractions;
using SegmentMiner.Core;

namespace SegmentMiner.Warehouse.Sync;

/// <summary>What sync makes of one source file, line by line: the lines it accepts and the ones it rejects, with why.</summary>
public sealed record SourceFileReport(long Read, IReadOnlyList<long> AcceptedLines, IReadOnlyList<(long Line, string Reason)> Rejected);

/// <summary>
/// Reads and checks one source file as sync does (the same reader, the same contract rules), in an in-memory
/// database and without a warehouse: the rules that need one (unknown account, fx rates) are left out. The fuzz
/// tests drive it with mutated files; a file that cannot be read at all is a <see cref="WarehouseException"/>
/// naming it, as in sync.
/// </summary>
public static class SourceFileCheck
{
    public static async Task<SourceFileReport> RunAsync(string path, string entity, CancellationToken cancellationToken = default)
    {
        await using var db = await OpenAsync(cancellationToken);
        return await RunAsync(db, path, entity, cancellationToken);
    }

    /// <summary>An in-memory database for <see cref="RunAsync(DuckDBConnection, string, string, CancellationToken)"/>, which many checks may share.</summary>
    public static async Task<DuckDBConnection> OpenAsync(CancellationToken cancellationToken = default)
    {
        var db = new DuckDBConnection("Data Source=:memory:");
        await db.OpenAsync(cancellationToken);
        await db.ExecuteAsync(new CommandDefinition("SET threads = 1", cancellationToken: cancellationToken));
        return db;
    }

    public static async Task<SourceFileReport> RunAsync(DuckDBConnection db, string path, string entity, CancellationToken cancellationToken = default)
    {
        var spec = SourceEntities.InLoadOrder.Single(s => s.Name == entity);
        var file = new SourceFileInfo(entity, Path.GetFileName(path), path, new FileInfo(path).Length, "");
        var offset = file.IsParquet ? 1 : 2;
        var load = await new RawFileReader(NullLogger.Instance, 2 * 1024 * 1024).ReadAsync(db, spec, file, "file", 0, offset, null, cancellationToken);
        await db.ExecuteAsync(new CommandDefinition(StagingSql.Check(load.RawTable, spec, load.Headers, offset, "USD", load.MalformedLines, warehouseChecks: false, lineShifts: load.LineShifts), cancellationToken: cancellationToken));
        var accepted = (await db.QueryAsync<long>(new CommandDefinition($"SELECT _line FROM {StagingSql.CheckedTable} WHERE _reason IS NULL ORDER BY 1", cancellationToken: cancellationToken))).ToList();
        var rejected = (await db.QueryAsync<(long, string)>(new CommandDefinition(
            $"SELECT _line, _reason FROM {StagingSql.CheckedTable} WHERE _reason IS NOT NULL" +
            (load.MalformedLines is null ? "" : $" UNION ALL SELECT line, 'malformed CSV row: ' || error_message FROM {load.MalformedLines}") + " ORDER BY 1",
            cancellationToken: cancellationToken))).ToList();
        await db.ExecuteAsync(new CommandDefinition(
            $"{load.DropTables}; DROP TABLE {StagingSql.CheckedTable}",
            cancellationToken: cancellationToken));
        return new SourceFileReport(accepted.Count + rejected.Count, accepted, rejected);
    }
}
