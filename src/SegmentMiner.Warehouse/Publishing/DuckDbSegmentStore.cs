using Dapper;
using DuckDB.NET.Data;
using SegmentMiner.Core;
using SegmentMiner.Warehouse.DuckDb;

namespace SegmentMiner.Warehouse.Publishing;

/// <summary>
/// The seg schema in the DuckDB warehouse. Every call opens its own connection and closes it, so nothing holds the
/// file while a mining server reads the case views (DuckDB refuses a second configuration of an open file).
/// </summary>
public sealed class DuckDbSegmentStore(DuckDbWarehouse warehouse) : SegmentStoreBase
{
    protected override async Task<System.Data.Common.DbConnection> OpenAsync(CancellationToken cancellationToken) => await warehouse.OpenForWriteAsync(cancellationToken);

    protected override string CurrentRunSql => "SELECT RunId, ProcessedAt, DefinitionHash FROM seg.ModelRun WHERE Model = $model AND IsCurrent";

    protected override string SegmentsSql => "SELECT SegmentKey, NodeUniqueName, Name, Description, IsRetired FROM seg.Segment WHERE RunId = $run ORDER BY SegmentKey";

    protected override string ProfilesSql(bool oneKey) =>
        "SELECT SegmentKey, Attribute, Value, Probability, Support, Mean, StdDev FROM seg.SegmentProfile WHERE RunId = $run" + (oneKey ? " AND SegmentKey = $key" : "");

    /// <summary>For each key of the model not active in the previous run: its latest active row and that run.</summary>
    protected override string RetiredSql =>
        """
        SELECT s.SegmentKey, s.NodeUniqueName, s.Name, s.Description, s.RunId
        FROM seg.Segment s
        JOIN (SELECT SegmentKey, max(RunId) AS RunId FROM seg.Segment
              WHERE Model = $model AND NOT IsRetired AND NodeUniqueName IS NOT NULL GROUP BY SegmentKey) l
          ON l.SegmentKey = s.SegmentKey AND l.RunId = s.RunId
        WHERE s.SegmentKey NOT IN (SELECT SegmentKey FROM seg.Segment WHERE RunId = $previous AND NOT IsRetired)
        ORDER BY s.SegmentKey
        """;

    protected override string Quote(string identifier) => Identifiers.QuoteAnsi(identifier);

    protected override string LatestRunSql => "SELECT RunId, Status, Notice, DefinitionHash FROM seg.ModelRun WHERE Model = $model ORDER BY RunId DESC LIMIT 1";

    protected override string CustomersSql => "SELECT count(*) FROM dw.CustomerFeatures";

    protected override string KeptRunSql => "SELECT count(*) FROM seg.ModelRun WHERE Model = $model AND RunId = $run AND Status = 'Published'";

    protected override string MakeCurrentSql => "UPDATE seg.ModelRun SET IsCurrent = (RunId = $run) WHERE Model = $model";

    protected override string NextKeySql => "SELECT max(SegmentKey) FROM seg.Segment";

    public override async Task<long> WriteSkippedAsync(RunHeader header, CancellationToken cancellationToken)
    {
        await using var db = await warehouse.OpenForWriteAsync(cancellationToken);
        await using var tx = await db.BeginTransactionAsync(cancellationToken);
        var run = await InsertRunAsync(db, header, cancellationToken);
        await tx.CommitAsync(cancellationToken);
        return run;
    }

