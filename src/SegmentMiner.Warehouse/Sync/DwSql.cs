namespace SegmentMiner.Warehouse.Sync;

/// <summary>
/// DuckDB SQL that moves the staging history into the dimensional model. Facts and contacts are rebuilt for the
/// keys a batch touched, from their newest version (ties: later batch, later line); a deleted newest version
/// removes the key from current data while its history stays in staging.
/// </summary>
internal static class DwSql
{
    /// <summary>Staging table, dw table, key, dw columns (expressions where they differ from the staging column).</summary>
    internal sealed record CurrentTable(string Staging, string Target, string Key, string[] Columns, Dictionary<string, string>? Expressions = null)
    {
        /// <summary>The select list that turns a staging row into a row of <see cref="Target"/>.</summary>
        public string Select => string.Join(", ", Columns.Select(c => Expressions is not null && Expressions.TryGetValue(c, out var e) ? e : c));
    }

    public static readonly CurrentTable[] CurrentTables =
    [
        new("Contact", "dw.DimContact", "ContactId",
            ["ContactId", "AccountId", "JobRole", "Seniority", "Department", "IsDecisionMaker", "CreatedAt", "ModifiedAt", "BatchId"],
            new() { ["IsDecisionMaker"] = "COALESCE(IsDecisionMaker, FALSE)" }),
        new("Opportunity", "dw.FactOpportunity", "OpportunityId",
            ["OpportunityId", "AccountId", "Product", "Stage", "Amount", "OriginalAmount", "Currency", "CreatedAt", "CloseDate", "ModifiedAt", "BatchId"]),
        new("Activity", "dw.FactActivity", "ActivityId",
            ["ActivityId", "AccountId", "Type", "OccurredAt", "ModifiedAt", "BatchId", "ContactId"]),
        new("Subscription", "dw.FactSubscription", "SubscriptionId",
            ["SubscriptionId", "AccountId", "Product", "Plan", "StartDate", "EndDate", "Mrr", "OriginalMrr", "Currency", "Status", "ModifiedAt", "BatchId"]),
        new("Invoice", "dw.FactInvoice", "InvoiceId",
            ["InvoiceId", "AccountId", "SubscriptionId", "InvoiceDate", "DueDate", "PaidDate", "Amount", "OriginalAmount", "Currency", "Status", "ModifiedAt", "BatchId"]),
        new("SurveyResponse", "dw.FactSurveyAnswer", "ResponseId",
            ["ResponseId", "AccountId", "RespondedAt", "Question", "Answer", "AnswerNumeric", "ModifiedAt", "BatchId", "ContactId"],
            new() { ["AnswerNumeric"] = "try_cast(Answer AS DOUBLE)" }),
    ];

    /// <summary>The current table a staging table feeds, if any.</summary>
    public static CurrentTable? ForStaging(string staging) => CurrentTables.FirstOrDefault(t => t.Staging == staging);

    /// <summary>The batch's keys of <paramref name="t"/> that need the ranking merge (temp table, one per current table).</summary>
    public static string SlowKeys(CurrentTable t) => $"sm_slow_{t.Staging}";

    /// <summary>Creates the empty slow-key tables at the start of a batch.</summary>
    public static string CreateSlowKeys() => string.Join("\n", CurrentTables.Select(t =>
        $"CREATE OR REPLACE TEMP TABLE {SlowKeys(t)} AS SELECT {t.Key} FROM stg.{t.Staging} LIMIT 0;"));

    /// <summary>
    /// Before a file's accepted rows are staged (sm_prior): its keys that already have a version in staging, or
    /// that are on more than one of its lines (<c>repeated</c>). Their current row must be chosen among all their
    /// versions; every other key of the file is new, and its one version is its current row.
    /// </summary>
    public static string PriorKeys(CurrentTable t) => $"""
        CREATE OR REPLACE TEMP TABLE sm_prior AS
        SELECT {t.Key}, bool_or(repeated) AS repeated FROM (
            SELECT c.{t.Key}, TRUE AS repeated FROM {StagingSql.CheckedTable} c WHERE c._reason IS NULL GROUP BY c.{t.Key} HAVING count(*) > 1
            UNION ALL
            SELECT DISTINCT c.{t.Key}, FALSE FROM {StagingSql.CheckedTable} c SEMI JOIN stg.{t.Staging} s ON s.{t.Key} = c.{t.Key}
            WHERE c._reason IS NULL)
        GROUP BY {t.Key};
        """;

    /// <summary>True when a key of the file is on more than one line: staging then keeps each version's last line only.</summary>
    public const string AnyRepeated = "SELECT COALESCE(bool_or(repeated), FALSE) FROM sm_prior";

