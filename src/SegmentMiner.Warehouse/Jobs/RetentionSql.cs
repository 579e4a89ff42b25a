using System.Data.Common;
using Dapper;
using SegmentMiner.Warehouse.Publishing;

namespace SegmentMiner.Warehouse.Jobs;

/// <summary>
/// Retention's statements, one text for both dialects (T-SQL parameters; DuckDB's are the same names with '$').
/// Committed batches stay (the warehouse's rows refer to them, and their source files are what makes a re-run load
/// nothing twice); failed ones and every batch's rejected rows go after the cutoff. Published runs beyond the limit
/// go with their rows; the current run of a model never does.
/// </summary>
public static class RetentionSql
{
    public const string JobRuns = "DELETE FROM ops.JobRun WHERE StartedAt < @cutoff AND Status <> 'Running';";

    public const string RejectedRows = "DELETE FROM ops.RejectedRow WHERE BatchId IN (SELECT BatchId FROM ops.Batch WHERE StartedAt < @cutoff);";

    public const string Batches = "DELETE FROM ops.Batch WHERE StartedAt < @cutoff AND Status NOT IN ('Committed', 'Merged', 'Running');";

    public const string ExpiredRuns =
        """
        SELECT RunId FROM (
            SELECT RunId, CAST(IsCurrent AS INT) AS IsCurrent, ROW_NUMBER() OVER (PARTITION BY Model ORDER BY RunId DESC) AS Newest
            FROM seg.ModelRun) r
        WHERE Newest > @keep AND IsCurrent = 0;
        """;

    public static string DeleteRun(string table) => $"DELETE FROM {table} WHERE RunId = @run;";

    /// <summary>Runs the pass in the given transaction; <paramref name="dialect"/> rewrites the parameter marks.</summary>
    public static async Task<RetentionResult> RunAsync(DbConnection db, DbTransaction tx, RetentionLimits limits, Func<string, string> dialect, CancellationToken ct)
    {
        var cutoff = new { cutoff = limits.Cutoff };
        var jobRuns = await db.ExecuteAsync(new CommandDefinition(dialect(JobRuns), cutoff, tx, cancellationToken: ct));
        var rejected = await db.ExecuteAsync(new CommandDefinition(dialect(RejectedRows), cutoff, tx, cancellationToken: ct));
        var batches = await db.ExecuteAsync(new CommandDefinition(dialect(Batches), cutoff, tx, cancellationToken: ct));
        var expired = (await db.QueryAsync<long>(new CommandDefinition(dialect(ExpiredRuns), new { keep = Math.Max(1, limits.KeepRuns) }, tx, cancellationToken: ct))).ToList();
        foreach (var run in expired)
        {
            foreach (var table in SegmentTables.WithRuns)
            {
                await db.ExecuteAsync(new CommandDefinition(dialect(DeleteRun(table)), new { run }, tx, cancellationToken: ct));
            }
        }

        return new RetentionResult(jobRuns, batches, rejected, expired.Count);
    }
}
