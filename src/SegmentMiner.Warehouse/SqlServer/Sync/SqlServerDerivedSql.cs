using System.Globalization;

namespace SegmentMiner.Warehouse.SqlServer.Sync;

/// <summary>
/// T-SQL for the derived layers on SQL Server, the counterpart of DuckDB's DerivedSql with the same rules: one text
/// computes the rows for every customer or for a scope (the accounts in <c>#touched</c>; the snapshot pairs in
/// <c>#pairs</c>), so an incremental sync gives what a full rebuild gives. SQL Server 2016 has no FILTER,
/// GENERATE_SERIES, GREATEST or arg_max: conditional aggregates, a tally of months and ROW_NUMBER stand in.
/// </summary>
internal static class SqlServerDerivedSql
{
    // A subscription is active at day d when it has started, has not ended, and is not cancelled; before the as-of
    // date a cancelled subscription with an EndDate counts until that date.
    private const string ActiveAt = "(s.StartDate <= {0} AND (s.EndDate IS NULL OR s.EndDate > {0}) AND (s.Status <> N'Cancelled' OR (s.EndDate IS NOT NULL AND {0} < @asof)))";

    private const string InScope = " AND AccountId IN (SELECT t.AccountId FROM #touched AS t)";

    private const string Months = """
        DECLARE @m0 DATE = DATEFROMPARTS(YEAR(@asof), MONTH(@asof), 1);
        DECLARE @w0 DATE = DATEADD(MONTH, -12, @m0);
        DECLARE @m3 DATE = DATEADD(MONTH, -3, @m0);
        """;

    private static string Active(string day) => string.Format(CultureInfo.InvariantCulture, ActiveAt, day);