    /// <summary>
    /// After a file's rows are staged: the keys new to staging go straight to the current table (no ranking, no
    /// delete); the others (sm_prior) join the batch's slow keys for <see cref="RefreshCurrent"/>.
    /// </summary>
    public static string AfterStaging(CurrentTable t)
    {
        return $"""
            INSERT INTO {SlowKeys(t)} SELECT {t.Key} FROM sm_prior;
            INSERT INTO {t.Target} ({string.Join(", ", t.Columns)})
            SELECT {t.Select} FROM stg.{t.Staging} s
            ANTI JOIN sm_prior p ON p.{t.Key} = s.{t.Key}
            WHERE s.BatchId = $batch AND s.SourceFileId = $file AND NOT s.IsDeleted;
            """;
    }

    /// <summary>
    /// Replaces the current rows of the batch's slow keys (keys staged before, or duplicated in a file) by each
    /// key's newest version (ties: later batch, later line); a deleted newest version removes the key.
    /// </summary>
    public static string RefreshCurrent(CurrentTable t)
    {
        var slow = SlowKeys(t);
        return $"""
            CREATE OR REPLACE TEMP TABLE sm_keys AS SELECT DISTINCT {t.Key} FROM {slow};
            DELETE FROM {t.Target} t USING sm_keys k WHERE t.{t.Key} = k.{t.Key};
            INSERT INTO {t.Target} ({string.Join(", ", t.Columns)})
            SELECT {t.Select} FROM stg.{t.Staging} s
            SEMI JOIN sm_keys k ON k.{t.Key} = s.{t.Key}
            QUALIFY row_number() OVER (PARTITION BY s.{t.Key} ORDER BY ModifiedAt DESC, BatchId DESC, LineNumber DESC) = 1 AND NOT IsDeleted;
            DROP TABLE sm_keys; DROP TABLE {slow};
            """;
    }

    /// <summary>
    /// Type 2 on firmographics (Industry, Country, Region, EmployeeBand, AnnualRevenueBand): a new row starts
    /// when they change or the account comes back after a delete; a delete closes the open row. Name and CreatedAt
    /// are type 1 (the newest version's). Rows are recomputed from the whole history of each touched account, so a
    /// version that arrives late lands in its place; surrogate keys of unchanged periods are kept (a period whose
    /// firmographics a correction changed gets a new one).
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
          AND NOT EXISTS (SELECT 1 FROM sm_dim n WHERE n.AccountId = d.AccountId AND n.ValidFrom = d.ValidFrom
                          AND n.Industry IS NOT DISTINCT FROM d.Industry AND n.Country IS NOT DISTINCT FROM d.Country
                          AND n.Region IS NOT DISTINCT FROM d.Region AND n.EmployeeBand IS NOT DISTINCT FROM d.EmployeeBand
                          AND n.AnnualRevenueBand IS NOT DISTINCT FROM d.AnnualRevenueBand);

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

    /// <summary>
    /// The accounts whose derived rows (features, snapshots) a batch can change: every account with a version in
    /// the batch, and the account each touched contact or fact belonged to before the batch (a row that moves to
    /// another account changes both). Run before the merge.
    /// </summary>
    public static string Touched()
    {
        var parts = new List<string> { "SELECT AccountId FROM stg.Account WHERE BatchId = $batch" };
        foreach (var t in CurrentTables)
        {
            parts.Add($"SELECT AccountId FROM stg.{t.Staging} WHERE BatchId = $batch");
            parts.Add($"SELECT AccountId FROM {t.Target} WHERE {t.Key} IN (SELECT {t.Key} FROM stg.{t.Staging} WHERE BatchId = $batch)");
        }

        return "CREATE OR REPLACE TEMP TABLE sm_touched AS\n" + string.Join("\nUNION\n", parts) + ";";
    }

    /// <summary>
    /// True when a staging table that feeds a feature's "no source" null had no rows before this batch: the
    /// feature turns from null to a number for every customer, so the derived layers are rebuilt whole.
    /// </summary>
    public const string SourceAppeared = """
        SELECT bool_or(appeared) FROM (
            SELECT EXISTS (SELECT 1 FROM stg.Invoice WHERE BatchId = $batch) AND NOT EXISTS (SELECT 1 FROM stg.Invoice WHERE BatchId <> $batch) AS appeared
            UNION ALL SELECT EXISTS (SELECT 1 FROM stg.Subscription WHERE BatchId = $batch) AND NOT EXISTS (SELECT 1 FROM stg.Subscription WHERE BatchId <> $batch)
            UNION ALL SELECT EXISTS (SELECT 1 FROM stg.Opportunity WHERE BatchId = $batch) AND NOT EXISTS (SELECT 1 FROM stg.Opportunity WHERE BatchId <> $batch)
            UNION ALL SELECT EXISTS (SELECT 1 FROM stg.Activity WHERE BatchId = $batch) AND NOT EXISTS (SELECT 1 FROM stg.Activity WHERE BatchId <> $batch)
            UNION ALL SELECT EXISTS (SELECT 1 FROM stg.Contact WHERE BatchId = $batch) AND NOT EXISTS (SELECT 1 FROM stg.Contact WHERE BatchId <> $batch))
        """;
}