    public override async Task<long> WriteRunAsync(RunData data, int keepRuns, Action<long>? afterMembershipRows, CancellationToken cancellationToken)
    {
        await using var db = await warehouse.OpenForWriteAsync(cancellationToken);
        await using var tx = await db.BeginTransactionAsync(cancellationToken);
        var run = await InsertRunAsync(db, data.Header, cancellationToken);
        var model = data.Header.Model;
        foreach (var (table, columns, rows) in SegmentTables.RowsOf(run, data))
        {
            await InsertRowsAsync(db, table, columns, rows, cancellationToken);
        }

        // Memberships through DuckDB's appender (a million rows in about a second), into a table of this transaction.
        await db.ExecuteAsync(new CommandDefinition("CREATE TABLE seg.publish_prediction (AccountId VARCHAR, SegmentKey BIGINT, Probability DOUBLE)", cancellationToken: cancellationToken));
        long written = 0;
        using (var appender = db.CreateAppender("seg", "publish_prediction"))
        {
            foreach (var chunk in data.Memberships.Chunk(500))
            {
                foreach (var p in chunk)
                {
                    appender.CreateRow().AppendValue(p.AccountId).AppendValue(p.Key).AppendValue(p.Probability).EndRow();
                }

                written += chunk.Length;
                afterMembershipRows?.Invoke(written);
            }
        }

        var contacts = data.Header.Product is not null;
        var (members, memberships) = contacts ? ("seg.ContactSegment", "ContactId") : ("seg.CustomerSegment", "AccountId");
        await db.ExecuteAsync(contacts
            ? new CommandDefinition(InsertContactMemberships, new { run, model, unscored = data.UnscoredKey, product = data.Header.Product }, cancellationToken: cancellationToken)
            : new CommandDefinition(InsertCustomerMemberships, new { run, model, unscored = data.UnscoredKey }, cancellationToken: cancellationToken));
        await db.ExecuteAsync(new CommandDefinition("DROP TABLE seg.publish_prediction", cancellationToken: cancellationToken));
        Core.KillPoint.At("publish:run-rows");
        await db.ExecuteAsync(new CommandDefinition(
            $"""
            INSERT INTO seg.SegmentMigration
            SELECT $run, $model, $previous, p.SegmentKey, c.SegmentKey, count(*)
            FROM (SELECT {memberships} AS Id, SegmentKey FROM {members} WHERE RunId = $run) c
            FULL OUTER JOIN (SELECT {memberships} AS Id, SegmentKey FROM {members} WHERE RunId = $previous) p ON p.Id = c.Id
            GROUP BY p.SegmentKey, c.SegmentKey
            """, new { run, model, previous = data.PreviousRunId }, cancellationToken: cancellationToken));

        // Only now does the run become current; old runs past the retention go, with their rows.
        await db.ExecuteAsync(new CommandDefinition("UPDATE seg.ModelRun SET IsCurrent = (RunId = $run) WHERE Model = $model", new { run, model }, cancellationToken: cancellationToken));
        var expired = (await db.QueryAsync<long>(new CommandDefinition("SELECT RunId FROM seg.ModelRun WHERE Model = $model ORDER BY RunId DESC OFFSET $keep", new { model, keep = Math.Max(1, keepRuns) }, cancellationToken: cancellationToken))).ToList();
        foreach (var table in SegmentTables.WithRuns)
        {
            foreach (var old in expired)
            {
                await db.ExecuteAsync(new CommandDefinition($"DELETE FROM {table} WHERE RunId = $old", new { old }, cancellationToken: cancellationToken));
            }
        }

        Core.KillPoint.At("publish:run-before-commit");
        await tx.CommitAsync(cancellationToken);
        return run;
    }

    /// <summary>Every current customer, exactly once: its predicted segment, or the model's "not profiled" segment.</summary>
    private const string InsertCustomerMemberships =
        """
        INSERT INTO seg.CustomerSegment
        SELECT $run, $model, f.AccountId, COALESCE(p.SegmentKey, $unscored), COALESCE(p.Probability, 1.0)
        FROM dw.CustomerFeatures f LEFT JOIN seg.publish_prediction p ON p.AccountId = f.AccountId
        """;

    /// <summary>
    /// Every current contact whose account holds or pursues the product, exactly once: its predicted persona, or the
    /// product's "not profiled" persona (the prediction table's AccountId column holds the contact's id).
    /// </summary>
    private const string InsertContactMemberships =
        """
        INSERT INTO seg.ContactSegment
        SELECT $run, $model, $product, c.ContactId, c.AccountId, COALESCE(p.SegmentKey, $unscored), COALESCE(p.Probability, 1.0)
        FROM dw.ContactProduct c LEFT JOIN seg.publish_prediction p ON p.AccountId = c.ContactId
        WHERE c.Product = $product AND c.Relation IN ('Holds', 'Pursues')
        """;

