using SegmentMiner.Warehouse.SqlServer;

namespace SegmentMiner.Warehouse.Jobs;

/// <summary>ops.JobRun in a SQL Server warehouse: the same rows in T-SQL (a key taken under an update lock).</summary>
public sealed class SqlServerJobRunStore(SqlServerWarehouse warehouse) : JobRunStore
{
    internal const string Insert =
        """
        INSERT INTO ops.JobRun (JobRunId, Job, TriggerName, HostName, StartedAt, Status)
        OUTPUT inserted.JobRunId
        SELECT ISNULL(MAX(JobRunId), 0) + 1, @job, @trigger, @host, @started, N'Running' FROM ops.JobRun WITH (UPDLOCK, HOLDLOCK);
        """;

    internal const string Finish =
        """
        UPDATE ops.JobRun SET FinishedAt = @finished, Status = @status, RowsAffected = @rows, Error = @error, BatchId = @batch, RunId = @run
        WHERE JobRunId = @id;
        """;

    protected override async Task<System.Data.Common.DbConnection> OpenAsync(CancellationToken cancellationToken) => await warehouse.OpenAsync(cancellationToken);

    protected override string InsertSql => Insert;

    protected override string FinishSql => Finish;
}
