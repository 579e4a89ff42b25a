using System.Globalization;
using System.Text;
using SegmentMiner.Core;

namespace SegmentMiner.Warehouse.Sync;

/// <summary>
/// Generates the set-based DuckDB SQL that turns a raw, all-text table into typed, checked rows: every
/// contract rule (missing key, missing or unparsable value, unknown enumerated value, unknown account, missing fx
/// rate) becomes one branch of a CASE that yields the rejection reason. Only contract constants and quoted column
/// headers enter the text; values never do.
/// </summary>
internal static class StagingSql
{
    public const string CheckedTable = "sm_checked";

    private const string TimestampPattern = @"\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?)?(Z|[+-](0\d|1[0-4])(:?[0-5]\d)?)?";
    // Money is DECIMAL(18,4) (14 integer digits), rates DECIMAL(18,8); wider decimals cast from text ~80x slower.
    private const string DecimalPattern = @"-?\d{1,14}(\.\d+)?";
    private const string RatePattern = @"\d{1,10}(\.\d+)?";

    /// <summary>
    /// SQL creating <see cref="CheckedTable"/> from <paramref name="rawTable"/>, whose rowid is the row's position in its file.
    /// </summary>
    /// <param name="headers">Contract column to the raw table's column, for the columns the file has.</param>
    /// <param name="lineOffset">Added to the raw row number to give the file line (2 for CSV with its header).</param>
    /// <param name="malformedLines">
    /// The CSV lines the reader set aside as malformed, with the count of good rows before each (<c>gap</c>); a good
    /// row's line is its position plus the offset plus the malformed lines before it.
    /// </param>
    /// <param name="warehouseChecks">
    /// False where the warehouse is elsewhere (SQL Server): the rules that read it (unknown account, no fx rate, and
    /// the rate itself) are left to the warehouse, which applies them after these, so a row's reason is the same.
    /// </param>
    public static string Check(
        string rawTable, EntitySpec spec, IReadOnlyDictionary<string, string> headers, int lineOffset, string reportingCurrency, string? malformedLines = null,
        bool warehouseChecks = true, string? lineShifts = null)
    {
        var sb = new StringBuilder();
        var offset = lineOffset.ToString(CultureInfo.InvariantCulture);
        sb.Append("CREATE OR REPLACE TEMP TABLE ").Append(CheckedTable).Append(" AS\nWITH v AS (SELECT ");
        var recordLine = malformedLines is null ? $"r.rowid + {offset}" : $"r.rowid + {offset} + COALESCE(g.skipped, 0)";
        sb.Append(lineShifts is null ? recordLine : $"{recordLine} + COALESCE(sh.extra, 0)").Append(" AS _line, r.rowid AS _rowid");
        foreach (var c in spec.Columns)
        {
            sb.Append(",\n  ");
            if (headers.TryGetValue(c.Name, out var h))
            {
                sb.Append("NULLIF(CAST(r.").Append(Identifiers.QuoteAnsi(h)).Append(" AS VARCHAR), '')");
            }
            else
            {
                sb.Append("CAST(NULL AS VARCHAR)");
            }

            sb.Append(" AS ").Append(Identifiers.QuoteAnsi("s_" + c.Name));
        }

        sb.Append("\n FROM ").Append(rawTable).Append(" r");
        if (malformedLines is not null)
        {
            sb.Append("\n ASOF LEFT JOIN (SELECT gap, max(skipped) AS skipped FROM ").Append(malformedLines).Append(" WHERE gap IS NOT NULL GROUP BY gap) g ON r.rowid >= g.gap");
        }

        if (lineShifts is not null)
        {
            // A record that spans lines moves every later record down the file: its line is the record's plus the shift.
            sb.Append("\n ASOF LEFT JOIN ").Append(lineShifts).Append(" sh ON ").Append(recordLine).Append(" >= sh.record_line");
        }

        sb.Append("),\nt AS (SELECT v.*");
        foreach (var c in spec.Columns)
        {
            sb.Append(",\n  ").Append(Typed(c, S(c.Name))).Append(" AS ").Append(Identifiers.QuoteAnsi(c.Name));
        }

        var hasCurrency = spec.Columns.Any(c => c.Name == "Currency") && spec.MoneyColumns.Count > 0;
        var joinFx = hasCurrency && warehouseChecks;
        if (hasCurrency)
        {
            sb.Append(",\n  COALESCE(").Append(Identifiers.QuoteAnsi("s_Currency")).Append(", ").Append(Literal(reportingCurrency)).Append(") AS _cur");
        }

        // Keep only what staging and the rejection log need: the typed values, the line, the reason.
        sb.Append("\n FROM v)\nSELECT t._line, t._rowid");
        foreach (var c in spec.Columns)
        {
            sb.Append(", t.").Append(Identifiers.QuoteAnsi(c.Name));
        }

        if (hasCurrency)
        {
            sb.Append(", t._cur");
        }

        if (joinFx)
        {
            sb.Append(", CASE WHEN t._cur = ").Append(Literal(reportingCurrency)).Append(" THEN 1 ELSE fx.Rate END AS _rate");
        }

        sb.Append(",\n  CASE");
        foreach (var k in spec.Key)
        {
            sb.Append("\n    WHEN ").Append(S(k)).Append(" IS NULL THEN 'missing key ").Append(k).Append('\'');
        }

        foreach (var c in spec.Columns.Where(c => c.Required && !spec.Key.Contains(c.Name)))
        {
            sb.Append("\n    WHEN ").Append(S(c.Name)).Append(" IS NULL THEN 'missing required value ").Append(c.Name).Append('\'');
        }

        foreach (var c in spec.Columns.Where(c => c.Type != SourceValueType.Text))
        {
            sb.Append("\n    WHEN ").Append(S(c.Name)).Append(" IS NOT NULL AND ").Append(Identifiers.QuoteAnsi(c.Name))
              .Append(" IS NULL THEN 'unparsable ").Append(TypeWord(c.Type)).Append(" in ").Append(c.Name).Append(": ' || left(")
              .Append(S(c.Name)).Append(", 100)");
        }

        foreach (var c in spec.Columns.Where(c => c.Allowed is not null))
        {
            sb.Append("\n    WHEN ").Append(S(c.Name)).Append(" IS NOT NULL AND ").Append(S(c.Name)).Append(" NOT IN (")
              .Append(string.Join(", ", c.Allowed!.Select(Literal))).Append(") THEN 'unknown ").Append(c.Name).Append(" value: ' || left(")
              .Append(S(c.Name)).Append(", 100)");
        }

        if (spec.Columns.Any(c => c.Name == "Currency"))
        {
            sb.Append("\n    WHEN ").Append(S("Currency")).Append(" IS NOT NULL AND NOT regexp_full_match(").Append(S("Currency"))
              .Append(", '[A-Z]{3}') THEN 'unparsable currency code in Currency: ' || left(").Append(S("Currency")).Append(", 100)");
        }

        if (spec == SourceEntities.FxRates)
        {
            sb.Append("\n    WHEN \"Rate\" <= 0 THEN 'Rate must be positive'");
        }

        foreach (var r in warehouseChecks ? spec.References : [])
        {
            var v = "t." + Identifiers.QuoteAnsi(r.Column);
            sb.Append("\n    WHEN ").Append(v).Append(" IS NOT NULL AND ").Append(v).Append(" NOT IN (SELECT ").Append(r.Column).Append(" FROM stg.")
              .Append(r.StagingTable).Append(") THEN 'unknown ").Append(r.Word).Append(" ' || ").Append(v);
        }

        if (joinFx)
        {
            sb.Append("\n    WHEN t._cur <> ").Append(Literal(reportingCurrency)).Append(" AND fx.Rate IS NULL THEN 'no fx rate for ' || t._cur || ' on or before ' || CAST(CAST(t.")
              .Append(Identifiers.QuoteAnsi(spec.FxDateColumn!)).Append(" AS DATE) AS VARCHAR)");
        }

        sb.Append("\n  END AS _reason\nFROM t");
        if (joinFx)
        {
            // The as-of join runs on the file's distinct (currency, day) pairs, then a hash join spreads the rate:
            // three times faster than an as-of join over every row.
            // The pairs come from the raw table itself, so that t is used once and DuckDB streams it instead of
            // materializing it.
            var day = $"CAST(t.{Identifiers.QuoteAnsi(spec.FxDateColumn!)} AS DATE)";
            var rawDay = headers.TryGetValue(spec.FxDateColumn!, out var dh)
                ? $"CAST({Typed(spec.Column(spec.FxDateColumn!), $"NULLIF(CAST(f.{Identifiers.QuoteAnsi(dh)} AS VARCHAR), '')")} AS DATE)"
                : "CAST(NULL AS DATE)";
            var rawCurrency = headers.TryGetValue("Currency", out var ch)
                ? $"COALESCE(NULLIF(CAST(f.{Identifiers.QuoteAnsi(ch)} AS VARCHAR), ''), {Literal(reportingCurrency)})"
                : Literal(reportingCurrency);
            sb.Append("\nLEFT JOIN (SELECT p.cur, p.d, f.Rate FROM (SELECT DISTINCT ").Append(rawCurrency).Append(" AS cur, ").Append(rawDay)
              .Append(" AS d FROM ").Append(rawTable).Append(" f) p ASOF LEFT JOIN stg.FxRate f ON f.Currency = p.cur AND p.d >= f.RateDate) fx ON fx.cur = t._cur AND fx.d = ")
              .Append(day);
        }

        return sb.ToString();
    }

