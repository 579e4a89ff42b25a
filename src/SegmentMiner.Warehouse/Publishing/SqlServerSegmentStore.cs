using System.Data;
using Dapper;
using Microsoft.Data.SqlClient;
using SegmentMiner.Core;
using SegmentMiner.Warehouse.Jobs;
using SegmentMiner.Warehouse.SqlServer;

namespace SegmentMiner.Warehouse.Publishing;

/// <summary>
/// The seg schema in a SQL Server warehouse: the same operations as <see cref="DuckDbSegmentStore"/> in T-SQL.
/// Customer memberships go through SqlBulkCopy into a temporary table. A run is written in one transaction that
/// first takes an application lock, so publishers on different machines queue rather than interleave.
/// </summary>
public sealed class SqlServerSegmentStore(SqlServerWarehouse warehouse) : SegmentStoreBase
{
    internal const string NextRun = "SELECT ISNULL(MAX(RunId), 0) + 1 FROM seg.ModelRun WITH (UPDLOCK, HOLDLOCK);";

    internal const string LastBatch = "SELECT TOP (1) BatchId, CAST(AsOfDate AS DATETIME2) AS AsOfDate FROM ops.Batch WHERE Status = N'Committed' ORDER BY BatchId DESC;";

    internal const string InsertRun =
        """
        INSERT INTO seg.ModelRun (RunId, Model, Engine, ProcessedAt, PublishedAt, Cases, Clusters, Parameters, DefinitionHash, BatchId, AsOfDate, Status, IsCurrent, Notice, Family, Product)
        VALUES (@RunId, @Model, @Engine, @ProcessedAt, SYSUTCDATETIME(), @Cases, @Clusters, @Parameters, @DefinitionHash, @BatchId, @AsOfDate, @Status, 0, @Notice, @Family, @Product);
        """;

    internal const string CreateTemp = "CREATE TABLE #publish_prediction (AccountId NVARCHAR(64) NOT NULL PRIMARY KEY, SegmentKey BIGINT NOT NULL, Probability FLOAT NOT NULL);";

    internal const string InsertMemberships =
        """
        INSERT INTO seg.CustomerSegment (RunId, Model, AccountId, SegmentKey, Probability)
        SELECT @run, @model, f.AccountId, COALESCE(p.SegmentKey, @unscored), COALESCE(p.Probability, 1.0)
        FROM dw.CustomerFeatures f LEFT JOIN #publish_prediction p ON p.AccountId = f.AccountId;
        DROP TABLE #publish_prediction;
        """;

    /// <summary>The same for a product's personas: every current contact whose account holds or pursues it, exactly once.</summary>
    internal const string InsertContactMemberships =
        """
        INSERT INTO seg.ContactSegment (RunId, Model, Product, ContactId, AccountId, SegmentKey, Probability)
        SELECT @run, @model, @product, c.ContactId, c.AccountId, COALESCE(p.SegmentKey, @unscored), COALESCE(p.Probability, 1.0)
        FROM dw.ContactProduct c LEFT JOIN #publish_prediction p ON p.AccountId = c.ContactId
        WHERE c.Product = @product AND c.Relation IN (N'Holds', N'Pursues');
        DROP TABLE #publish_prediction;
        """;

    /// <summary>Members moving from each segment of the previous run to each of this one: customers, or a product's contacts.</summary>
    internal static string InsertMigration(bool contacts)
    {
        var (table, id) = contacts ? ("seg.ContactSegment", "ContactId") : ("seg.CustomerSegment", "AccountId");
        return $"""
            INSERT INTO seg.SegmentMigration (RunId, Model, PreviousRunId, FromSegmentKey, ToSegmentKey, Customers)
            SELECT @run, @model, @previous, p.SegmentKey, c.SegmentKey, COUNT_BIG(*)
            FROM (SELECT {id}, SegmentKey FROM {table} WHERE RunId = @run) c
            FULL OUTER JOIN (SELECT {id}, SegmentKey FROM {table} WHERE RunId = @previous) p ON p.{id} = c.{id}
            GROUP BY p.SegmentKey, c.SegmentKey;
            """;
    }

