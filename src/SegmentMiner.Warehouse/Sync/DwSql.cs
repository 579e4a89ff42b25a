namespace SegmentMiner.Warehouse.Sync;

/// <summary>
/// DuckDB SQL that moves the staging history into the dimensional model. Facts and contacts are rebuilt for the
/// keys a batch touched, from their newest version (ties: later batch, later line); a deleted newest version
/// removes the key from current data while its history stays in staging.
/// </summary>
internal static class DwSql
{
    /// <summary>Staging table, dw table, key, dw columns (expressions where they differ from the staging column).</summary>
    internal sealed record CurrentTable(string Staging, string Target, string Key, string[] Columns, Dictionary<string, string>? Expressions = null);

    public static readonly CurrentTable[] CurrentTables =
    [
        new("Contact", "dw.DimContact", "ContactId",
            ["ContactId", "AccountId", "JobRole", "Seniority", "Department", "IsDecisionMaker", "CreatedAt", "ModifiedAt", "BatchId"],
            new() { ["IsDecisionMaker"] = "COALESCE(IsDecisionMaker, FALSE)" }),
        new("Opportunity", "dw.FactOpportunity", "OpportunityId",
            ["OpportunityId", "AccountId", "Product", "Stage", "Amount", "OriginalAmount", "Currency", "CreatedAt", "CloseDate", "ModifiedAt", "BatchId"]),
        new("Activity", "dw.FactActivity", "ActivityId",
            ["ActivityId", "AccountId", "Type", "OccurredAt", "ModifiedAt", "BatchId"]),
        new("Subscription", "dw.FactSubscription", "SubscriptionId",
            ["SubscriptionId", "AccountId", "Product", "Plan", "StartDate", "EndDate", "Mrr", "OriginalMrr", "Currency", "Status", "ModifiedAt", "BatchId"]),
        new("Invoice", "dw.FactInvoice", "InvoiceId",
            ["InvoiceId", "AccountId", "SubscriptionId", "InvoiceDate", "DueDate", "PaidDate", "Amount", "OriginalAmount", "Currency", "Status", "ModifiedAt", "BatchId"]),
        new("SurveyResponse", "dw.FactSurveyAnswer", "ResponseId",
            ["ResponseId", "AccountId", "RespondedAt", "Question", "Answer", "AnswerNumeric", "ModifiedAt", "BatchId"],
            new() { ["AnswerNumeric"] = "try_cast(Answer AS DOUBLE)" }),
    ];

    public static string RefreshCurrent(CurrentTable t)
    {
        var touched = $"SELECT {t.Key} FROM stg.{t.Staging} WHERE BatchId = $batch";
        var select = string.Join(", ", t.Columns.Select(c => t.Expressions is not null && t.Expressions.TryGetValue(c, out var e) ? e : c));
        return $"""
            DELETE FROM {t.Target} WHERE {t.Key} IN ({touched});
            INSERT INTO {t.Target} ({string.Join(", ", t.Columns)})
            SELECT {select} FROM stg.{t.Staging}
            WHERE {t.Key} IN ({touched})
            QUALIFY row_number() OVER (PARTITION BY {t.Key} ORDER BY ModifiedAt DESC, BatchId DESC, LineNumber DESC) = 1 AND NOT IsDeleted;
            """;
    }

