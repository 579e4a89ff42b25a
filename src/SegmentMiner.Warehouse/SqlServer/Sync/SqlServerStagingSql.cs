using System.Text;
using SegmentMiner.Core;

namespace SegmentMiner.Warehouse.SqlServer.Sync;

/// <summary>
/// The T-SQL of a sync batch's staging step on SQL Server, per entity of the contract. Rows arrive by bulk copy in
/// <c>#checked_&lt;entity&gt;</c>, typed and with the reason of every rule that needs no warehouse (the reader's checks,
/// shared with DuckDB); <see cref="Validate"/> then applies the rules that read the warehouse (unknown account, fx
/// rate) in one statement, after those, so each row keeps the reason DuckDB gives it. Only contract names enter the
/// text; values are parameters.
/// </summary>
internal static class SqlServerStagingSql
{
    /// <summary>Where a file's checked rows are bulk copied.</summary>
    public static string CheckedTable(EntitySpec spec) => "#checked_" + spec.StagingTable;

    /// <summary>Creates <see cref="CheckedTable"/>: line, the row as read (JSON), the typed columns, currency, rate, reason.</summary>
    public static string CreateChecked(EntitySpec spec)
    {
        var columns = new List<string> { "_line BIGINT NOT NULL", "_raw NVARCHAR(MAX) NULL" };
        columns.AddRange(spec.Columns.Select(c => $"{Q(c.Name)} {TypeOf(c)} NULL"));
        if (HasCurrency(spec))
        {
            columns.Add("_cur NVARCHAR(3) NULL");
            columns.Add("_rate DECIMAL(18,8) NULL");
        }

        columns.Add("_reason NVARCHAR(1000) NULL");
        return $"CREATE TABLE {CheckedTable(spec)} (\n    {string.Join(",\n    ", columns)}\n);";
    }

    /// <summary>The columns the bulk copy fills, in order (all but the rate, which <see cref="Validate"/> sets).</summary>
    public static IReadOnlyList<string> BulkColumns(EntitySpec spec) =>
        ["_line", "_raw", .. spec.Columns.Select(c => c.Name), .. HasCurrency(spec) ? new[] { "_cur" } : [], "_reason"];

    /// <summary>Lines the CSV reader could not split, bulk copied with their reason and text.</summary>
    public const string CreateMalformed = "CREATE TABLE #malformed (_line BIGINT NOT NULL, _reason NVARCHAR(1000) NOT NULL, _raw NVARCHAR(MAX) NULL);";

    /// <summary>Drops a file's work tables.</summary>
    public static string DropChecked(EntitySpec spec) => $"DROP TABLE {CheckedTable(spec)}; DROP TABLE #malformed;";

    /// <summary>
    /// The rules that read the warehouse, in one statement: every row a column refers to (the account, a contact, an
    /// opportunity) must be staged (this batch's included), and an amount in another currency needs a rate on or before its date (@reporting is
    /// Sync:ReportingCurrency). A row already rejected keeps its first reason. Null for entities with neither rule.
    /// </summary>
    public static string? Validate(EntitySpec spec)
    {
        var currency = HasCurrency(spec);
        if (spec.References.Count == 0 && !currency)
        {
            return null;
        }

        var reasons = new StringBuilder();
        foreach (var r in spec.References)
        {
            var v = "c." + Q(r.Column);
            reasons.Append($"\n        WHEN {v} IS NOT NULL AND NOT EXISTS (SELECT 1 FROM stg.{r.StagingTable} AS a WHERE a.{Q(r.Column)} = {v}) THEN N'unknown {r.Word} ' + {v}");
        }

        var sb = new StringBuilder("UPDATE c SET\n");
        if (currency)
        {
            var day = $"CAST(c.{Q(spec.FxDateColumn!)} AS DATE)";
            reasons.Append($"\n        WHEN c._cur <> @reporting AND fx.Rate IS NULL THEN N'no fx rate for ' + c._cur + N' on or before ' + CONVERT(NVARCHAR(10), {day}, 23)");
            sb.Append("    _rate = CASE WHEN c._cur = @reporting THEN 1 ELSE fx.Rate END,\n");
        }

        sb.Append("    _reason = COALESCE(c._reason, CASE").Append(reasons).Append("\n    END)\n");
        sb.Append("FROM ").Append(CheckedTable(spec)).Append(" AS c");
        if (currency)
        {
            sb.Append($"\nOUTER APPLY (SELECT TOP (1) f.Rate FROM stg.FxRate AS f WHERE f.Currency = c._cur AND f.RateDate <= CAST(c.{Q(spec.FxDateColumn!)} AS DATE) ORDER BY f.RateDate DESC) AS fx");
        }

        return sb.Append(';').ToString();
    }

