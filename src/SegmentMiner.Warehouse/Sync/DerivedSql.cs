namespace SegmentMiner.Warehouse.Sync;

/// <summary>
/// DuckDB SQL for the derived layers, dw.CustomerFeatures and dw.CustomerMonthlySnapshot. One text computes the
/// rows whether for every customer or for a scope: the features of the accounts in <c>sm_touched</c>, and the
/// snapshot rows of the (account, month) pairs in <c>sm_pairs</c>. The same text for both is what makes an
/// incremental sync give what a full rebuild gives.
/// </summary>
internal static class DerivedSql
{
    // A subscription is active at day d when it has started, has not ended, and is not cancelled; before AsOf a
    // cancelled subscription with an EndDate counts until that date (its status is only known as of now).
    private const string ActiveAt = "(s.StartDate <= {0} AND (s.EndDate IS NULL OR s.EndDate > {0}) AND (s.Status <> 'Cancelled' OR (s.EndDate IS NOT NULL AND {0} < p.AsOf)))";

    private const string InScope = " AND AccountId IN (SELECT AccountId FROM sm_touched)";

    private static string Active(string day) => string.Format(System.Globalization.CultureInfo.InvariantCulture, ActiveAt, day);

    /// <summary>
    /// Deletes the features in scope (all, or the touched accounts') and computes them again as of $asof. Each
    /// source's aggregate is materialized on its own before the final join, so that only one aggregate's hash
    /// table is in memory at a time (a small Warehouse:MemoryLimit spills instead of failing).
    /// </summary>
    public static string Features(bool all)
    {
        var scope = all ? "" : InScope;
        return $"""
        CREATE OR REPLACE TEMP TABLE sm_p AS
            SELECT CAST($asof AS DATE) AS AsOf,
                   CAST(date_trunc('month', CAST($asof AS DATE)) AS DATE) AS M0,
                   CAST(date_trunc('month', CAST($asof AS DATE)) - INTERVAL 12 MONTH AS DATE) AS W0,
                   CAST(date_trunc('month', CAST($asof AS DATE)) - INTERVAL 3 MONTH AS DATE) AS M3;
        CREATE OR REPLACE TEMP TABLE sm_f_inv AS
            SELECT i.AccountId,
                   max(i.InvoiceDate) FILTER (WHERE i.InvoiceDate <= p.AsOf) AS LastInvoice,
                   count(*) FILTER (WHERE i.InvoiceDate >= p.W0 AND i.InvoiceDate < p.M0) AS N12,
                   sum(i.Amount) FILTER (WHERE i.InvoiceDate >= p.W0 AND i.InvoiceDate < p.M0) AS Billed12,
                   count(*) FILTER (WHERE i.InvoiceDate >= p.W0 AND i.InvoiceDate < p.M0
                                    AND (i.PaidDate > i.DueDate OR (i.PaidDate IS NULL AND i.DueDate < p.AsOf))) AS Late12
            FROM dw.FactInvoice i, sm_p p WHERE i.Status <> 'Void'{scope} GROUP BY i.AccountId;
        CREATE OR REPLACE TEMP TABLE sm_f_sub AS
            SELECT s.AccountId,
                   sum(s.Mrr) FILTER (WHERE {Active("p.AsOf")}) AS MrrNow,
                   sum(s.Mrr) FILTER (WHERE {Active("p.M3")}) AS Mrr3,
                   count(DISTINCT s.Product) FILTER (WHERE {Active("p.AsOf")}) AS Products,
                   count(*) FILTER (WHERE {Active("p.AsOf")}) AS ActiveSubs,
                   count(*) FILTER (WHERE s.StartDate <= p.AsOf) AS Started,
                   min(s.StartDate) AS FirstStart,
                   max(s.EndDate) AS LastEnd
            FROM dw.FactSubscription s, sm_p p WHERE TRUE{scope} GROUP BY s.AccountId;
        CREATE OR REPLACE TEMP TABLE sm_f_opp AS
            SELECT o.AccountId,
                   sum(o.Amount) FILTER (WHERE o.Stage NOT IN ('ClosedWon', 'ClosedLost')) AS Pipe,
                   count(*) FILTER (WHERE o.Stage = 'ClosedWon' AND o.CloseDate >= p.W0 AND o.CloseDate < p.M0) AS Won
            FROM dw.FactOpportunity o, sm_p p WHERE TRUE{scope} GROUP BY o.AccountId;
        CREATE OR REPLACE TEMP TABLE sm_f_act AS
            SELECT a.AccountId, count(*) FILTER (WHERE a.OccurredAt >= p.W0 AND a.OccurredAt < p.M0) AS N
            FROM dw.FactActivity a, sm_p p WHERE TRUE{scope} GROUP BY a.AccountId;
        CREATE OR REPLACE TEMP TABLE sm_f_con AS
            SELECT AccountId, count(*) AS N, count(*) FILTER (WHERE IsDecisionMaker) AS DM FROM dw.DimContact WHERE TRUE{scope} GROUP BY AccountId;
        CREATE OR REPLACE TEMP TABLE sm_f_srv AS
            SELECT AccountId,
                   arg_max(Answer, RespondedAt) FILTER (WHERE Question = 'priority') AS Priority,
                   arg_max(Answer, RespondedAt) FILTER (WHERE Question = 'expansion_intent') AS ExpansionIntent,
                   arg_max(Answer, RespondedAt) FILTER (WHERE Question = 'innovation_attitude') AS InnovationAttitude,
                   arg_max(AnswerNumeric, RespondedAt) FILTER (WHERE Question = 'nps') AS Nps
            FROM dw.FactSurveyAnswer WHERE TRUE{scope} GROUP BY AccountId;
        DELETE FROM dw.CustomerFeatures WHERE TRUE{scope};
        INSERT INTO dw.CustomerFeatures
        WITH has AS (
            SELECT EXISTS (SELECT 1 FROM stg.Invoice) AS inv, EXISTS (SELECT 1 FROM stg.Subscription) AS sub,
                   EXISTS (SELECT 1 FROM stg.Opportunity) AS opp, EXISTS (SELECT 1 FROM stg.Activity) AS act,
                   EXISTS (SELECT 1 FROM stg.Contact) AS con),
        c AS (SELECT * FROM dw.DimCustomer WHERE IsCurrent{scope}),
        t AS (
            SELECT c.AccountId, COALESCE(sub.FirstStart, CAST(c.CreatedAt AS DATE)) AS TenureStart
            FROM c LEFT JOIN sm_f_sub sub ON sub.AccountId = c.AccountId)
        SELECT c.AccountId, p.AsOf, c.Name, c.Industry, c.Country, c.Region, c.EmployeeBand, c.AnnualRevenueBand,
               CAST(greatest(0, date_part('year', age(CAST(p.M0 AS TIMESTAMP), CAST(t.TenureStart AS TIMESTAMP))) * 12
                              + date_part('month', age(CAST(p.M0 AS TIMESTAMP), CAST(t.TenureStart AS TIMESTAMP)))) AS INTEGER),
               CASE WHEN inv.LastInvoice IS NOT NULL THEN CAST(datediff('day', inv.LastInvoice, p.AsOf) AS INTEGER) END,
               CASE WHEN has.inv THEN COALESCE(inv.N12, 0) END,
               CASE WHEN has.inv THEN COALESCE(inv.Billed12, 0) END,
               CASE WHEN has.sub THEN COALESCE(sub.MrrNow, 0) END,
               CASE WHEN has.sub THEN COALESCE(sub.MrrNow, 0) - COALESCE(sub.Mrr3, 0) END,
               CASE WHEN has.sub THEN COALESCE(sub.Products, 0) END,
               CASE WHEN inv.N12 > 0 THEN CAST(inv.Late12 AS DOUBLE) / inv.N12 END,
               CASE WHEN has.opp THEN COALESCE(opp.Pipe, 0) END,
               CASE WHEN has.opp THEN COALESCE(opp.Won, 0) END,
               CASE WHEN has.act THEN COALESCE(act.N, 0) END,
               CASE WHEN has.con THEN COALESCE(con.N, 0) END,
               CASE WHEN has.con THEN COALESCE(con.DM, 0) END,
               COALESCE(sub.Started, 0) > 0 AND COALESCE(sub.ActiveSubs, 0) = 0,
               CASE WHEN COALESCE(sub.Started, 0) > 0 AND COALESCE(sub.ActiveSubs, 0) = 0 THEN sub.LastEnd END,
               srv.Priority, srv.ExpansionIntent, srv.InnovationAttitude,
               CASE WHEN srv.Nps BETWEEN 0 AND 10 THEN srv.Nps END,
               $batch
        FROM c CROSS JOIN sm_p p CROSS JOIN has
        JOIN t ON t.AccountId = c.AccountId
        LEFT JOIN sm_f_inv inv ON inv.AccountId = c.AccountId
        LEFT JOIN sm_f_sub sub ON sub.AccountId = c.AccountId
        LEFT JOIN sm_f_opp opp ON opp.AccountId = c.AccountId
        LEFT JOIN sm_f_act act ON act.AccountId = c.AccountId
        LEFT JOIN sm_f_con con ON con.AccountId = c.AccountId
        LEFT JOIN sm_f_srv srv ON srv.AccountId = c.AccountId;
        DROP TABLE sm_p; DROP TABLE sm_f_inv; DROP TABLE sm_f_sub; DROP TABLE sm_f_opp; DROP TABLE sm_f_act; DROP TABLE sm_f_con; DROP TABLE sm_f_srv;
        """;
    }

