using System.Text.Json;
using Dapper;
using DuckDB.NET.Data;

namespace SegmentMiner.Warehouse.Sync;

/// <summary>
/// Failed batches that could not be written to the warehouse because another process held it (a reader's open
/// connection): kept as JSON lines in the data folder, and moved into ops.Batch by the next sync that opens it, so
/// that the run history shows every attempt.
/// </summary>
internal sealed class PendingFailures(DataFolder folder)
{
    private string FilePath => Path.Combine(folder.Root, "sync-failures.pending.jsonl");

    public void Add(DateTime startedAt, DateOnly asOf, string message)
    {
        var line = JsonSerializer.Serialize(new Entry(startedAt, asOf.ToDateTime(TimeOnly.MinValue), message));
        File.AppendAllText(FilePath, line + "\n");
    }

    public async Task ImportAsync(DuckDBConnection db, CancellationToken cancellationToken)
    {
        if (!File.Exists(FilePath))
        {
            return;
        }

        var entries = File.ReadAllLines(FilePath).Where(l => l.Length > 0).Select(l => JsonSerializer.Deserialize<Entry>(l)!).ToList();
        foreach (var e in entries)
        {
            await db.ExecuteAsync(new CommandDefinition(
                """
                INSERT INTO ops.Batch SELECT COALESCE(max(BatchId), 0) + 1, $at, $at, 'Failed', $asof, 0, 0, 0, 0, $msg FROM ops.Batch
                """,
                new { at = e.StartedAt, asof = e.AsOf, msg = e.Message.Length > 4000 ? e.Message[..4000] : e.Message }, cancellationToken: cancellationToken));
        }

        File.Delete(FilePath);
    }

    private sealed record Entry(DateTime StartedAt, DateTime AsOf, string Message);
}