    /// <summary>Deletes the features in scope (all, or the touched accounts') and computes them again as of @asof.</summary>
    public static string Features(bool all)
    {
        var scope = all ? "" : InScope;
        return $"""
        {Months}
        WITH inv AS (
            SELECT AccountId,
                   MAX(CASE WHEN InvoiceDate <= @asof THEN InvoiceDate END) AS LastInvoice,
                   SUM(CASE WHEN InvoiceDate >= @w0 AND InvoiceDate < @m0 THEN 1 ELSE 0 END) AS N12,
                   SUM(CASE WHEN InvoiceDate >= @w0 AND InvoiceDate < @m0 THEN Amount END) AS Billed12,
                   SUM(CASE WHEN InvoiceDate >= @w0 AND InvoiceDate < @m0
                             AND (PaidDate > DueDate OR (PaidDate IS NULL AND DueDate < @asof)) THEN 1 ELSE 0 END) AS Late12
            FROM dw.FactInvoice WHERE Status <> N'Void'{scope} GROUP BY AccountId),
        sub AS (
            SELECT s.AccountId,
                   SUM(CASE WHEN {Active("@asof")} THEN s.Mrr END) AS MrrNow,
                   SUM(CASE WHEN {Active("@m3")} THEN s.Mrr END) AS Mrr3,
                   COUNT(DISTINCT CASE WHEN {Active("@asof")} THEN s.Product END) AS Products,
                   SUM(CASE WHEN {Active("@asof")} THEN 1 ELSE 0 END) AS ActiveSubs,
                   SUM(CASE WHEN s.StartDate <= @asof THEN 1 ELSE 0 END) AS Started,
                   MIN(s.StartDate) AS FirstStart, MAX(s.EndDate) AS LastEnd
            FROM dw.FactSubscription AS s WHERE 1 = 1{scope} GROUP BY s.AccountId),
        opp AS (
            SELECT AccountId,
                   SUM(CASE WHEN Stage NOT IN (N'ClosedWon', N'ClosedLost') THEN Amount END) AS Pipe,
                   SUM(CASE WHEN Stage = N'ClosedWon' AND CloseDate >= @w0 AND CloseDate < @m0 THEN 1 ELSE 0 END) AS Won
            FROM dw.FactOpportunity WHERE 1 = 1{scope} GROUP BY AccountId),
        act AS (
            SELECT AccountId, SUM(CASE WHEN OccurredAt >= @w0 AND OccurredAt < @m0 THEN 1 ELSE 0 END) AS N
            FROM dw.FactActivity WHERE 1 = 1{scope} GROUP BY AccountId),
        con AS (
            SELECT AccountId, COUNT(*) AS N, SUM(CASE WHEN IsDecisionMaker = 1 THEN 1 ELSE 0 END) AS DM
            FROM dw.DimContact WHERE 1 = 1{scope} GROUP BY AccountId),
        srv AS (
            SELECT q.AccountId,
                   MAX(CASE WHEN q.Question = N'priority' THEN q.Answer END) AS Priority,
                   MAX(CASE WHEN q.Question = N'expansion_intent' THEN q.Answer END) AS ExpansionIntent,
                   MAX(CASE WHEN q.Question = N'innovation_attitude' THEN q.Answer END) AS InnovationAttitude,
                   MAX(CASE WHEN q.Question = N'nps' THEN q.AnswerNumeric END) AS Nps
            FROM (SELECT AccountId, Question, Answer, AnswerNumeric,
                         ROW_NUMBER() OVER (PARTITION BY AccountId, Question ORDER BY RespondedAt DESC, ResponseId DESC) AS rn
                  FROM dw.FactSurveyAnswer WHERE 1 = 1{scope}) AS q
            WHERE q.rn = 1 GROUP BY q.AccountId),
        has AS (
            SELECT CASE WHEN EXISTS (SELECT 1 FROM stg.Invoice) THEN 1 ELSE 0 END AS HasInv,
                   CASE WHEN EXISTS (SELECT 1 FROM stg.Subscription) THEN 1 ELSE 0 END AS HasSub,
                   CASE WHEN EXISTS (SELECT 1 FROM stg.Opportunity) THEN 1 ELSE 0 END AS HasOpp,
                   CASE WHEN EXISTS (SELECT 1 FROM stg.Activity) THEN 1 ELSE 0 END AS HasAct,
                   CASE WHEN EXISTS (SELECT 1 FROM stg.Contact) THEN 1 ELSE 0 END AS HasCon),
        c AS (
            SELECT d.AccountId, d.Name, d.Industry, d.Country, d.Region, d.EmployeeBand, d.AnnualRevenueBand, d.CreatedAt
            FROM dw.DimCustomer AS d WHERE d.IsCurrent = 1{scope.Replace(" AND AccountId", " AND d.AccountId", StringComparison.Ordinal)}),
        t AS (
            SELECT c.AccountId, COALESCE(sub.FirstStart, CAST(c.CreatedAt AS DATE)) AS TenureStart
            FROM c LEFT JOIN sub ON sub.AccountId = c.AccountId)
        SELECT c.AccountId, c.Name, c.Industry, c.Country, c.Region, c.EmployeeBand, c.AnnualRevenueBand,
               DATEDIFF(MONTH, t.TenureStart, @m0) - CASE WHEN DAY(t.TenureStart) > 1 THEN 1 ELSE 0 END AS Tenure,
               CASE WHEN inv.LastInvoice IS NOT NULL THEN DATEDIFF(DAY, inv.LastInvoice, @asof) END AS Recency,
               CASE WHEN has.HasInv = 1 THEN COALESCE(inv.N12, 0) END AS Invoices12m,
               CASE WHEN has.HasInv = 1 THEN COALESCE(inv.Billed12, 0) END AS Billed12m,
               CASE WHEN has.HasSub = 1 THEN COALESCE(sub.MrrNow, 0) END AS Mrr,
               CASE WHEN has.HasSub = 1 THEN COALESCE(sub.MrrNow, 0) - COALESCE(sub.Mrr3, 0) END AS MrrTrend3m,
               CASE WHEN has.HasSub = 1 THEN COALESCE(sub.Products, 0) END AS ActiveProducts,
               CASE WHEN inv.N12 > 0 THEN CAST(inv.Late12 AS FLOAT) / inv.N12 END AS LateRate,
               CASE WHEN has.HasOpp = 1 THEN COALESCE(opp.Pipe, 0) END AS OpenPipeline,
               CASE WHEN has.HasOpp = 1 THEN COALESCE(opp.Won, 0) END AS DealsWon12m,
               CASE WHEN has.HasAct = 1 THEN COALESCE(act.N, 0) END AS Activities12m,
               CASE WHEN has.HasCon = 1 THEN COALESCE(con.N, 0) END AS Contacts,
               CASE WHEN has.HasCon = 1 THEN COALESCE(con.DM, 0) END AS DecisionMakers,
               CASE WHEN COALESCE(sub.Started, 0) > 0 AND COALESCE(sub.ActiveSubs, 0) = 0 THEN 1 ELSE 0 END AS Attrited,
               CASE WHEN COALESCE(sub.Started, 0) > 0 AND COALESCE(sub.ActiveSubs, 0) = 0 THEN sub.LastEnd END AS AttritionDate,
               srv.Priority, srv.ExpansionIntent, srv.InnovationAttitude,
               CASE WHEN srv.Nps BETWEEN 0 AND 10 THEN srv.Nps END AS Nps
        INTO #features
        FROM c CROSS JOIN has
        JOIN t ON t.AccountId = c.AccountId
        LEFT JOIN inv ON inv.AccountId = c.AccountId
        LEFT JOIN sub ON sub.AccountId = c.AccountId
        LEFT JOIN opp ON opp.AccountId = c.AccountId
        LEFT JOIN act ON act.AccountId = c.AccountId
        LEFT JOIN con ON con.AccountId = c.AccountId
        LEFT JOIN srv ON srv.AccountId = c.AccountId;
        DELETE FROM dw.CustomerFeatures WHERE 1 = 1{scope};
        INSERT INTO dw.CustomerFeatures (AccountId, AsOfDate, Name, Industry, Country, Region, EmployeeBand, AnnualRevenueBand, TenureMonths, RecencyDays,
            Invoices12m, Billed12m, Mrr, MrrTrend3m, ActiveProducts, LatePaymentRate12m, OpenPipeline, DealsWon12m, Activities12m, Contacts, DecisionMakers,
            Attrited, AttritionDate, Priority, ExpansionIntent, InnovationAttitude, Nps, BatchId)
        SELECT f.AccountId, @asof, f.Name, f.Industry, f.Country, f.Region, f.EmployeeBand, f.AnnualRevenueBand,
               CASE WHEN f.Tenure < 0 THEN 0 ELSE f.Tenure END, f.Recency, f.Invoices12m, f.Billed12m, f.Mrr, f.MrrTrend3m, f.ActiveProducts, f.LateRate,
               f.OpenPipeline, f.DealsWon12m, f.Activities12m, f.Contacts, f.DecisionMakers, f.Attrited, f.AttritionDate,
               f.Priority, f.ExpansionIntent, f.InnovationAttitude, f.Nps, @batch
        FROM #features AS f;
        DROP TABLE #features;
        """;
    }

