using SegmentMiner.Warehouse.DuckDb;

namespace SegmentMiner.Warehouse.Jobs;

/// <summary>ops.JobRun in the DuckDB warehouse (each call opens and closes the file, as the segment store does).</summary>
public sealed class DuckDbJobRunStore(DuckDbWarehouse warehouse) : JobRunStore
{
    protected override async Task<System.Data.Common.DbConnection> OpenAsync(CancellationToken cancellationToken) => await warehouse.OpenForWriteAsync(cancellationToken);

    protected override string InsertSql =>
        """
        INSERT INTO ops.JobRun (JobRunId, Job, TriggerName, HostName, StartedAt, Status)
        SELECT COALESCE(max(JobRunId), 0) + 1, $job, $trigger, $host, $started, 'Running' FROM ops.JobRun
        RETURNING JobRunId
        """;

    protected override string FinishSql =>
        """
        UPDATE ops.JobRun SET FinishedAt = $finished, Status = $status, RowsAffected = $rows, Error = $error, BatchId = $batch, RunId = $run
        WHERE JobRunId = $id
        """;
}