    /// <summary>
    /// Inserts the checked, accepted rows into the staging history. A version (key and ModifiedAt) already there is
    /// skipped; within one file the last line of a duplicated version wins. fx rates are replaced (later file wins).
    /// </summary>
    /// <param name="deduplicate">
    /// False when the file holds each version once (<see cref="HasDuplicateVersions"/>): the window that picks a
    /// duplicated version's last line is skipped, and the insert streams.
    /// </param>
    public static string InsertAccepted(EntitySpec spec, bool deduplicate = true)
    {
        var target = "stg." + spec.StagingTable;
        var cols = new List<string>();
        var exprs = new List<string>();
        foreach (var c in spec.Columns)
        {
            var name = spec == SourceEntities.FxRates && c.Name == "Date" ? "RateDate" : c.Name;
            cols.Add(name);
            if (spec.MoneyColumns.Contains(c.Name))
            {
                // Exact: the source's amount as it is (four decimals), converted only when its currency is not the
                // reporting one (a DECIMAL(38,4) x DECIMAL(38,8) product, rounded once to four decimals: DuckDB keeps
                // the product of two DECIMAL(18) in 64 bits, where the largest amount at the largest rate overflows).
                var q = Identifiers.QuoteAnsi(c.Name);
                exprs.Add($"CASE WHEN _rate = 1 THEN CAST({q} AS DECIMAL(38,4)) ELSE CAST(round(CAST({q} AS DECIMAL(38,4)) * CAST(_rate AS DECIMAL(38,8)), 4) AS DECIMAL(38,4)) END");
                cols.Add("Original" + c.Name);
                exprs.Add($"CAST({q} AS DECIMAL(38,4))");
            }
            else if (c.Name == "Currency" && spec.MoneyColumns.Count > 0)
            {
                exprs.Add("_cur");
            }
            else if (c.Name == "IsDeleted")
            {
                exprs.Add("COALESCE(\"IsDeleted\", FALSE)");
            }
            else
            {
                exprs.Add(Identifiers.QuoteAnsi(c.Name));
            }
        }

        cols.AddRange(["BatchId", "SourceFileId", "LineNumber"]);
        exprs.AddRange(["$batch", "$file", "_line"]);
        var partition = string.Join(", ", (spec.HasModifiedAt ? spec.Key.Append("ModifiedAt") : spec.Key).Select(Identifiers.QuoteAnsi));
        var sb = new StringBuilder();
        if (spec == SourceEntities.FxRates)
        {
            sb.Append("DELETE FROM stg.FxRate f USING ").Append(CheckedTable)
              .Append(" c WHERE c._reason IS NULL AND f.Currency = c.\"Currency\" AND f.RateDate = c.\"Date\";\n");
        }

        sb.Append("INSERT INTO ").Append(target).Append(" (").Append(string.Join(", ", cols)).Append(")\nSELECT ")
          .Append(string.Join(", ", exprs)).Append("\nFROM ").Append(CheckedTable).Append(" c\nWHERE _reason IS NULL");
        if (spec.HasModifiedAt)
        {
            sb.Append("\n  AND NOT EXISTS (SELECT 1 FROM ").Append(target).Append(" s WHERE ")
              .Append(string.Join(" AND ", spec.Key.Append("ModifiedAt").Select(k => $"s.{k} = c.{Identifiers.QuoteAnsi(k)}"))).Append(')');
        }

        if (deduplicate)
        {
            sb.Append("\nQUALIFY row_number() OVER (PARTITION BY ").Append(partition).Append(" ORDER BY _line DESC) = 1");
        }

        return sb.ToString();
    }

