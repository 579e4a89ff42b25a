using SegmentMiner.Warehouse.Sync;

namespace SegmentMiner.Warehouse.SqlServer.Sync;

/// <summary>
/// The T-SQL that merges a batch's staging history into dw on SQL Server: the touched accounts, dw.DimCustomer with
/// type 2 history on firmographics, and one MERGE per current table (contacts and facts) from each touched key's
/// newest version (ties: later batch, later line; a deleted newest version removes the key). The tables and columns
/// are the ones <see cref="DwSql.CurrentTables"/> lists for DuckDB.
/// </summary>
internal static class SqlServerDwSql
{
    /// <summary>The dw columns computed from another staging column (T-SQL), by target column.</summary>
    private static readonly Dictionary<string, string> Expressions = new(StringComparer.Ordinal)
    {
        ["IsDecisionMaker"] = "COALESCE(v.IsDecisionMaker, 0)",
        ["AnswerNumeric"] = "TRY_CONVERT(FLOAT, v.Answer)",
    };

    private static readonly string[] Firmographics = ["Industry", "Country", "Region", "EmployeeBand", "AnnualRevenueBand"];

    /// <summary>The accounts whose features and snapshots the batch can change, filled before the merge.</summary>
    public const string CreateTouched = "CREATE TABLE #touched (AccountId NVARCHAR(64) NOT NULL PRIMARY KEY);";

    /// <summary>
    /// Every account with a version in the batch, and the account each touched contact or fact belonged to before
    /// the batch (a row that moves to another account changes both). Run before the merge.
    /// </summary>
    public static string Touched()
    {
        var parts = new List<string> { "SELECT AccountId FROM stg.Account WHERE BatchId = @batch" };
        foreach (var t in DwSql.CurrentTables)
        {
            parts.Add($"SELECT AccountId FROM stg.{t.Staging} WHERE BatchId = @batch");
            parts.Add($"SELECT AccountId FROM {t.Target} WHERE {t.Key} IN (SELECT {t.Key} FROM stg.{t.Staging} WHERE BatchId = @batch)");
        }

        return "INSERT INTO #touched (AccountId)\n" + string.Join("\nUNION\n", parts) + ";";
    }

    /// <summary>
    /// Replaces the current rows of the batch's keys of <paramref name="t"/> by each key's newest version, in one MERGE.
    /// </summary>
    public static string MergeCurrent(DwSql.CurrentTable t)
    {
        var staged = t.Columns.Where(c => c != "AnswerNumeric").Concat(["IsDeleted", "LineNumber"]).Distinct().ToList();
        var select = string.Join(", ", t.Columns.Select(c => Expressions.TryGetValue(c, out var e) ? $"{e} AS {Q(c)}" : $"v.{Q(c)}"));
        return $"""
            MERGE {t.Target} WITH (HOLDLOCK) AS d
            USING (
                SELECT {select}, v.IsDeleted
                FROM (SELECT {string.Join(", ", staged.Select(c => "s." + Q(c)))},
                             ROW_NUMBER() OVER (PARTITION BY s.{t.Key} ORDER BY s.ModifiedAt DESC, s.BatchId DESC, s.LineNumber DESC) AS _rn
                      FROM stg.{t.Staging} AS s
                      WHERE s.{t.Key} IN (SELECT k.{t.Key} FROM stg.{t.Staging} AS k WHERE k.BatchId = @batch)) AS v
                WHERE v._rn = 1) AS n
            ON d.{t.Key} = n.{t.Key}
            WHEN MATCHED AND n.IsDeleted = 1 THEN DELETE
            WHEN MATCHED THEN UPDATE SET {string.Join(", ", t.Columns.Where(c => c != t.Key).Select(c => $"d.{Q(c)} = n.{Q(c)}"))}
            WHEN NOT MATCHED BY TARGET AND n.IsDeleted = 0 THEN
                INSERT ({string.Join(", ", t.Columns.Select(Q))}) VALUES ({string.Join(", ", t.Columns.Select(c => "n." + Q(c)))});
            """;
    }