    /// <summary>
    /// The snapshot rows to compute (#pairs): every month, from the account's first (account created or first
    /// subscription) to @asof's, of every current customer (@all) or of the touched ones; when the as-of date moved
    /// forward (@moved), also every customer's months from the previous as-of date's month on, and the months whose
    /// unpaid invoices fell due between the two dates. Months come from a tally of 0 to 1,199 (a century).
    /// </summary>
    public const string Pairs = """
        DECLARE @m0 DATE = DATEFROMPARTS(YEAR(@asof), MONTH(@asof), 1);
        DECLARE @mp DATE = DATEFROMPARTS(YEAR(@previous), MONTH(@previous), 1);
        CREATE TABLE #pairs (AccountId NVARCHAR(64) NOT NULL, MonthStart DATE NOT NULL, PRIMARY KEY (AccountId, MonthStart));
        WITH firsts AS (
            SELECT c.AccountId,
                   CASE WHEN MIN(s.StartDate) IS NOT NULL AND DATEFROMPARTS(YEAR(MIN(s.StartDate)), MONTH(MIN(s.StartDate)), 1) < DATEFROMPARTS(YEAR(c.CreatedAt), MONTH(c.CreatedAt), 1)
                        THEN DATEFROMPARTS(YEAR(MIN(s.StartDate)), MONTH(MIN(s.StartDate)), 1)
                        ELSE DATEFROMPARTS(YEAR(c.CreatedAt), MONTH(c.CreatedAt), 1) END AS FirstMonth,
                   CASE WHEN @all = 1 OR c.AccountId IN (SELECT t.AccountId FROM #touched AS t) THEN 1 ELSE 0 END AS Whole
            FROM dw.DimCustomer AS c LEFT JOIN dw.FactSubscription AS s ON s.AccountId = c.AccountId
            WHERE c.IsCurrent = 1 AND (@all = 1 OR @moved = 1 OR c.AccountId IN (SELECT t.AccountId FROM #touched AS t))
            GROUP BY c.AccountId, c.CreatedAt),
        tally AS (
            SELECT TOP (1200) ROW_NUMBER() OVER (ORDER BY (SELECT NULL)) - 1 AS n
            FROM (VALUES (0), (0), (0), (0), (0), (0), (0), (0), (0), (0)) AS a(x)
            CROSS JOIN (VALUES (0), (0), (0), (0), (0), (0), (0), (0), (0), (0)) AS b(x)
            CROSS JOIN (VALUES (0), (0), (0), (0), (0), (0), (0), (0), (0), (0), (0), (0)) AS c(x))
        INSERT INTO #pairs (AccountId, MonthStart)
        SELECT f.AccountId, DATEADD(MONTH, tally.n, CASE WHEN f.Whole = 1 OR f.FirstMonth > @mp THEN f.FirstMonth ELSE @mp END)
        FROM firsts AS f CROSS JOIN tally
        WHERE DATEADD(MONTH, tally.n, CASE WHEN f.Whole = 1 OR f.FirstMonth > @mp THEN f.FirstMonth ELSE @mp END) <= @m0
        UNION
        SELECT i.AccountId, DATEFROMPARTS(YEAR(i.InvoiceDate), MONTH(i.InvoiceDate), 1)
        FROM dw.FactInvoice AS i JOIN firsts AS f ON f.AccountId = i.AccountId
        WHERE @moved = 1 AND f.Whole = 0 AND i.Status <> N'Void' AND i.PaidDate IS NULL
          AND i.DueDate >= @previous AND i.DueDate < @asof AND i.InvoiceDate < @mp
          AND DATEFROMPARTS(YEAR(i.InvoiceDate), MONTH(i.InvoiceDate), 1) >= f.FirstMonth;
        """;