    /// <summary>
    /// Finds the corrections among the checked rows: a version (key and ModifiedAt) already staged whose content
    /// (the source's values, before currency conversion) differs from the last line of that version in this file.
    /// Each is recorded in ops.Correction with both contents' hashes and removed from staging, so that
    /// <see cref="InsertAccepted"/> stages the new content as the version. Hashes are computed only for the rows
    /// that match a staged version.
    /// </summary>
    public static string Corrections(EntitySpec spec)
    {
        var target = "stg." + spec.StagingTable;
        var compared = Compared(spec);
        string Hash(string alias, Func<(string Staged, string New), string> pick) =>
            "md5(concat_ws(chr(31), " + string.Join(", ", compared.Select(c => $"COALESCE(CAST({pick(c).Replace("§", alias, StringComparison.Ordinal)} AS VARCHAR), chr(30))")) + "))";
        var keys = spec.Key.Append("ModifiedAt").Select(Identifiers.QuoteAnsi).ToList();
        var on = string.Join(" AND ", keys.Select(k => $"s.{k} = c.{k}"));
        var rowKey = string.Join(" || '|' || ", spec.Key.Select(k => $"CAST(c.{Identifiers.QuoteAnsi(k)} AS VARCHAR)"));
        return $"""
            CREATE OR REPLACE TEMP TABLE sm_corr AS
            SELECT * FROM (
                SELECT {string.Join(", ", keys.Select(k => "c." + k))}, c._line, {rowKey} AS _key, s.BatchId AS _prev_batch,
                       {Hash("s", c => c.Staged)} AS _prev_hash, {Hash("c", c => c.New)} AS _new_hash
                FROM {CheckedTable} c JOIN {target} s ON {on}
                WHERE c._reason IS NULL
                QUALIFY row_number() OVER (PARTITION BY {string.Join(", ", keys.Select(k => "c." + k))} ORDER BY c._line DESC) = 1)
            WHERE _prev_hash <> _new_hash;
            INSERT INTO ops.Correction
            SELECT COALESCE((SELECT max(CorrectionId) FROM ops.Correction), 0) + row_number() OVER (ORDER BY _line),
                   $batch, $file, $entity, $name, _line, _key, "ModifiedAt", _prev_batch, _prev_hash, _new_hash
            FROM sm_corr;
            DELETE FROM {target} s USING sm_corr c WHERE {on};
            """;
    }