    /// <summary>
    /// Type 2 on firmographics (Industry, Country, Region, EmployeeBand, AnnualRevenueBand): a new row starts
    /// when they change or the account comes back after a delete; a delete closes the open row. Name and CreatedAt
    /// are type 1 (the newest version's). Rows are recomputed from the whole history of each touched account, so a
    /// version that arrives late lands in its place; surrogate keys of unchanged periods are kept.
    /// </summary>
    public const string RefreshDimCustomer = """
        CREATE OR REPLACE TEMP TABLE sm_dim AS
        WITH touched AS (SELECT DISTINCT AccountId FROM stg.Account WHERE BatchId = $batch),
        v AS (
            SELECT a.*,
                   lag(IsDeleted) OVER w AS pDel, lag(Industry) OVER w AS pInd, lag(Country) OVER w AS pCtry,
                   lag(Region) OVER w AS pReg, lag(EmployeeBand) OVER w AS pEmp, lag(AnnualRevenueBand) OVER w AS pRev
            FROM stg.Account a
            WHERE AccountId IN (SELECT AccountId FROM touched)
            WINDOW w AS (PARTITION BY AccountId ORDER BY ModifiedAt)),
        b AS (
            SELECT * FROM v
            WHERE pDel IS NULL OR IsDeleted <> pDel
               OR (NOT IsDeleted AND (Industry IS DISTINCT FROM pInd OR Country IS DISTINCT FROM pCtry OR Region IS DISTINCT FROM pReg
                                      OR EmployeeBand IS DISTINCT FROM pEmp OR AnnualRevenueBand IS DISTINCT FROM pRev))),
        r AS (SELECT *, lead(ModifiedAt) OVER (PARTITION BY AccountId ORDER BY ModifiedAt) AS ValidTo FROM b),
        latest AS (
            SELECT AccountId, arg_max(Name, ModifiedAt) AS Name, arg_max(CreatedAt, ModifiedAt) AS CreatedAt
            FROM stg.Account WHERE AccountId IN (SELECT AccountId FROM touched) GROUP BY AccountId)
        SELECT r.AccountId, l.Name, r.Industry, r.Country, r.Region, r.EmployeeBand, r.AnnualRevenueBand, l.CreatedAt,
               r.ModifiedAt AS ValidFrom, r.ValidTo, (r.ValidTo IS NULL) AS IsCurrent
        FROM r JOIN latest l ON l.AccountId = r.AccountId
        WHERE NOT r.IsDeleted;

        DELETE FROM dw.DimCustomer d
        WHERE d.AccountId IN (SELECT AccountId FROM stg.Account WHERE BatchId = $batch)
          AND NOT EXISTS (SELECT 1 FROM sm_dim n WHERE n.AccountId = d.AccountId AND n.ValidFrom = d.ValidFrom);

        UPDATE dw.DimCustomer d
        SET Name = n.Name, CreatedAt = n.CreatedAt, ValidTo = n.ValidTo, IsCurrent = n.IsCurrent, BatchId = $batch
        FROM sm_dim n
        WHERE n.AccountId = d.AccountId AND n.ValidFrom = d.ValidFrom
          AND (d.Name <> n.Name OR d.CreatedAt <> n.CreatedAt OR d.ValidTo IS DISTINCT FROM n.ValidTo OR d.IsCurrent <> n.IsCurrent);

        INSERT INTO dw.DimCustomer (CustomerKey, AccountId, Name, Industry, Country, Region, EmployeeBand, AnnualRevenueBand,
                                    CreatedAt, ValidFrom, ValidTo, IsCurrent, BatchId)
        SELECT COALESCE((SELECT max(CustomerKey) FROM dw.DimCustomer), 0) + row_number() OVER (ORDER BY n.AccountId, n.ValidFrom),
               n.AccountId, n.Name, n.Industry, n.Country, n.Region, n.EmployeeBand, n.AnnualRevenueBand,
               n.CreatedAt, n.ValidFrom, n.ValidTo, n.IsCurrent, $batch
        FROM sm_dim n
        WHERE NOT EXISTS (SELECT 1 FROM dw.DimCustomer d WHERE d.AccountId = n.AccountId AND d.ValidFrom = n.ValidFrom);
        """;

    // A subscription is active at day d when it has started, has not ended, and is not cancelled; before AsOf a
    // cancelled subscription with an EndDate counts until that date (its status is only known as of now).
    private const string ActiveAt = "(s.StartDate <= {0} AND (s.EndDate IS NULL OR s.EndDate > {0}) AND (s.Status <> 'Cancelled' OR (s.EndDate IS NOT NULL AND {0} < p.AsOf)))";

    private static string Active(string day) => string.Format(System.Globalization.CultureInfo.InvariantCulture, ActiveAt, day);