    public override async Task ReplaceTablesAsync(IReadOnlyList<(string Table, string[] Columns, IReadOnlyList<object?[]> Rows)> tables, CancellationToken cancellationToken)
    {
        await using var db = await warehouse.OpenForWriteAsync(cancellationToken);
        await using var tx = await db.BeginTransactionAsync(cancellationToken);
        foreach (var (table, columns, rows) in tables)
        {
            await db.ExecuteAsync(new CommandDefinition($"DELETE FROM {table}", cancellationToken: cancellationToken));
            await InsertRowsAsync(db, table, columns, rows, cancellationToken);
        }

        await tx.CommitAsync(cancellationToken);
    }

    public override async Task RebuildPersonaMapAsync(string market, string buyer, string survey, CancellationToken cancellationToken)
    {
        await using var db = await warehouse.OpenForWriteAsync(cancellationToken);
        await using var tx = await db.BeginTransactionAsync(cancellationToken);
        await db.ExecuteAsync(new CommandDefinition("DELETE FROM seg.PersonaMap", cancellationToken: cancellationToken));
        await db.ExecuteAsync(new CommandDefinition(PersonaMapSql, new { market, buyer, survey }, cancellationToken: cancellationToken));
        await tx.CommitAsync(cancellationToken);
    }

    private static async Task<long> InsertRunAsync(DuckDBConnection db, RunHeader h, CancellationToken cancellationToken)
    {
        var run = (await db.ExecuteScalarAsync<long?>(new CommandDefinition("SELECT max(RunId) FROM seg.ModelRun", cancellationToken: cancellationToken)) ?? 0) + 1;
        var batch = (await db.QueryAsync<(long BatchId, DateTime AsOf)>(new CommandDefinition(
            "SELECT BatchId, CAST(AsOfDate AS TIMESTAMP) FROM ops.Batch WHERE Status = 'Committed' ORDER BY BatchId DESC LIMIT 1", cancellationToken: cancellationToken))).Cast<(long, DateTime)?>().FirstOrDefault();
        await InsertRowsAsync(db, "seg.ModelRun",
            ["RunId", "Model", "Engine", "ProcessedAt", "PublishedAt", "Cases", "Clusters", "Parameters", "DefinitionHash", "BatchId", "AsOfDate", "Status", "IsCurrent", "Notice", "Family", "Product"],
            [[run, h.Model, h.Engine, h.ProcessedAt, DateTime.UtcNow, h.Cases, h.Clusters, h.Parameters, h.DefinitionHash, batch?.Item1, batch?.Item2, h.Status, false, h.Notice, h.Family, h.Product]], cancellationToken);
        return run;
    }

    /// <summary>Multi-row parameterized inserts, 200 rows a statement.</summary>
    private static async Task InsertRowsAsync(DuckDBConnection db, string table, IReadOnlyList<string> columns, IEnumerable<object?[]> rows, CancellationToken cancellationToken)
    {
        foreach (var chunk in rows.Chunk(200))
        {
            var parameters = new DynamicParameters();
            var values = new List<string>();
            for (var r = 0; r < chunk.Length; r++)
            {
                var names = new List<string>();
                for (var c = 0; c < columns.Count; c++)
                {
                    var name = $"p{r}_{c}";
                    parameters.Add(name, chunk[r][c]);
                    names.Add("$" + name);
                }

                values.Add("(" + string.Join(", ", names) + ")");
            }

            await db.ExecuteAsync(new CommandDefinition($"INSERT INTO {table} ({string.Join(", ", columns)}) VALUES {string.Join(", ", values)}", parameters, cancellationToken: cancellationToken));
        }
    }