    /// <summary>The staged column and the checked row's expression for it (§ the table alias) that a correction compares.</summary>
    private static List<(string Staged, string New)> Compared(EntitySpec spec)
    {
        var list = new List<(string, string)>();
        foreach (var c in spec.Columns)
        {
            var q = Identifiers.QuoteAnsi(c.Name);
            if (spec.MoneyColumns.Contains(c.Name))
            {
                list.Add(($"§.Original{c.Name}", $"CAST(§.{q} AS DECIMAL(38,4))"));
            }
            else if (c.Name == "Currency" && spec.MoneyColumns.Count > 0)
            {
                list.Add(("§.Currency", "§._cur"));
            }
            else if (c.Name == "IsDeleted")
            {
                list.Add(("§.IsDeleted", "COALESCE(§.\"IsDeleted\", FALSE)"));
            }
            else
            {
                list.Add(($"§.{q}", $"§.{q}"));
            }
        }

        return list;
    }

    /// <summary>True (one row) when some version (key and ModifiedAt) is on more than one accepted line of the checked rows.</summary>
    public static string HasDuplicateVersions(EntitySpec spec)
    {
        var keys = string.Join(", ", (spec.HasModifiedAt ? spec.Key.Append("ModifiedAt") : spec.Key).Select(Identifiers.QuoteAnsi));
        return $"SELECT EXISTS (SELECT 1 FROM {CheckedTable} WHERE _reason IS NULL GROUP BY {keys} HAVING count(*) > 1)";
    }