    /// <summary>Rows read and rows rejected (malformed lines included), after <see cref="Validate"/>.</summary>
    public static string Counts(EntitySpec spec) => $"""
        SELECT (SELECT COUNT_BIG(*) FROM #malformed) + COUNT_BIG(*) AS RowsRead,
               (SELECT COUNT_BIG(*) FROM #malformed) + COUNT_BIG(CASE WHEN c._reason IS NOT NULL THEN 1 END) AS RowsRejected
        FROM {CheckedTable(spec)} AS c;
        """;

    /// <summary>The first rejections, for the message of a file over the rejection limit.</summary>
    public static string Samples(EntitySpec spec) => $"""
        SELECT TOP (5) r._line AS Line, r._reason AS Reason
        FROM (SELECT m._line, m._reason FROM #malformed AS m UNION ALL SELECT c._line, c._reason FROM {CheckedTable(spec)} AS c WHERE c._reason IS NOT NULL) AS r
        ORDER BY r._line;
        """;

    /// <summary>Malformed and rejected rows into ops.RejectedRow, with file, line, reason and the row as read.</summary>
    public static string InsertRejected(EntitySpec spec) => $"""
        INSERT INTO ops.RejectedRow (RejectedRowId, BatchId, SourceFileId, Entity, FileName, LineNumber, Reason, RawData)
        SELECT COALESCE((SELECT MAX(x.RejectedRowId) FROM ops.RejectedRow AS x), 0) + ROW_NUMBER() OVER (ORDER BY r._line),
               @batch, @file, @entity, @name, r._line, r._reason, r._raw
        FROM (SELECT m._line, m._reason, m._raw FROM #malformed AS m
              UNION ALL SELECT c._line, c._reason, c._raw FROM {CheckedTable(spec)} AS c WHERE c._reason IS NOT NULL) AS r;
        """;

    /// <summary>
    /// Corrections: a version (key and ModifiedAt) already staged whose content differs from this file's last line
    /// of it is recorded in ops.Correction (both contents' MD5) and removed from staging, so that
    /// <see cref="InsertAccepted"/> stages the new content. Null for fx rates (no versions).
    /// </summary>
    public static string? Corrections(EntitySpec spec)
    {
        if (!spec.HasModifiedAt)
        {
            return null;
        }

        var keys = spec.Key.Select(Q).ToList();
        string RowKey(string alias) => keys.Count == 1 ? $"{alias}.{keys[0]}" : "CONCAT(" + string.Join(", N'|', ", keys.Select(k => $"{alias}.{k}")) + ")";
        var on = string.Join(" AND ", keys.Select(k => $"s.{k} = c.{k}"));
        var compared = Compared(spec);
        string Hash(string alias, Func<(string Staged, string New), string> pick) =>
            "LOWER(CONVERT(NVARCHAR(32), HASHBYTES('MD5', CONCAT(" +
            string.Join(", NCHAR(31), ", compared.Select(c => $"COALESCE(CONVERT(NVARCHAR(4000), {pick(c).Replace("§", alias, StringComparison.Ordinal)}, 126), NCHAR(30))")) +
            ")), 2))";
        return $"""
            INSERT INTO ops.Correction (CorrectionId, BatchId, SourceFileId, Entity, FileName, LineNumber, RowKey, ModifiedAt, PreviousBatchId, PreviousHash, NewHash)
            SELECT COALESCE((SELECT MAX(x.CorrectionId) FROM ops.Correction AS x), 0) + ROW_NUMBER() OVER (ORDER BY q._line),
                   @batch, @file, @entity, @name, q._line, q._key, q.ModifiedAt, q._prev_batch, q._prev_hash, q._new_hash
            FROM (
                SELECT c._line, {RowKey("c")} AS _key, c.ModifiedAt, s.BatchId AS _prev_batch,
                       {Hash("s", c => c.Staged)} AS _prev_hash, {Hash("c", c => c.New)} AS _new_hash,
                       ROW_NUMBER() OVER (PARTITION BY {string.Join(", ", keys.Select(k => "c." + k))}, c.ModifiedAt ORDER BY c._line DESC) AS _rn
                FROM {CheckedTable(spec)} AS c JOIN stg.{spec.StagingTable} AS s ON {on} AND s.ModifiedAt = c.ModifiedAt
                WHERE c._reason IS NULL) AS q
            WHERE q._rn = 1 AND q._prev_hash <> q._new_hash;
            DELETE s FROM stg.{spec.StagingTable} AS s
            JOIN ops.Correction AS k ON k.BatchId = @batch AND k.SourceFileId = @file AND k.RowKey = {RowKey("s")} AND k.ModifiedAt = s.ModifiedAt;
            SELECT COUNT_BIG(*) FROM ops.Correction AS k WHERE k.BatchId = @batch AND k.SourceFileId = @file;
            """;
    }