    /// <summary>
    /// Deletes the snapshot rows in scope: all, or the touched accounts' and, when the as-of date moved forward, the
    /// pairs' (untouched customers' recent months).
    /// </summary>
    public static string SnapshotDelete(bool all, bool moved) =>
        all
            ? "DELETE FROM dw.CustomerMonthlySnapshot;"
            : "DELETE FROM dw.CustomerMonthlySnapshot WHERE AccountId IN (SELECT t.AccountId FROM #touched AS t);" + (moved
                ? "\nDELETE x FROM dw.CustomerMonthlySnapshot AS x JOIN #pairs AS q ON x.AccountId = q.AccountId AND x.MonthStart = q.MonthStart;"
                : "");

    /// <summary>
    /// Computes the rows of #pairs as of @asof: MRR and products on the month's last day (or @asof for the current
    /// month); billed and paid-late count the month's invoices (only the pairs' invoices are read).
    /// </summary>
    public static string SnapshotInsert() => $"""
        WITH m AS (
            SELECT q.AccountId, q.MonthStart, CASE WHEN EOMONTH(q.MonthStart) < @asof THEN EOMONTH(q.MonthStart) ELSE CAST(@asof AS DATE) END AS D
            FROM #pairs AS q),
        sm AS (
            SELECT m.AccountId, m.MonthStart,
                   COALESCE(SUM(CASE WHEN {Active("m.D")} THEN s.Mrr END), 0) AS Mrr,
                   COUNT(DISTINCT CASE WHEN {Active("m.D")} THEN s.Product END) AS Products,
                   COUNT(CASE WHEN {Active("m.D")} THEN s.SubscriptionId END) AS ActiveSubs,
                   COUNT(CASE WHEN s.StartDate <= m.D THEN s.SubscriptionId END) AS Started
            FROM m LEFT JOIN dw.FactSubscription AS s ON s.AccountId = m.AccountId
            GROUP BY m.AccountId, m.MonthStart),
        im AS (
            SELECT i.AccountId, DATEFROMPARTS(YEAR(i.InvoiceDate), MONTH(i.InvoiceDate), 1) AS MonthStart,
                   SUM(i.Amount) AS Billed,
                   SUM(CASE WHEN i.PaidDate > i.DueDate OR (i.PaidDate IS NULL AND i.DueDate < @asof) THEN 1 ELSE 0 END) AS Late
            FROM dw.FactInvoice AS i JOIN #pairs AS q ON q.AccountId = i.AccountId AND q.MonthStart = DATEFROMPARTS(YEAR(i.InvoiceDate), MONTH(i.InvoiceDate), 1)
            WHERE i.Status <> N'Void' AND i.InvoiceDate <= @asof
            GROUP BY i.AccountId, DATEFROMPARTS(YEAR(i.InvoiceDate), MONTH(i.InvoiceDate), 1))
        INSERT INTO dw.CustomerMonthlySnapshot (AccountId, MonthStart, Mrr, Billed, InvoicesPaidLate, ActiveProducts, Attrited, BatchId)
        SELECT sm.AccountId, sm.MonthStart, sm.Mrr, COALESCE(im.Billed, 0), COALESCE(im.Late, 0), sm.Products,
               CASE WHEN sm.Started > 0 AND sm.ActiveSubs = 0 THEN 1 ELSE 0 END, @batch
        FROM sm LEFT JOIN im ON im.AccountId = sm.AccountId AND im.MonthStart = sm.MonthStart;
        DROP TABLE #pairs;
        """;
}