    internal const string MakeCurrent = "UPDATE seg.ModelRun SET IsCurrent = CASE WHEN RunId = @run THEN 1 ELSE 0 END WHERE Model = @model;";

    internal const string KeptRun = "SELECT COUNT_BIG(*) FROM seg.ModelRun WHERE Model = @model AND RunId = @run AND Status = N'Published';";

    internal const string ExpiredRuns = "SELECT RunId FROM seg.ModelRun WHERE Model = @model ORDER BY RunId DESC OFFSET @keep ROWS;";

    internal const string Lock = "EXEC sp_getapplock @Resource = N'SegmentMiner.publish', @LockMode = N'Exclusive', @LockOwner = N'Transaction', @LockTimeout = 600000;";

    /// <summary>The same rules as the DuckDB store's persona map (see there), in T-SQL 2016.</summary>
    internal const string PersonaMapSql =
        """
        DELETE FROM seg.PersonaMap;
        WITH cur AS (
            SELECT c.Model, c.AccountId, c.SegmentKey FROM seg.CustomerSegment c JOIN seg.ModelRun r ON r.RunId = c.RunId AND r.IsCurrent = 1),
        cust AS (
            SELECT f.AccountId, COALESCE(f.Billed12m, 0) AS Revenue, CAST(f.ActiveProducts AS FLOAT) AS Products, COALESCE(CAST(f.Attrited AS INT), 0) AS Attrited,
                   m.SegmentKey AS MarketKey, b.SegmentKey AS BuyerKey, s.SegmentKey AS SurveyKey
            FROM dw.CustomerFeatures f
            LEFT JOIN cur m ON m.AccountId = f.AccountId AND m.Model = @market
            LEFT JOIN cur b ON b.AccountId = f.AccountId AND b.Model = @buyer
            LEFT JOIN cur s ON s.AccountId = f.AccountId AND s.Model = @survey),
        tot AS (SELECT COUNT_BIG(*) AS N, SUM(Revenue) AS R, AVG(Products) AS P,
                       SUM(1 - Attrited) AS AN, SUM(CASE WHEN Attrited = 0 THEN Revenue END) AS AR, AVG(CASE WHEN Attrited = 0 THEN Products END) AS AP FROM cust),
        ms AS (SELECT MarketKey, COUNT_BIG(*) * 1.0 / (SELECT N FROM tot) AS Share FROM cust GROUP BY MarketKey),
        bs AS (SELECT BuyerKey, COUNT_BIG(*) * 1.0 / (SELECT N FROM tot) AS Share FROM cust GROUP BY BuyerKey),
        ss AS (SELECT SurveyKey, COUNT_BIG(*) * 1.0 / (SELECT N FROM tot) AS Share FROM cust GROUP BY SurveyKey),
        combo AS (
            SELECT MarketKey, BuyerKey, SurveyKey, COUNT_BIG(*) AS Customers, SUM(Revenue) AS Revenue, AVG(Products) AS AvgProducts,
                   SUM(1 - Attrited) AS Active, SUM(CASE WHEN Attrited = 0 THEN Revenue END) AS ActiveRevenue,
                   AVG(CASE WHEN Attrited = 0 THEN Products END) AS ActiveProducts
            FROM cust GROUP BY MarketKey, BuyerKey, SurveyKey),
        scored AS (
            SELECT c.MarketKey, c.BuyerKey, c.SurveyKey, c.Customers, c.Revenue, c.AvgProducts, c.Active, c.ActiveProducts,
                   c.Customers * 1.0 / t.N AS CustomerShare, CASE WHEN t.R > 0 THEN CAST(c.Revenue AS FLOAT) / CAST(t.R AS FLOAT) ELSE 0 END AS RevenueShare,
                   ms.Share * bs.Share * ss.Share AS ExpectedShare, t.N AS N, t.P AS P,
                   c.Active * 1.0 / CASE WHEN t.AN > 0 THEN t.AN ELSE 1 END AS ActiveShare,
                   CASE WHEN t.AR > 0 THEN CAST(COALESCE(c.ActiveRevenue, 0) AS FLOAT) / CAST(t.AR AS FLOAT) ELSE 0 END AS ActiveRevenueShare, t.AP AS AP
            FROM combo c CROSS JOIN tot t
            JOIN ms ON (ms.MarketKey = c.MarketKey OR (ms.MarketKey IS NULL AND c.MarketKey IS NULL))
            JOIN bs ON (bs.BuyerKey = c.BuyerKey OR (bs.BuyerKey IS NULL AND c.BuyerKey IS NULL))
            JOIN ss ON (ss.SurveyKey = c.SurveyKey OR (ss.SurveyKey IS NULL AND c.SurveyKey IS NULL))),
        flagged AS (
            SELECT *,
                   CASE WHEN (CustomerShare >= 2 * ExpectedShare AND Customers >= 10 AND Customers >= 0.01 * N)
                          OR (RevenueShare >= 2 * CustomerShare AND Customers >= 10) THEN 1 ELSE 0 END AS Golden,
                   CASE WHEN Active > 0 AND ActiveRevenueShare > ActiveShare AND ActiveProducts < AP THEN 1 ELSE 0 END AS Gap,
                   CASE WHEN AvgProducts >= P + 1 THEN 1 ELSE 0 END AS Overlap
            FROM scored)
        INSERT INTO seg.PersonaMap (MarketSegmentKey, BuyerSegmentKey, CustomerSegmentKey, Customers, Revenue, CustomerShare, RevenueShare, ExpectedShare, AvgProducts, IsGolden, Flags)
        SELECT MarketKey, BuyerKey, SurveyKey, Customers, Revenue, CustomerShare, RevenueShare, ExpectedShare, AvgProducts, Golden,
               CONCAT_WS(N',', CASE WHEN Golden = 1 THEN N'golden' END, CASE WHEN Gap = 1 THEN N'gap' END, CASE WHEN Overlap = 1 THEN N'overlap' END)
        FROM flagged;
        """;