    /// <summary>Rejected rows with file, line, reason and the row as it was read (JSON of the raw fields).</summary>
    public static string InsertRejected(string rawTable) => $"""
        INSERT INTO ops.RejectedRow (RejectedRowId, BatchId, SourceFileId, Entity, FileName, LineNumber, Reason, RawData)
        SELECT COALESCE((SELECT max(RejectedRowId) FROM ops.RejectedRow), 0) + row_number() OVER (ORDER BY c._line),
               $batch, $file, $entity, $name, c._line, c._reason, left(CAST(to_json(r) AS VARCHAR), 8000)
        FROM {CheckedTable} c JOIN {rawTable} r ON r.rowid = c._rowid
        WHERE c._reason IS NOT NULL
        """;

    /// <summary>Lines the CSV reader could not split into the header's columns, kept as they were read.</summary>
    public static string InsertMalformed(string malformedLines) => $"""
        INSERT INTO ops.RejectedRow (RejectedRowId, BatchId, SourceFileId, Entity, FileName, LineNumber, Reason, RawData)
        SELECT COALESCE((SELECT max(RejectedRowId) FROM ops.RejectedRow), 0) + row_number() OVER (ORDER BY line),
               $batch, $file, $entity, $name, line, 'malformed CSV row: ' || error_message, left(csv_line, 8000)
        FROM {malformedLines}
        """;

    private static string S(string column) => Identifiers.QuoteAnsi("s_" + column);

    /// <summary>
    /// The contract's formats. DuckDB's casts are lenient (they take 2026/1/5, 1e3, 1_000, year 0000, an offset of
    /// +25:00), so a cheap shape check or a pattern comes first: years 0001 to 9999, offsets -14:59 to +14:59.
    /// </summary>
    private static string Typed(ColumnSpec c, string s)
    {
        return c.Type switch
        {
            SourceValueType.Text => s,
            SourceValueType.Date => $"CASE WHEN length({s}) = 10 AND {s}[5] = '-' AND {s}[8] = '-' AND {s}[1:4] <> '0000' THEN try_cast({s} AS DATE) END",
            SourceValueType.Timestamp => $"CASE WHEN regexp_full_match({s}, '{TimestampPattern}') AND {s}[1:4] <> '0000' THEN CAST(try_cast({s} AS TIMESTAMPTZ) AS TIMESTAMP) END",
            SourceValueType.Decimal when c.Name == "Rate" => $"CASE WHEN regexp_full_match({s}, '{RatePattern}') THEN try_cast({s} AS DECIMAL(18,8)) END",
            SourceValueType.Decimal => $"CASE WHEN regexp_full_match({s}, '{DecimalPattern}') THEN try_cast({s} AS DECIMAL(18,4)) END",
            SourceValueType.Boolean => $"CASE lower({s}) WHEN '1' THEN TRUE WHEN 'true' THEN TRUE WHEN '0' THEN FALSE WHEN 'false' THEN FALSE END",
            _ => throw new ArgumentOutOfRangeException(nameof(c)),
        };
    }

    private static string TypeWord(SourceValueType t) => t switch
    {
        SourceValueType.Date => "date (yyyy-MM-dd)",
        SourceValueType.Timestamp => "timestamp (ISO 8601)",
        SourceValueType.Decimal => "decimal",
        SourceValueType.Boolean => "boolean (0/1/true/false)",
        _ => "value",
    };

    private static string Literal(string s) => Core.Identifiers.QuoteString(s);
}

/// <summary>SQL text helpers for values the program itself puts into statements (paths, names).</summary>
internal static class Sql
{
    public static string Literal(string s) => Core.Identifiers.QuoteString(s);
}
