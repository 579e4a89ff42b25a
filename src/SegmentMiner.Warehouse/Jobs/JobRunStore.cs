using System.Data.Common;
using Dapper;

namespace SegmentMiner.Warehouse.Jobs;

/// <summary>How a job run ended, with what it touched.</summary>
public sealed record JobRunEnd(string Status, long? RowsAffected = null, string? Error = null, long? BatchId = null, long? RunId = null);

/// <summary>
/// ops.JobRun: a row when a job starts (status Running), completed when it ends. Each dialect gives its connection and
/// SQL text; every write is its own short transaction, so the history survives the job's own rollback.
/// </summary>
public abstract class JobRunStore
{
    /// <summary>The longest error text kept (the column's width).</summary>
    public const int MaxError = 4000;

    protected abstract Task<DbConnection> OpenAsync(CancellationToken cancellationToken);

    /// <summary>Parameters: job, trigger, host, started. Returns the new JobRunId.</summary>
    protected abstract string InsertSql { get; }

    /// <summary>Parameters: id, finished, status, rows, error, batch, run.</summary>
    protected abstract string FinishSql { get; }

    public async Task<long> StartAsync(string job, string trigger, DateTime startedAt, CancellationToken cancellationToken)
    {
        await using var db = await OpenAsync(cancellationToken);
        return await db.ExecuteScalarAsync<long>(new CommandDefinition(InsertSql, new { job, trigger, host = Environment.MachineName, started = startedAt }, cancellationToken: cancellationToken));
    }

    /// <summary>Whether a sync committed a batch since the last successful processing (both dialects).</summary>
    public const string ChangedSinceProcessSql =
        """
        SELECT COUNT(*) FROM ops.JobRun
        WHERE Job = 'sync' AND Status = 'Succeeded' AND BatchId IS NOT NULL
          AND JobRunId > COALESCE((SELECT MAX(JobRunId) FROM ops.JobRun WHERE Job = 'process' AND Status = 'Succeeded'), 0)
        """;

    /// <summary>True when a sync changed the warehouse after the last successful process: what the scheduled process job waits for.</summary>
    public async Task<bool> SyncChangedSinceProcessAsync(CancellationToken cancellationToken)
    {
        await using var db = await OpenAsync(cancellationToken);
        return await db.ExecuteScalarAsync<long>(new CommandDefinition(ChangedSinceProcessSql, cancellationToken: cancellationToken)) > 0;
    }

    public async Task FinishAsync(long id, DateTime finishedAt, JobRunEnd end, CancellationToken cancellationToken)
    {
        await using var db = await OpenAsync(cancellationToken);
        var error = end.Error is { Length: > MaxError } e ? e[..MaxError] : end.Error;
        await db.ExecuteAsync(new CommandDefinition(FinishSql,
            new { id, finished = finishedAt, status = end.Status, rows = end.RowsAffected, error, batch = end.BatchId, run = end.RunId }, cancellationToken: cancellationToken));
    }
}