    protected override async Task<System.Data.Common.DbConnection> OpenAsync(CancellationToken cancellationToken) => await warehouse.OpenAsync(cancellationToken);

    protected override string CurrentRunSql => "SELECT RunId, ProcessedAt, DefinitionHash FROM seg.ModelRun WHERE Model = @model AND IsCurrent = 1;";

    protected override string SegmentsSql => "SELECT SegmentKey, NodeUniqueName, Name, Description, IsRetired FROM seg.Segment WHERE RunId = @run ORDER BY SegmentKey;";

    protected override string ProfilesSql(bool oneKey) =>
        "SELECT SegmentKey, Attribute, Value, Probability, Support, Mean, StdDev FROM seg.SegmentProfile WHERE RunId = @run" + (oneKey ? " AND SegmentKey = @key;" : ";");

    protected override string RetiredSql => Retired;

    internal const string Retired =
        """
        SELECT s.SegmentKey, s.NodeUniqueName, s.Name, s.Description, s.RunId
        FROM seg.Segment s
        JOIN (SELECT SegmentKey, MAX(RunId) AS RunId FROM seg.Segment
              WHERE Model = @model AND IsRetired = 0 AND NodeUniqueName IS NOT NULL GROUP BY SegmentKey) l
          ON l.SegmentKey = s.SegmentKey AND l.RunId = s.RunId
        WHERE s.SegmentKey NOT IN (SELECT SegmentKey FROM seg.Segment WHERE RunId = @previous AND IsRetired = 0)
        ORDER BY s.SegmentKey;
        """;

    protected override string Quote(string identifier) => Identifiers.QuoteBracket(identifier);

    protected override bool UnicodeLiterals => true;