    /// <summary>
    /// Every combination of current segments with its customers, revenue (billed in 12 months) and shares;
    /// ExpectedShare is the share it would hold if the layers were independent. Golden: at least twice its expected
    /// share of customers (and at least 1% of them, 10 customers), or at least twice as much revenue as customers.
    /// Gap (room to cross-sell), judged on the active customers alone (a churned customer is never a gap): the
    /// combination has active customers, holds a larger share of the active customers' revenue than of the active
    /// customers, and they hold fewer products on average than active customers overall. Overlap: a product or more
    /// above average. Revenue is summed exactly (DECIMAL). The SQL Server store applies the same rules.
    /// </summary>
    private const string PersonaMapSql =
        """
        INSERT INTO seg.PersonaMap
        WITH cur AS (
            SELECT c.Model, c.AccountId, c.SegmentKey FROM seg.CustomerSegment c JOIN seg.ModelRun r ON r.RunId = c.RunId AND r.IsCurrent),
        cust AS (
            SELECT f.AccountId, COALESCE(f.Billed12m, 0) AS Revenue, f.ActiveProducts AS Products, COALESCE(f.Attrited, FALSE) AS Attrited,
                   m.SegmentKey AS MarketKey, b.SegmentKey AS BuyerKey, s.SegmentKey AS SurveyKey
            FROM dw.CustomerFeatures f
            LEFT JOIN cur m ON m.AccountId = f.AccountId AND m.Model = $market
            LEFT JOIN cur b ON b.AccountId = f.AccountId AND b.Model = $buyer
            LEFT JOIN cur s ON s.AccountId = f.AccountId AND s.Model = $survey),
        tot AS (SELECT count(*) AS N, sum(Revenue) AS R, avg(Products) AS P,
                       count(*) FILTER (WHERE NOT Attrited) AS AN, sum(Revenue) FILTER (WHERE NOT Attrited) AS AR, avg(Products) FILTER (WHERE NOT Attrited) AS AP FROM cust),
        ms AS (SELECT MarketKey, count(*) * 1.0 / (SELECT N FROM tot) AS Share FROM cust GROUP BY MarketKey),
        bs AS (SELECT BuyerKey, count(*) * 1.0 / (SELECT N FROM tot) AS Share FROM cust GROUP BY BuyerKey),
        ss AS (SELECT SurveyKey, count(*) * 1.0 / (SELECT N FROM tot) AS Share FROM cust GROUP BY SurveyKey),
        combo AS (
            SELECT MarketKey, BuyerKey, SurveyKey, count(*) AS Customers, sum(Revenue) AS Revenue, avg(Products) AS AvgProducts,
                   count(*) FILTER (WHERE NOT Attrited) AS Active, sum(Revenue) FILTER (WHERE NOT Attrited) AS ActiveRevenue,
                   avg(Products) FILTER (WHERE NOT Attrited) AS ActiveProducts
            FROM cust GROUP BY MarketKey, BuyerKey, SurveyKey),
        scored AS (
            SELECT c.*, c.Customers * 1.0 / t.N AS CustomerShare, CASE WHEN t.R > 0 THEN CAST(c.Revenue AS DOUBLE) / CAST(t.R AS DOUBLE) ELSE 0 END AS RevenueShare,
                   ms.Share * bs.Share * ss.Share AS ExpectedShare, t.N AS N, t.P AS P,
                   c.Active * 1.0 / greatest(t.AN, 1) AS ActiveShare,
                   CASE WHEN t.AR > 0 THEN CAST(COALESCE(c.ActiveRevenue, 0) AS DOUBLE) / CAST(t.AR AS DOUBLE) ELSE 0 END AS ActiveRevenueShare, t.AP AS AP
            FROM combo c CROSS JOIN tot t
            JOIN ms ON ms.MarketKey IS NOT DISTINCT FROM c.MarketKey
            JOIN bs ON bs.BuyerKey IS NOT DISTINCT FROM c.BuyerKey
            JOIN ss ON ss.SurveyKey IS NOT DISTINCT FROM c.SurveyKey),
        flagged AS (
            SELECT *,
                   (CustomerShare >= 2 * ExpectedShare AND Customers >= greatest(10, 0.01 * N)) OR (RevenueShare >= 2 * CustomerShare AND Customers >= 10) AS Golden,
                   Active > 0 AND ActiveRevenueShare > ActiveShare AND ActiveProducts < AP AS Gap,
                   AvgProducts >= P + 1 AS Overlap
            FROM scored)
        SELECT MarketKey, BuyerKey, SurveyKey, Customers, Revenue, CustomerShare, RevenueShare, ExpectedShare, AvgProducts, Golden,
               concat_ws(',', CASE WHEN Golden THEN 'golden' END, CASE WHEN Gap THEN 'gap' END, CASE WHEN Overlap THEN 'overlap' END)
        FROM flagged
        ORDER BY Customers DESC
        """;
}