    /// <summary>
    /// The snapshot rows to compute (<c>sm_pairs</c>): every month, from the account's first (account created or
    /// first subscription) to $asof's, of every current customer ($all) or of the touched ones; when the as-of date
    /// moved forward ($moved), also every customer's months from the previous as-of date's month on, and the months
    /// whose unpaid invoices fell due between the two dates (their paid-late count changes).
    /// </summary>
    public const string Pairs = """
        CREATE OR REPLACE TEMP TABLE sm_pairs AS
        WITH p AS (SELECT CAST($asof AS DATE) AS AsOf, CAST(date_trunc('month', CAST($asof AS DATE)) AS DATE) AS M0,
                          CAST($previous AS DATE) AS Previous, CAST(date_trunc('month', CAST($previous AS DATE)) AS DATE) AS MP),
        firsts AS (
            SELECT c.AccountId,
                   least(CAST(date_trunc('month', c.CreatedAt) AS DATE),
                         COALESCE(CAST(date_trunc('month', min(s.StartDate)) AS DATE), DATE '9999-12-31')) AS FirstMonth,
                   $all OR c.AccountId IN (SELECT AccountId FROM sm_touched) AS Whole
            FROM dw.DimCustomer c LEFT JOIN dw.FactSubscription s ON s.AccountId = c.AccountId
            WHERE c.IsCurrent AND ($all OR $moved OR c.AccountId IN (SELECT AccountId FROM sm_touched))
            GROUP BY c.AccountId, c.CreatedAt)
        SELECT f.AccountId, CAST(g.ms AS DATE) AS MonthStart
        FROM firsts f, p,
             unnest(generate_series(CAST(CASE WHEN f.Whole THEN f.FirstMonth ELSE greatest(f.FirstMonth, p.MP) END AS TIMESTAMP),
                                    CAST(p.M0 AS TIMESTAMP), INTERVAL 1 MONTH)) AS g(ms)
        UNION
        SELECT DISTINCT i.AccountId, CAST(date_trunc('month', i.InvoiceDate) AS DATE)
        FROM dw.FactInvoice i JOIN firsts f ON f.AccountId = i.AccountId, p
        WHERE $moved AND NOT f.Whole AND i.Status <> 'Void' AND i.PaidDate IS NULL
          AND i.DueDate >= p.Previous AND i.DueDate < p.AsOf AND i.InvoiceDate < p.MP
          AND CAST(date_trunc('month', i.InvoiceDate) AS DATE) >= f.FirstMonth;
        """;