    protected override string LatestRunSql => Latest;

    internal const string Latest = "SELECT TOP (1) RunId, Status, Notice, DefinitionHash FROM seg.ModelRun WHERE Model = @model ORDER BY RunId DESC;";

    protected override string CustomersSql => "SELECT COUNT_BIG(*) FROM dw.CustomerFeatures;";

    protected override string KeptRunSql => KeptRun;

    protected override string MakeCurrentSql => Lock + "\n" + MakeCurrent;

    protected override string NextKeySql => "SELECT MAX(SegmentKey) FROM seg.Segment;";

    internal static string DeleteAll(string portfolioTable) => $"DELETE FROM {portfolioTable};";

    internal const string TakenKeys = "SELECT ISNULL(MAX(SegmentKey), 0) FROM seg.Segment;";

    public override async Task<long> WriteSkippedAsync(RunHeader header, CancellationToken cancellationToken)
    {
        await using var db = await warehouse.OpenAsync(cancellationToken);
        await using var tx = (SqlTransaction)await db.BeginTransactionAsync(IsolationLevel.ReadCommitted, cancellationToken);
        await db.ExecuteAsync(new CommandDefinition(Lock, transaction: tx, cancellationToken: cancellationToken));
        var run = await InsertRunAsync(db, tx, header, cancellationToken);
        await tx.CommitAsync(cancellationToken);
        return run;
    }

    public override async Task<long> WriteRunAsync(RunData data, int keepRuns, Action<long>? afterMembershipRows, CancellationToken cancellationToken)
    {
        await using var db = await warehouse.OpenAsync(cancellationToken);
        await using var tx = (SqlTransaction)await db.BeginTransactionAsync(IsolationLevel.ReadCommitted, cancellationToken);
        await db.ExecuteAsync(new CommandDefinition(Lock, transaction: tx, commandTimeout: 660, cancellationToken: cancellationToken));
        var taken = await db.ExecuteScalarAsync<long>(new CommandDefinition(TakenKeys, transaction: tx, cancellationToken: cancellationToken));
        if (taken >= data.FirstNewKey && data.Segments.Any(x => x.Key >= data.FirstNewKey))
        {
            throw new WarehouseException("another publish minted segment keys meanwhile; run publish again");
        }

        var run = await InsertRunAsync(db, tx, data.Header, cancellationToken);
        var model = data.Header.Model;
        foreach (var (table, columns, rows) in SegmentTables.RowsOf(run, data))
        {
            await BulkAsync(db, tx, table, columns, rows, cancellationToken);
        }

        await db.ExecuteAsync(new CommandDefinition(CreateTemp, transaction: tx, cancellationToken: cancellationToken));
        long written = 0;
        foreach (var chunk in data.Memberships.Chunk(5000))
        {
            await BulkAsync(db, tx, "#publish_prediction", ["AccountId", "SegmentKey", "Probability"], chunk.Select(p => new object?[] { p.AccountId, p.Key, p.Probability }), cancellationToken);
            written += chunk.Length;
            afterMembershipRows?.Invoke(written);
        }

        if (data.Header.Product is { } product)
        {
            await db.ExecuteAsync(new CommandDefinition(InsertContactMemberships, new { run, model, unscored = data.UnscoredKey, product }, tx, cancellationToken: cancellationToken));
        }
        else
        {
            await db.ExecuteAsync(new CommandDefinition(InsertMemberships, new { run, model, unscored = data.UnscoredKey }, tx, cancellationToken: cancellationToken));
        }

        Core.KillPoint.At("publish:run-rows");

        await db.ExecuteAsync(new CommandDefinition(InsertMigration(data.Header.Product is not null), new { run, model, previous = data.PreviousRunId }, tx, cancellationToken: cancellationToken));

        await db.ExecuteAsync(new CommandDefinition(MakeCurrent, new { run, model }, tx, cancellationToken: cancellationToken));
        var expired = (await db.QueryAsync<long>(new CommandDefinition(ExpiredRuns, new { model, keep = Math.Max(1, keepRuns) }, tx, cancellationToken: cancellationToken))).ToList();
        foreach (var table in SegmentTables.WithRuns)
        {
            foreach (var old in expired)
            {
                await db.ExecuteAsync(new CommandDefinition(RetentionSql.DeleteRun(table), new { run = old }, tx, cancellationToken: cancellationToken));
            }
        }

        Core.KillPoint.At("publish:run-before-commit");
        await tx.CommitAsync(cancellationToken);
        return run;
    }

