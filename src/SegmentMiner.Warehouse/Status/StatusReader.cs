using System.Data.Common;
using Dapper;

namespace SegmentMiner.Warehouse.Status;

/// <summary>What <c>segminer status</c> reads from the warehouse; each dialect gives its connection and SQL text.</summary>
public abstract class StatusReader
{
    protected abstract Task<DbConnection> OpenAsync(CancellationToken cancellationToken);

    protected abstract string PublishedSql { get; }

    protected abstract string LastBatchSql { get; }

    /// <summary>The last run of each job (both dialects).</summary>
    public const string LastJobsSql =
        """
        SELECT JobRunId, Job, Status, TriggerName, HostName, StartedAt, FinishedAt, Error
        FROM (SELECT JobRunId, Job, Status, TriggerName, HostName, StartedAt, FinishedAt, Error,
                     ROW_NUMBER() OVER (PARTITION BY Job ORDER BY JobRunId DESC) AS Latest
              FROM ops.JobRun) j
        WHERE Latest = 1
        ORDER BY JobRunId
        """;

    /// <summary>Row counts (both dialects).</summary>
    public const string CountsSql =
        """
        SELECT (SELECT COUNT(*) FROM dw.CustomerFeatures) AS Customers, (SELECT COUNT(*) FROM dw.FactInvoice) AS Invoices,
               (SELECT COUNT(*) FROM dw.FactSubscription) AS Subscriptions, (SELECT COUNT(*) FROM dw.FactOpportunity) AS Opportunities,
               (SELECT COUNT(*) FROM dw.FactSurveyAnswer) AS SurveyAnswers
        """;

    public async Task<(IReadOnlyList<LastJobRun> Jobs, WarehouseCounts Counts, IReadOnlyList<PublishedRun> Published)> ReadAsync(CancellationToken cancellationToken)
    {
        await using var db = await OpenAsync(cancellationToken);
        var jobs = (await db.QueryAsync<LastJobRun>(new CommandDefinition(LastJobsSql, cancellationToken: cancellationToken))).ToList();
        var counts = await db.QuerySingleAsync<(long, long, long, long, long)>(new CommandDefinition(CountsSql, cancellationToken: cancellationToken));
        var batch = (await db.QueryAsync<(long, DateTime)>(new CommandDefinition(LastBatchSql, cancellationToken: cancellationToken))).Cast<(long, DateTime)?>().FirstOrDefault();
        var published = (await db.QueryAsync<PublishedRun>(new CommandDefinition(PublishedSql, cancellationToken: cancellationToken))).ToList();
        return (jobs, new WarehouseCounts(counts.Item1, counts.Item2, counts.Item3, counts.Item4, counts.Item5, batch?.Item1, batch?.Item2), published);
    }
}