    /// <summary>
    /// Type 2 on firmographics: a new row starts when they change or the account comes back after a delete; a delete
    /// closes the open row. Name and CreatedAt are type 1 (the newest version's). Rows are recomputed from the whole
    /// history of each touched account, so a late version lands in its place; surrogate keys of unchanged periods
    /// are kept.
    /// </summary>
    public static string RefreshDimCustomer()
    {
        var firm = string.Join(", ", Firmographics.Select(f => "a." + f));
        var lags = string.Join(", ", Firmographics.Select(f => $"LAG(a.{f}) OVER (PARTITION BY a.AccountId ORDER BY a.ModifiedAt) AS p{f}"));
        var changed = string.Join(" OR ", Firmographics.Select(f => Distinct($"v.{f}", $"v.p{f}")));
        var same = string.Join(" AND ", Firmographics.Select(f => NotDistinct($"n.{f}", $"d.{f}")));
        var bCols = "b.AccountId, " + string.Join(", ", Firmographics.Select(f => "b." + f)) + ", b.ModifiedAt, b.IsDeleted";
        return $"""
            CREATE TABLE #dim (
                AccountId NVARCHAR(64) NOT NULL, Name NVARCHAR(400) NOT NULL, Industry NVARCHAR(100) NOT NULL, Country NVARCHAR(100) NOT NULL,
                Region NVARCHAR(100) NULL, EmployeeBand NVARCHAR(20) NOT NULL, AnnualRevenueBand NVARCHAR(50) NULL, CreatedAt DATETIME2(6) NOT NULL,
                ValidFrom DATETIME2(6) NOT NULL, ValidTo DATETIME2(6) NULL, IsCurrent BIT NOT NULL);
            WITH v AS (
                SELECT a.AccountId, {firm}, a.ModifiedAt, a.IsDeleted,
                       LAG(a.IsDeleted) OVER (PARTITION BY a.AccountId ORDER BY a.ModifiedAt) AS pDel, {lags}
                FROM stg.Account AS a
                WHERE a.AccountId IN (SELECT k.AccountId FROM stg.Account AS k WHERE k.BatchId = @batch)),
            b AS (
                SELECT v.AccountId, {string.Join(", ", Firmographics.Select(f => "v." + f))}, v.ModifiedAt, v.IsDeleted FROM v
                WHERE v.pDel IS NULL OR v.IsDeleted <> v.pDel OR (v.IsDeleted = 0 AND ({changed}))),
            r AS (SELECT {bCols}, LEAD(b.ModifiedAt) OVER (PARTITION BY b.AccountId ORDER BY b.ModifiedAt) AS ValidTo FROM b),
            latest AS (
                SELECT x.AccountId, x.Name, x.CreatedAt
                FROM (SELECT a.AccountId, a.Name, a.CreatedAt, ROW_NUMBER() OVER (PARTITION BY a.AccountId ORDER BY a.ModifiedAt DESC) AS rn
                      FROM stg.Account AS a WHERE a.AccountId IN (SELECT k.AccountId FROM stg.Account AS k WHERE k.BatchId = @batch)) AS x
                WHERE x.rn = 1)
            INSERT INTO #dim (AccountId, Name, Industry, Country, Region, EmployeeBand, AnnualRevenueBand, CreatedAt, ValidFrom, ValidTo, IsCurrent)
            SELECT r.AccountId, l.Name, r.Industry, r.Country, r.Region, r.EmployeeBand, r.AnnualRevenueBand, l.CreatedAt,
                   r.ModifiedAt, r.ValidTo, CASE WHEN r.ValidTo IS NULL THEN 1 ELSE 0 END
            FROM r JOIN latest AS l ON l.AccountId = r.AccountId
            WHERE r.IsDeleted = 0;

            DELETE d FROM dw.DimCustomer AS d
            WHERE d.AccountId IN (SELECT k.AccountId FROM stg.Account AS k WHERE k.BatchId = @batch)
              AND NOT EXISTS (SELECT 1 FROM #dim AS n WHERE n.AccountId = d.AccountId AND n.ValidFrom = d.ValidFrom AND {same});

            UPDATE d
            SET d.Name = n.Name, d.CreatedAt = n.CreatedAt, d.ValidTo = n.ValidTo, d.IsCurrent = n.IsCurrent, d.BatchId = @batch
            FROM dw.DimCustomer AS d JOIN #dim AS n ON n.AccountId = d.AccountId AND n.ValidFrom = d.ValidFrom
            WHERE d.Name <> n.Name OR d.CreatedAt <> n.CreatedAt OR {Distinct("d.ValidTo", "n.ValidTo")} OR d.IsCurrent <> n.IsCurrent;

            INSERT INTO dw.DimCustomer (CustomerKey, AccountId, Name, Industry, Country, Region, EmployeeBand, AnnualRevenueBand,
                                        CreatedAt, ValidFrom, ValidTo, IsCurrent, BatchId)
            SELECT COALESCE((SELECT MAX(x.CustomerKey) FROM dw.DimCustomer AS x), 0) + ROW_NUMBER() OVER (ORDER BY n.AccountId, n.ValidFrom),
                   n.AccountId, n.Name, n.Industry, n.Country, n.Region, n.EmployeeBand, n.AnnualRevenueBand,
                   n.CreatedAt, n.ValidFrom, n.ValidTo, n.IsCurrent, @batch
            FROM #dim AS n
            WHERE NOT EXISTS (SELECT 1 FROM dw.DimCustomer AS d WHERE d.AccountId = n.AccountId AND d.ValidFrom = n.ValidFrom);
            DROP TABLE #dim;
            """;
    }

    /// <summary>
    /// True (1) when a staging table that feeds a feature's "no source" null had no rows before this batch: the
    /// feature turns from null to a number for every customer, so the derived layers are rebuilt whole.
    /// </summary>
    public static string SourceAppeared() =>
        "SELECT CASE WHEN " + string.Join("\n    OR ", new[] { "Invoice", "Subscription", "Opportunity", "Activity", "Contact" }.Select(t =>
            $"(EXISTS (SELECT 1 FROM stg.{t} WHERE BatchId = @batch) AND NOT EXISTS (SELECT 1 FROM stg.{t} WHERE BatchId <> @batch))")) +
        "\nTHEN 1 ELSE 0 END;";

    /// <summary>SQL Server 2016 has no IS DISTINCT FROM.</summary>
    private static string Distinct(string a, string b) => $"({a} <> {b} OR ({a} IS NULL AND {b} IS NOT NULL) OR ({a} IS NOT NULL AND {b} IS NULL))";

    private static string NotDistinct(string a, string b) => $"({a} = {b} OR ({a} IS NULL AND {b} IS NULL))";

    private static string Q(string name) => SegmentMiner.Core.Identifiers.QuoteBracket(name);
}
