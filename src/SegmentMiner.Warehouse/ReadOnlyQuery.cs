using System.Text.Json;
using Dapper;
using DuckDB.NET.Data;
using SegmentMiner.Warehouse.DuckDb;

namespace SegmentMiner.Warehouse;

/// <summary>A query result: column names and rows of invariant CLR values (null for SQL NULL).</summary>
public sealed record QueryResult(IReadOnlyList<string> Columns, IReadOnlyList<object?[]> Rows);

/// <summary>
/// Analysts' read-only queries. The warehouse is opened read-only with external access switched off (no file
/// reads or writes from SQL), and only a single SELECT (or DESCRIBE, SHOW, SUMMARIZE) statement is accepted:
/// anything that writes is refused before it runs.
/// </summary>
public static class ReadOnlyQuery
{
    private static readonly string[] Inspection = ["DESCRIBE", "SHOW", "SUMMARIZE"];

    public static async Task<QueryResult> RunAsync(DuckDbWarehouse warehouse, string sql, CancellationToken cancellationToken = default)
    {
        await using var db = await warehouse.OpenReadOnlyAsync(cancellationToken);
        await db.ExecuteAsync(new CommandDefinition("SET enable_external_access = false; SET lock_configuration = true;", cancellationToken: cancellationToken));
        EnsureReadOnly(db, sql);
        await using var cmd = db.CreateCommand();
        cmd.CommandText = sql;
        try
        {
            await using var reader = await cmd.ExecuteReaderAsync(cancellationToken);
            return await ReadAllAsync(reader, cancellationToken);
        }
        catch (DuckDBException ex)
        {
            throw new WarehouseException($"query failed: {ex.Message}", ex);
        }
    }

    /// <summary>Every row of a reader, with its column names (SQL NULL as null).</summary>
    public static async Task<QueryResult> ReadAllAsync(System.Data.Common.DbDataReader reader, CancellationToken cancellationToken)
    {
        var columns = Enumerable.Range(0, reader.FieldCount).Select(reader.GetName).ToList();
        var rows = new List<object?[]>();
        while (await reader.ReadAsync(cancellationToken))
        {
            var row = new object?[reader.FieldCount];
            for (var i = 0; i < row.Length; i++)
            {
                row[i] = reader.IsDBNull(i) ? null : reader.GetValue(i);
            }

            rows.Add(row);
        }

        return new QueryResult(columns, rows);
    }

    private static void EnsureReadOnly(DuckDBConnection db, string sql)
    {
        var trimmed = sql.Trim().TrimEnd(';').Trim();
        var first = trimmed.Split((char[])[' ', '\n', '\r', '\t', '('], 2, StringSplitOptions.RemoveEmptyEntries).FirstOrDefault() ?? "";
        if (Inspection.Contains(first, StringComparer.OrdinalIgnoreCase))
        {
            if (trimmed.Contains(';', StringComparison.Ordinal))
            {
                throw new WarehouseException("only one statement may be run");
            }

            return;
        }

        // DuckDB's own parser decides: json_serialize_sql accepts only SELECT statements.
        var json = db.ExecuteScalar<string>("SELECT CAST(json_serialize_sql(CAST($q AS VARCHAR)) AS VARCHAR)", new { q = sql });
        using var doc = JsonDocument.Parse(json ?? "{}");
        var root = doc.RootElement;
        if (root.TryGetProperty("error", out var error) && error.GetBoolean())
        {
            var message = root.TryGetProperty("error_message", out var m) ? m.GetString() : "";
            var kind = root.TryGetProperty("error_type", out var t) ? t.GetString() : "";
            throw new WarehouseException(kind == "not implemented" || (message ?? "").Contains("Only SELECT", StringComparison.OrdinalIgnoreCase)
                ? "only read-only queries (SELECT, WITH ... SELECT, DESCRIBE, SHOW, SUMMARIZE) are allowed; statements that write are refused"
                : $"query rejected: {message}");
        }

        if (root.TryGetProperty("statements", out var statements) && statements.GetArrayLength() != 1)
        {
            throw new WarehouseException("only one statement may be run");
        }
    }
}
