using Microsoft.Data.SqlClient;
using Microsoft.SqlServer.TransactSql.ScriptDom;

namespace SegmentMiner.Warehouse.SqlServer;

/// <summary>
/// Analysts' read-only queries on the SQL Server warehouse (<c>segminer sql</c>). The text is parsed with ScriptDom
/// at SQL Server 2022's level before any connection: one SELECT (with or without WITH) is accepted; any other
/// statement, SELECT ... INTO, OPENROWSET, OPENQUERY, OPENDATASOURCE, NEXT VALUE FOR and locking hints are refused.
/// The query then runs inside a transaction that is rolled back. Grant the runtime login read access only, too.
/// </summary>
public static class SqlServerReadOnlyQuery
{
    private static readonly TableHintKind[] LockingHints =
        [TableHintKind.XLock, TableHintKind.UpdLock, TableHintKind.TabLockX, TableHintKind.HoldLock, TableHintKind.Serializable, TableHintKind.RepeatableRead];

    /// <summary>Throws a <see cref="WarehouseException"/> saying why, unless the text is one read-only SELECT.</summary>
    public static void Check(string sql)
    {
        var parser = new TSql160Parser(initialQuotedIdentifiers: true);
        var script = parser.Parse(new StringReader(sql), out var errors);
        if (errors.Count > 0)
        {
            var e = errors[0];
            throw new WarehouseException($"query rejected: line {e.Line}, column {e.Column}: {e.Message}");
        }

        var statements = ((TSqlScript)script).Batches.SelectMany(b => b.Statements).ToList();
        if (statements.Count != 1)
        {
            throw new WarehouseException(statements.Count == 0 ? "query rejected: there is no statement" : "only one statement may be run");
        }

        if (statements[0] is not SelectStatement select)
        {
            throw new WarehouseException($"only read-only queries (one SELECT, with or without WITH) are allowed; {Describe(statements[0])} is refused");
        }

        if (select.Into is not null)
        {
            throw new WarehouseException("SELECT ... INTO writes a table and is refused; only read-only queries are allowed");
        }

        var visitor = new Forbidden();
        select.Accept(visitor);
        if (visitor.Found is { } found)
        {
            throw new WarehouseException($"{found} is refused in 'segminer sql'; only read-only queries on the warehouse are allowed");
        }
    }

    public static async Task<QueryResult> RunAsync(SqlServerWarehouse warehouse, string sql, CancellationToken cancellationToken)
    {
        Check(sql);
        await warehouse.EnsureCurrentAsync(cancellationToken);
        await using var db = await warehouse.OpenAsync(cancellationToken);
        await using var tx = (SqlTransaction)await db.BeginTransactionAsync(System.Data.IsolationLevel.ReadCommitted, cancellationToken);
        try
        {
            await using var cmd = new SqlCommand(sql, db, tx) { CommandTimeout = warehouse.CommandTimeoutSeconds };
            await using var reader = await cmd.ExecuteReaderAsync(cancellationToken);
            return await ReadOnlyQuery.ReadAllAsync(reader, cancellationToken);
        }
        catch (SqlException ex)
        {
            throw new WarehouseException($"query failed: {ex.Message}", ex);
        }
        finally
        {
            await tx.RollbackAsync(CancellationToken.None);
        }
    }

    /// <summary>A statement's kind as a user writes it: INSERT, EXEC, WAITFOR, CREATE TABLE...</summary>
    private static string Describe(TSqlStatement statement)
    {
        var name = statement.GetType().Name;
        name = name.EndsWith("Statement", StringComparison.Ordinal) ? name[..^"Statement".Length] : name;
        var words = System.Text.RegularExpressions.Regex.Replace(name, "(?<=[a-z])(?=[A-Z])", " ").ToUpperInvariant();
        return words switch
        {
            "EXECUTE" => "EXEC",
            "WAIT FOR" => "WAITFOR",
            _ => words,
        };
    }

    private sealed class Forbidden : TSqlFragmentVisitor
    {
        public string? Found { get; private set; }

        public override void Visit(OpenRowsetTableReference node) => Found ??= "OPENROWSET";

        public override void Visit(BulkOpenRowset node) => Found ??= "OPENROWSET(BULK ...)";

        public override void Visit(OpenQueryTableReference node) => Found ??= "OPENQUERY";

        public override void Visit(AdHocTableReference node) => Found ??= "OPENDATASOURCE";

        public override void Visit(OpenXmlTableReference node) => Found ??= "OPENXML";

        public override void Visit(NextValueForExpression node) => Found ??= "NEXT VALUE FOR";

        public override void Visit(TableHint node)
        {
            if (LockingHints.Contains(node.HintKind))
            {
                Found ??= $"the locking hint {node.HintKind.ToString().ToUpperInvariant()}";
            }
        }
    }
}