    /// <summary>
    /// Deletes the snapshot rows in scope: all, or the touched accounts' and, when the as-of date moved forward
    /// (<paramref name="moved"/>), the pairs' (untouched customers' recent months, deleted by pair); otherwise every
    /// pair is a touched account's, whose rows are all deleted by account.
    /// </summary>
    public static string SnapshotDelete(bool all, bool moved) =>
        all
            ? "DELETE FROM dw.CustomerMonthlySnapshot;"
            : "DELETE FROM dw.CustomerMonthlySnapshot WHERE AccountId IN (SELECT AccountId FROM sm_touched);" + (moved
                ? "\nDELETE FROM dw.CustomerMonthlySnapshot x USING sm_pairs q WHERE x.AccountId = q.AccountId AND x.MonthStart = q.MonthStart;"
                : "");

    /// <summary>
    /// Computes the rows of the pairs in <paramref name="pairs"/> as of $asof. MRR and products are measured on the
    /// month's last day, or AsOf for the current month; billed and paid-late count the month's invoices. Unless
    /// the pairs are every customer's months (<paramref name="everyPair"/>), only their invoices are read.
    /// </summary>
    public static string SnapshotInsert(string pairs, bool everyPair)
    {
        var invoices = everyPair ? "" : $"\n      AND EXISTS (SELECT 1 FROM {pairs} q WHERE q.AccountId = i.AccountId AND q.MonthStart = CAST(date_trunc('month', i.InvoiceDate) AS DATE))";
        return $"""
        INSERT INTO dw.CustomerMonthlySnapshot (AccountId, MonthStart, Mrr, Billed, InvoicesPaidLate, ActiveProducts, Attrited, BatchId)
        WITH p AS (SELECT CAST($asof AS DATE) AS AsOf),
        m AS (
            SELECT q.AccountId, q.MonthStart, least(CAST(q.MonthStart + INTERVAL 1 MONTH - INTERVAL 1 DAY AS DATE), p.AsOf) AS D
            FROM {pairs} q, p),
        sm AS (
            SELECT m.AccountId, m.MonthStart,
                   COALESCE(sum(s.Mrr) FILTER (WHERE {Active("m.D")}), 0) AS Mrr,
                   count(DISTINCT s.Product) FILTER (WHERE {Active("m.D")}) AS Products,
                   count(s.SubscriptionId) FILTER (WHERE {Active("m.D")}) AS ActiveSubs,
                   count(s.SubscriptionId) FILTER (WHERE s.StartDate <= m.D) AS Started
            FROM m CROSS JOIN p LEFT JOIN dw.FactSubscription s ON s.AccountId = m.AccountId
            GROUP BY m.AccountId, m.MonthStart),
        im AS (
            SELECT i.AccountId, CAST(date_trunc('month', i.InvoiceDate) AS DATE) AS MonthStart,
                   sum(i.Amount) AS Billed,
                   count(*) FILTER (WHERE i.PaidDate > i.DueDate OR (i.PaidDate IS NULL AND i.DueDate < p.AsOf)) AS Late
            FROM dw.FactInvoice i, p
            WHERE i.Status <> 'Void' AND i.InvoiceDate <= p.AsOf{invoices}
            GROUP BY i.AccountId, CAST(date_trunc('month', i.InvoiceDate) AS DATE))
        SELECT sm.AccountId, sm.MonthStart, sm.Mrr, COALESCE(im.Billed, 0), CAST(COALESCE(im.Late, 0) AS INTEGER),
               CAST(sm.Products AS INTEGER), sm.Started > 0 AND sm.ActiveSubs = 0, $batch
        FROM sm LEFT JOIN im ON im.AccountId = sm.AccountId AND im.MonthStart = sm.MonthStart;
        """;
    }
}