    /// <summary>dw.CustomerFeatures, rebuilt whole as of $asof: one row per current customer (see the source contract).</summary>
    public static readonly string RebuildFeatures = $"""
        DELETE FROM dw.CustomerFeatures;
        INSERT INTO dw.CustomerFeatures
        WITH p AS (
            SELECT CAST($asof AS DATE) AS AsOf,
                   CAST(date_trunc('month', CAST($asof AS DATE)) AS DATE) AS M0,
                   CAST(date_trunc('month', CAST($asof AS DATE)) - INTERVAL 12 MONTH AS DATE) AS W0,
                   CAST(date_trunc('month', CAST($asof AS DATE)) - INTERVAL 3 MONTH AS DATE) AS M3),
        has AS (
            SELECT EXISTS (SELECT 1 FROM stg.Invoice) AS inv, EXISTS (SELECT 1 FROM stg.Subscription) AS sub,
                   EXISTS (SELECT 1 FROM stg.Opportunity) AS opp, EXISTS (SELECT 1 FROM stg.Activity) AS act,
                   EXISTS (SELECT 1 FROM stg.Contact) AS con),
        c AS (SELECT * FROM dw.DimCustomer WHERE IsCurrent),
        inv AS (
            SELECT i.AccountId,
                   max(i.InvoiceDate) FILTER (WHERE i.InvoiceDate <= p.AsOf) AS LastInvoice,
                   count(*) FILTER (WHERE i.InvoiceDate >= p.W0 AND i.InvoiceDate < p.M0) AS N12,
                   sum(i.Amount) FILTER (WHERE i.InvoiceDate >= p.W0 AND i.InvoiceDate < p.M0) AS Billed12,
                   count(*) FILTER (WHERE i.InvoiceDate >= p.W0 AND i.InvoiceDate < p.M0
                                    AND (i.PaidDate > i.DueDate OR (i.PaidDate IS NULL AND i.DueDate < p.AsOf))) AS Late12
            FROM dw.FactInvoice i, p WHERE i.Status <> 'Void' GROUP BY i.AccountId),
        sub AS (
            SELECT s.AccountId,
                   sum(s.Mrr) FILTER (WHERE {Active("p.AsOf")}) AS MrrNow,
                   sum(s.Mrr) FILTER (WHERE {Active("p.M3")}) AS Mrr3,
                   count(DISTINCT s.Product) FILTER (WHERE {Active("p.AsOf")}) AS Products,
                   count(*) FILTER (WHERE {Active("p.AsOf")}) AS ActiveSubs,
                   count(*) FILTER (WHERE s.StartDate <= p.AsOf) AS Started,
                   min(s.StartDate) AS FirstStart,
                   max(s.EndDate) AS LastEnd
            FROM dw.FactSubscription s, p GROUP BY s.AccountId),
        opp AS (
            SELECT o.AccountId,
                   sum(o.Amount) FILTER (WHERE o.Stage NOT IN ('ClosedWon', 'ClosedLost')) AS Pipe,
                   count(*) FILTER (WHERE o.Stage = 'ClosedWon' AND o.CloseDate >= p.W0 AND o.CloseDate < p.M0) AS Won
            FROM dw.FactOpportunity o, p GROUP BY o.AccountId),
        act AS (
            SELECT a.AccountId, count(*) FILTER (WHERE a.OccurredAt >= p.W0 AND a.OccurredAt < p.M0) AS N
            FROM dw.FactActivity a, p GROUP BY a.AccountId),
        con AS (SELECT AccountId, count(*) AS N, count(*) FILTER (WHERE IsDecisionMaker) AS DM FROM dw.DimContact GROUP BY AccountId),
        srv AS (
            SELECT AccountId,
                   arg_max(Answer, RespondedAt) FILTER (WHERE Question = 'priority') AS Priority,
                   arg_max(Answer, RespondedAt) FILTER (WHERE Question = 'expansion_intent') AS ExpansionIntent,
                   arg_max(Answer, RespondedAt) FILTER (WHERE Question = 'innovation_attitude') AS InnovationAttitude,
                   arg_max(AnswerNumeric, RespondedAt) FILTER (WHERE Question = 'nps') AS Nps
            FROM dw.FactSurveyAnswer GROUP BY AccountId),
        t AS (
            SELECT c.AccountId, COALESCE(sub.FirstStart, CAST(c.CreatedAt AS DATE)) AS TenureStart
            FROM c LEFT JOIN sub ON sub.AccountId = c.AccountId)
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
        FROM c CROSS JOIN p CROSS JOIN has
        JOIN t ON t.AccountId = c.AccountId
        LEFT JOIN inv ON inv.AccountId = c.AccountId
        LEFT JOIN sub ON sub.AccountId = c.AccountId
        LEFT JOIN opp ON opp.AccountId = c.AccountId
        LEFT JOIN act ON act.AccountId = c.AccountId
        LEFT JOIN con ON con.AccountId = c.AccountId
        LEFT JOIN srv ON srv.AccountId = c.AccountId;
        """;

    /// <summary>
    /// dw.CustomerMonthlySnapshot, rebuilt whole: per current customer and month from its first month (account
    /// created or first subscription) to AsOf's month. MRR and products are measured on the month's last day, or
    /// AsOf for the current month; billed and paid-late count the month's invoices.
    /// </summary>
    public static readonly string RebuildSnapshot = $"""
        DELETE FROM dw.CustomerMonthlySnapshot;
        INSERT INTO dw.CustomerMonthlySnapshot (AccountId, MonthStart, Mrr, Billed, InvoicesPaidLate, ActiveProducts, Attrited, BatchId)
        WITH p AS (SELECT CAST($asof AS DATE) AS AsOf, CAST(date_trunc('month', CAST($asof AS DATE)) AS DATE) AS M0),
        firsts AS (
            SELECT c.AccountId,
                   least(CAST(date_trunc('month', c.CreatedAt) AS DATE),
                         COALESCE(CAST(date_trunc('month', min(s.StartDate)) AS DATE), DATE '9999-12-31')) AS FirstMonth
            FROM dw.DimCustomer c LEFT JOIN dw.FactSubscription s ON s.AccountId = c.AccountId
            WHERE c.IsCurrent GROUP BY c.AccountId, c.CreatedAt),
        m AS (
            SELECT f.AccountId, CAST(ms AS DATE) AS MonthStart,
                   least(CAST(ms + INTERVAL 1 MONTH - INTERVAL 1 DAY AS DATE), p.AsOf) AS D
            FROM firsts f, p, unnest(generate_series(CAST(f.FirstMonth AS TIMESTAMP), CAST(p.M0 AS TIMESTAMP), INTERVAL 1 MONTH)) AS g(ms)),
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
            WHERE i.Status <> 'Void' AND i.InvoiceDate <= p.AsOf
            GROUP BY i.AccountId, CAST(date_trunc('month', i.InvoiceDate) AS DATE))
        SELECT sm.AccountId, sm.MonthStart, sm.Mrr, COALESCE(im.Billed, 0), CAST(COALESCE(im.Late, 0) AS INTEGER),
               CAST(sm.Products AS INTEGER), sm.Started > 0 AND sm.ActiveSubs = 0, $batch
        FROM sm LEFT JOIN im ON im.AccountId = sm.AccountId AND im.MonthStart = sm.MonthStart;
        """;
}