    public override async Task ReplaceTablesAsync(IReadOnlyList<(string Table, string[] Columns, IReadOnlyList<object?[]> Rows)> tables, CancellationToken cancellationToken)
    {
        await using var db = await warehouse.OpenAsync(cancellationToken);
        await using var tx = (SqlTransaction)await db.BeginTransactionAsync(IsolationLevel.ReadCommitted, cancellationToken);
        await db.ExecuteAsync(new CommandDefinition(Lock, transaction: tx, commandTimeout: 660, cancellationToken: cancellationToken));
        foreach (var (table, columns, rows) in tables)
        {
            await db.ExecuteAsync(new CommandDefinition(DeleteAll(table), transaction: tx, cancellationToken: cancellationToken));
            await BulkAsync(db, tx, table, columns, rows, cancellationToken);
        }

        await tx.CommitAsync(cancellationToken);
    }

    public override async Task RebuildPersonaMapAsync(string market, string buyer, string survey, CancellationToken cancellationToken)
    {
        await using var db = await warehouse.OpenAsync(cancellationToken);
        await using var tx = (SqlTransaction)await db.BeginTransactionAsync(IsolationLevel.ReadCommitted, cancellationToken);
        await db.ExecuteAsync(new CommandDefinition(Lock, transaction: tx, commandTimeout: 660, cancellationToken: cancellationToken));
        await db.ExecuteAsync(new CommandDefinition(PersonaMapSql, new { market, buyer, survey }, tx, cancellationToken: cancellationToken));
        await tx.CommitAsync(cancellationToken);
    }

    private static async Task<long> InsertRunAsync(SqlConnection db, SqlTransaction tx, RunHeader h, CancellationToken cancellationToken)
    {
        var run = await db.ExecuteScalarAsync<long>(new CommandDefinition(NextRun, transaction: tx, cancellationToken: cancellationToken));
        var batch = (await db.QueryAsync<(long BatchId, DateTime AsOfDate)>(new CommandDefinition(LastBatch, transaction: tx, cancellationToken: cancellationToken))).Cast<(long, DateTime)?>().FirstOrDefault();
        await db.ExecuteAsync(new CommandDefinition(InsertRun, new
        {
            RunId = run, h.Model, h.Engine, h.ProcessedAt, h.Cases, h.Clusters, h.Parameters, h.DefinitionHash,
            BatchId = batch?.Item1, AsOfDate = batch?.Item2, h.Status, h.Notice, h.Family, h.Product,
        }, tx, cancellationToken: cancellationToken));
        return run;
    }

    private static async Task BulkAsync(SqlConnection db, SqlTransaction tx, string table, IReadOnlyList<string> columns, IEnumerable<object?[]> rows, CancellationToken ct)
    {
        using var data = new DataTable();
        foreach (var c in columns)
        {
            data.Columns.Add(c, typeof(object));
        }

        foreach (var r in rows)
        {
            data.Rows.Add(r.Select(v => v ?? DBNull.Value).ToArray());
        }

        if (data.Rows.Count == 0)
        {
            return;
        }

        using var bulk = new SqlBulkCopy(db, SqlBulkCopyOptions.CheckConstraints, tx) { DestinationTableName = table, BulkCopyTimeout = 0 };
        foreach (var c in columns)
        {
            bulk.ColumnMappings.Add(c, c);
        }

        await bulk.WriteToServerAsync(data, ct);
    }
}