    /// <summary>
    /// Stages the accepted rows: a version already staged is skipped, and within the file the last line of a
    /// duplicated version wins. Money is converted into the reporting currency (exact, rounded once to four
    /// decimals), the original kept. fx rates are replaced (the later file wins). Returns the rows inserted.
    /// </summary>
    public static string InsertAccepted(EntitySpec spec)
    {
        var target = "stg." + spec.StagingTable;
        var cols = new List<string>();
        var exprs = new List<string>();
        foreach (var c in spec.Columns)
        {
            cols.Add(spec == SourceEntities.FxRates && c.Name == "Date" ? "RateDate" : Q(c.Name));
            exprs.Add(Staged(spec, c, "c"));
            if (spec.MoneyColumns.Contains(c.Name))
            {
                cols.Add("Original" + c.Name);
                exprs.Add($"CAST(c.{Q(c.Name)} AS DECIMAL(38,4))");
            }
        }

        cols.AddRange(["BatchId", "SourceFileId", "LineNumber"]);
        exprs.AddRange(["@batch", "@file", "c._line"]);
        var versionKey = (spec.HasModifiedAt ? spec.Key.Append("ModifiedAt") : spec.Key).Select(Q).ToList();
        var inner = string.Join(", ", new[] { "_line" }.Concat(spec.Columns.Select(c => Q(c.Name))).Concat(HasCurrency(spec) ? ["_cur", "_rate"] : []));
        var sb = new StringBuilder();
        if (spec == SourceEntities.FxRates)
        {
            sb.Append("DELETE f FROM stg.FxRate AS f JOIN ").Append(CheckedTable(spec))
              .Append(" AS c ON c._reason IS NULL AND f.Currency = c.Currency AND f.RateDate = c.[Date];\n");
        }

        sb.Append($"INSERT INTO {target} ({string.Join(", ", cols)})\nSELECT {string.Join(", ", exprs)}\n")
          .Append($"FROM (SELECT {inner}, ROW_NUMBER() OVER (PARTITION BY {string.Join(", ", versionKey)} ORDER BY _line DESC) AS _rn\n")
          .Append($"      FROM {CheckedTable(spec)} WHERE _reason IS NULL) AS c\nWHERE c._rn = 1");
        if (spec.HasModifiedAt)
        {
            sb.Append($"\n  AND NOT EXISTS (SELECT 1 FROM {target} AS s WHERE {string.Join(" AND ", versionKey.Select(k => $"s.{k} = c.{k}"))})");
        }

        return sb.Append(';').ToString();
    }

    /// <summary>The staged value of a checked column (alias <paramref name="a"/>).</summary>
    private static string Staged(EntitySpec spec, ColumnSpec c, string a)
    {
        var q = $"{a}.{Q(c.Name)}";
        if (spec.MoneyColumns.Contains(c.Name))
        {
            return $"CASE WHEN {a}._rate = 1 THEN CAST({q} AS DECIMAL(38,4)) ELSE CAST(ROUND(CAST({q} AS DECIMAL(18,4)) * CAST({a}._rate AS DECIMAL(18,8)), 4) AS DECIMAL(38,4)) END";
        }

        return c.Name switch
        {
            "Currency" when HasCurrency(spec) => $"{a}._cur",
            "IsDeleted" => $"COALESCE({q}, 0)",
            _ => q,
        };
    }

    /// <summary>The staged column and the checked row's value (§ the alias) that a correction compares.</summary>
    private static List<(string Staged, string New)> Compared(EntitySpec spec) =>
        spec.Columns.Select(c => spec.MoneyColumns.Contains(c.Name)
                ? ($"§.Original{c.Name}", $"CAST(§.{Q(c.Name)} AS DECIMAL(38,4))")
                : c.Name switch
                {
                    "Currency" when HasCurrency(spec) => ("§.Currency", "§._cur"),
                    "IsDeleted" => ("§.IsDeleted", "COALESCE(§.IsDeleted, 0)"),
                    _ => ($"§.{Q(c.Name)}", $"§.{Q(c.Name)}"),
                })
            .ToList();

    /// <summary>The T-SQL type a checked column holds (the staging column's, text as NVARCHAR(4000)).</summary>
    private static string TypeOf(ColumnSpec c) => c.Type switch
    {
        SourceValueType.Date => "DATE",
        SourceValueType.Timestamp => "DATETIME2(6)",
        SourceValueType.Decimal when c.Name == "Rate" => "DECIMAL(18,8)",
        SourceValueType.Decimal => "DECIMAL(18,4)",
        SourceValueType.Boolean => "BIT",
        _ => "NVARCHAR(4000)",
    };

    public static bool HasCurrency(EntitySpec spec) => spec.Columns.Any(c => c.Name == "Currency") && spec.MoneyColumns.Count > 0;

    private static string Q(string name) => Identifiers.QuoteBracket(name);
}
