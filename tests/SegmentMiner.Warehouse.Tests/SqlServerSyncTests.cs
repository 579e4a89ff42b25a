using System.Data.Common;
using Microsoft.Extensions.Logging.Abstractions;
using SegmentMiner.Warehouse.Demo;
using SegmentMiner.Warehouse.SqlServer.Sync;

namespace SegmentMiner.Warehouse.Tests;

/// <summary>
/// A sync batch into SQL Server, recorded instead of run (no server here): real source files are read, checked and
/// bulk copied; every statement the batch sends is recorded in order, with its transaction, the way DbUp pins its
/// transaction scenarios. The T-SQL itself is parsed and bound by <see cref="TSqlBindingTests"/>.
/// </summary>
[TestFixture]
public sealed class SqlServerSyncTests
{
    private static readonly DateOnly AsOf = new(2026, 11, 15);

    [Test]
    public async Task ABatch_BulkLoadsValidatesMergesAndDerives_InOneTransaction_UnderTheApplicationLock_InThatOrder()
    {
        using var w = new TestWarehouse();
        var demo = new DemoGenerator(new DemoRequest(60, 5, AsOf, Months: 6, BadRows: 6)).Write(w.Folder.Sources, w.Folder.TruthFile);
        var (connection, log, bulk) = Recording(_ => null);

        var result = await new SqlServerSyncBatch(connection, bulk, w.Options, w.Folder, NullLogger.Instance, "the recorded warehouse").RunAsync(AsOf, false, default);

        Assert.That(result.BatchId, Is.EqualTo(1), "the first batch of an empty warehouse");
        Assert.That(log.Count(l => l == "begin transaction"), Is.EqualTo(1), "one transaction");
        Assert.That(log[^1], Is.EqualTo("commit"));
        var inside = log.Skip(log.IndexOf("begin transaction") + 1).SkipLast(1).ToList();
        Assert.That(inside, Has.All.Contains("(in transaction)"), "every statement and bulk copy inside the batch's transaction");
        Assert.That(inside[0], Does.Contain("sp_getapplock @Resource = N'SegmentMiner.sync'"), "the application lock first");

        int First(params string[] texts) => inside.FindIndex(l => texts.All(t => l.Contains(t, StringComparison.Ordinal)));
        int Last(string text) => inside.FindLastIndex(l => l.Contains(text, StringComparison.Ordinal));
        var order = new[]
        {
            First("INSERT INTO ops.Batch"), First("bulk copy (in transaction): #checked_Account"), First("INSERT INTO stg.Account"),
            First("bulk copy (in transaction): #checked_Invoice"), First("UPDATE c SET", "FROM #checked_Invoice AS c"), First("INSERT INTO stg.Invoice"),
            Last("INSERT INTO stg."), First("INSERT INTO #touched"), First("INSERT INTO dw.DimCustomer"), First("MERGE dw.FactInvoice"),
            First("INSERT INTO dw.CustomerFeatures"), First("INSERT INTO dw.CustomerMonthlySnapshot"), First("UPDATE ops.Batch SET Status = N'Committed'"),
        };
        Assert.That(order, Has.All.GreaterThanOrEqualTo(0), string.Join("\n", inside.Select(l => l[..Math.Min(l.Length, 120)])));
        Assert.That(order, Is.Ordered.Ascending, "lock, batch, per file: bulk copy, validation, staging; then touched, dimension, merges, features, snapshots, commit");

        // Every row of every file was bulk copied: good and bad ones to #checked, malformed lines to #malformed.
        Assert.That(bulk.Copies.Sum(c => c.Rows.Count), Is.EqualTo(demo.Files.Sum(f => f.Rows)));
        Assert.That(bulk.Copies.Where(c => c.Table.StartsWith("#checked_", StringComparison.Ordinal)).Select(c => c.Table).Distinct(),
            Is.EquivalentTo(Core.SourceEntities.InLoadOrder.Where(e => Directory.EnumerateFiles(Path.Combine(w.Folder.Sources, e.Folder), e.Name + "*").Any()).Select(e => "#checked_" + e.StagingTable)));
    }

    [Test]
    public async Task TheRowsBulkCopied_CarryDuckDbsLinesAndReasons()
    {
        // Same files, both warehouses: every rejection DuckDB makes without reading the warehouse reaches SQL Server
        // with the same line and reason; the other two rules (unknown account, no fx rate) are the T-SQL's.
        using var w = new TestWarehouse();
        new DemoGenerator(new DemoRequest(80, 9, AsOf, Months: 6, BadRows: 12)).Write(w.Folder.Sources, w.Folder.TruthFile);
        var (connection, log, bulk) = Recording(_ => null);
        await new SqlServerSyncBatch(connection, bulk, w.Options, w.Folder, NullLogger.Instance, "the recorded warehouse").RunAsync(AsOf, false, default);
        await w.SyncAsync("2026-11-15");

        var duck = (await w.QueryAsync<(string FileName, long LineNumber, string Reason)>("SELECT FileName, LineNumber, Reason FROM ops.RejectedRow"))
            .Where(r => !r.Reason.StartsWith("unknown account ", StringComparison.Ordinal) && !r.Reason.StartsWith("no fx rate for ", StringComparison.Ordinal))
            .Select(r => $"{Path.GetFileName(r.FileName)}:{r.LineNumber}: {r.Reason}").Order(StringComparer.Ordinal).ToList();
        var sqlServer = Rejections(log, bulk).Order(StringComparer.Ordinal).ToList();
        Assert.That(duck, Has.Count.GreaterThan(0), "the demo plants bad rows");
        Assert.That(sqlServer, Is.EqualTo(duck));
    }

    [Test]
    public async Task DealRoles_AreCheckedAgainstTheirOpportunityAndContact_AndCorrectedByTheirPair()
    {
        // opportunity_contacts (the demo writes them) on SQL Server: both references are the T-SQL's rules, and its
        // two-column key is the correction's row key and join.
        using var w = new TestWarehouse();
        new DemoGenerator(new DemoRequest(20, 3, AsOf, Months: 3, BadRows: 0)).Write(w.Folder.Sources, w.Folder.TruthFile);
        var (connection, log, bulk) = Recording(_ => null);
        await new SqlServerSyncBatch(connection, bulk, w.Options, w.Folder, NullLogger.Instance, "the recorded warehouse").RunAsync(AsOf, false, default);

        Assert.That(bulk.Copies.Select(c => c.Table), Does.Contain("#checked_OpportunityContact"));
        var validate = log.Single(l => l.Contains("UPDATE c SET", StringComparison.Ordinal) && l.Contains("FROM #checked_OpportunityContact AS c", StringComparison.Ordinal));
        Assert.That(validate, Does.Contain("NOT EXISTS (SELECT 1 FROM stg.Opportunity AS a WHERE a.[OpportunityId] = c.[OpportunityId]) THEN N'unknown opportunity ' + c.[OpportunityId]")
            .And.Contain("NOT EXISTS (SELECT 1 FROM stg.Contact AS a WHERE a.[ContactId] = c.[ContactId]) THEN N'unknown contact ' + c.[ContactId]"));
        var corrections = log.Single(l => l.Contains("INSERT INTO ops.Correction", StringComparison.Ordinal) && l.Contains("#checked_OpportunityContact", StringComparison.Ordinal));
        Assert.That(corrections, Does.Contain("CONCAT(c.[OpportunityId], N'|', c.[ContactId]) AS _key").And.Contain("k.RowKey = CONCAT(s.[OpportunityId], N'|', s.[ContactId])"));
        var activity = log.Single(l => l.Contains("UPDATE c SET", StringComparison.Ordinal) && l.Contains("FROM #checked_Activity AS c", StringComparison.Ordinal));
        Assert.That(activity, Does.Contain("c.[ContactId] IS NOT NULL AND NOT EXISTS (SELECT 1 FROM stg.Contact"), "an activity's contact is optional");
    }

    [Test]
    public async Task EveryVariableABatchSends_IsDeclaredInItsText_OrGivenAsAParameter()
    {
        // The binder checks tables and columns; this checks the other half of each statement: its @names, against
        // the parameters the batch really passed (first sync, then one with the as-of date moved).
        using var w = new TestWarehouse();
        new DemoGenerator(new DemoRequest(30, 4, AsOf, Months: 4, BadRows: 3)).Write(w.Folder.Sources, w.Folder.TruthFile);
        var (connection, _, bulk) = Recording(_ => null);
        await new SqlServerSyncBatch(connection, bulk, w.Options, w.Folder, NullLogger.Instance, "the recorded warehouse").RunAsync(AsOf, false, default);
        var (moved, _, movedBulk) = Recording(sql => sql.Contains("FROM ops.Batch WHERE Status = N'Committed'", StringComparison.Ordinal) ? [new DateTime(2026, 10, 31)] : null);
        await new SqlServerSyncBatch(moved, movedBulk, w.Options, w.Folder, NullLogger.Instance, "the recorded warehouse").RunAsync(AsOf, false, default);

        var problems = new List<string>();
        foreach (var (sql, parameters) in connection.Commands.Concat(moved.Commands))
        {
            var fragment = new Microsoft.SqlServer.TransactSql.ScriptDom.TSql160Parser(true).Parse(new StringReader(sql), out var errors);
            Assert.That(errors, Is.Empty, sql);
            var variables = new Variables();
            fragment.Accept(variables);
            problems.AddRange(variables.Used.Except(variables.Declared, StringComparer.OrdinalIgnoreCase)
                .Where(v => !parameters.Contains(v.TrimStart('@'), StringComparer.Ordinal))
                .Select(v => $"{v} in: {sql.Trim()[..Math.Min(sql.Trim().Length, 80)]}"));
        }

        Assert.That(connection.Commands, Has.Count.GreaterThan(50));
        Assert.That(moved.Commands, Has.Some.Matches<(string Sql, List<string> P)>(c => c.Sql.Contains("#pairs", StringComparison.Ordinal) && c.P.Contains("previous")));
        Assert.That(problems.Distinct(), Is.Empty);
    }

    /// <summary>The @variables a T-SQL text uses and the ones it declares (a procedure's own parameter names are neither).</summary>
    private sealed class Variables : Microsoft.SqlServer.TransactSql.ScriptDom.TSqlFragmentVisitor
    {
        private readonly HashSet<Microsoft.SqlServer.TransactSql.ScriptDom.VariableReference> _procedureParameters = [];

        public List<string> Used { get; } = [];

        public List<string> Declared { get; } = [];

        public override void Visit(Microsoft.SqlServer.TransactSql.ScriptDom.ExecuteParameter node)
        {
            if (node.Variable is { } name)
            {
                _procedureParameters.Add(name);
            }
        }

        public override void Visit(Microsoft.SqlServer.TransactSql.ScriptDom.DeclareVariableElement node) => Declared.Add(node.VariableName.Value);

        public override void Visit(Microsoft.SqlServer.TransactSql.ScriptDom.VariableReference node)
        {
            if (!_procedureParameters.Contains(node))
            {
                Used.Add(node.Name);
            }
        }
    }

    [TestCaseSource(typeof(Core.SourceEntities), nameof(Core.SourceEntities.InLoadOrder))]
    public void TheRulesThatReadTheWarehouse_GiveTheSameReasonsInTSql(Core.EntitySpec spec)
    {
        // The reasons DuckDB's check gives only when it reads the warehouse are the ones the T-SQL must give.
        var headers = spec.Columns.ToDictionary(c => c.Name, c => c.Name);
        string[] Literals(string sql) => System.Text.RegularExpressions.Regex.Matches(sql, "'([^']*)'").Select(m => m.Groups[1].Value).Distinct().ToArray();
        var withWarehouse = Literals(Sync.StagingSql.Check("raw", spec, headers, 2, "USD"));
        var without = Literals(Sync.StagingSql.Check("raw", spec, headers, 2, "USD", warehouseChecks: false));
        var warehouseReasons = withWarehouse.Except(without).Where(l => l.Trim().Length > 3).ToList();
        var tsql = SqlServerStagingSql.Validate(spec);
        Assert.That(tsql is null, Is.EqualTo(warehouseReasons.Count == 0), "a T-SQL validation exactly where DuckDB reads the warehouse");
        foreach (var reason in warehouseReasons)
        {
            Assert.That(tsql, Does.Contain($"N'{reason}'"), $"{spec.Name}: '{reason}'");
        }
    }

    [Test]
    public async Task AStatementThatFails_RollsTheBatchBack_AndRecordsAFailedBatchOutsideIt()
    {
        using var w = new TestWarehouse();
        new DemoGenerator(new DemoRequest(20, 3, AsOf, Months: 3)).Write(w.Folder.Sources, w.Folder.TruthFile);
        var (connection, log, bulk) = Recording(sql => sql.Contains("MERGE dw.FactInvoice", StringComparison.Ordinal)
            ? throw new InvalidOperationException("deadlock victim (recorded)")
            : null);

        var ex = Assert.ThrowsAsync<InvalidOperationException>(() =>
            new SqlServerSyncBatch(connection, bulk, w.Options, w.Folder, NullLogger.Instance, "the recorded warehouse").RunAsync(AsOf, false, default));

        Assert.That(ex!.Message, Does.Contain("deadlock victim"));
        var rollback = log.IndexOf("rollback");
        Assert.That(rollback, Is.GreaterThan(log.FindIndex(l => l.Contains("MERGE dw.FactInvoice", StringComparison.Ordinal))));
        Assert.That(log, Has.None.EqualTo("commit"));
        Assert.That(log.Skip(rollback + 1).Single(l => l.Contains("INSERT INTO ops.Batch", StringComparison.Ordinal)),
            Does.StartWith("execute: ").And.Contain("status=Failed").And.Contain("deadlock victim"), "the failure is recorded after the rollback, on its own");
    }

    [Test]
    public void AnotherSyncHoldingTheLock_StopsThisOne_BeforeItReadsAnything()
    {
        using var w = new TestWarehouse();
        new DemoGenerator(new DemoRequest(20, 3, AsOf, Months: 3)).Write(w.Folder.Sources, w.Folder.TruthFile);
        var (connection, log, bulk) = Recording(sql => sql.Contains("sp_getapplock", StringComparison.Ordinal) ? [-1] : null);

        var ex = Assert.ThrowsAsync<WarehouseLockedException>(() =>
            new SqlServerSyncBatch(connection, bulk, w.Options, w.Folder, NullLogger.Instance, "the recorded warehouse").RunAsync(AsOf, false, default));

        Assert.That(ex!.Message, Does.Contain("another sync is writing to the recorded warehouse").And.Contain("Sync:LockTimeout"));
        Assert.That(bulk.Copies, Is.Empty);
        Assert.That(log, Has.None.Contains("INSERT INTO"), "nothing written, no failed batch over the running one");
        Assert.That(log, Has.Some.StartsWith("rollback"));
    }

    [Test]
    public async Task NothingNew_WritesNothing()
    {
        using var w = new TestWarehouse();
        var (connection, log, bulk) = Recording(sql => sql.Contains("FROM ops.Batch WHERE Status = N'Committed'", StringComparison.Ordinal) ? [new DateTime(2026, 11, 15)] : null);

        var result = await new SqlServerSyncBatch(connection, bulk, w.Options, w.Folder, NullLogger.Instance, "the recorded warehouse").RunAsync(AsOf, false, default);

        Assert.That(result.UpToDate);
        Assert.That(log, Has.None.Contains("INSERT INTO").And.None.Contains("MERGE"));
        Assert.That(log[^1], Is.EqualTo("rollback"));
    }

    /// <summary>
    /// A recording connection that answers as an empty warehouse would, except: the lock is granted, accounts exist
    /// once staged, the batch and file ids count up, and each file's counts are what its bulk copy carried.
    /// </summary>
    private static (RecordingConnection Connection, List<string> Log, RecordingBulkLoader Bulk) Recording(Func<string, object[]?> overrides)
    {
        RecordingBulkLoader? bulk = null;
        var (connect, log) = RecordingConnection.Create(sql => overrides(sql) ?? sql switch
        {
            _ when sql.Contains("sp_getapplock", StringComparison.Ordinal) => [0],
            _ when sql.Contains("EXISTS (SELECT 1 FROM stg.Account)", StringComparison.Ordinal) => [1],
            _ when sql.Contains("AS RowsRead", StringComparison.Ordinal) => [new object[] { bulk!.LastRead, bulk.LastRejected }],
            _ when sql.StartsWith("SELECT COALESCE(MAX(", StringComparison.Ordinal) => [1L],
            _ => null,
        });
        var connection = connect();
        connection.Open();
        bulk = new RecordingBulkLoader(connection);
        return (connection, log, bulk);
    }

    /// <summary>
    /// "file:line: reason" of every rejected row copied: a file's copies (#checked, then #malformed) come before the
    /// statement that keeps its rejections, whose parameters name the file.
    /// </summary>
    private static IEnumerable<string> Rejections(List<string> log, RecordingBulkLoader bulk)
    {
        var copy = 0;
        var pending = new List<(long Line, string Reason)>();
        foreach (var line in log)
        {
            if (line.StartsWith("bulk copy", StringComparison.Ordinal))
            {
                pending.AddRange(bulk.Copies[copy++].Rows.Where(r => r.Reason is not null)!);
            }
            else if (line.Contains("INSERT INTO ops.RejectedRow", StringComparison.Ordinal))
            {
                var name = line[(line.IndexOf(", name=", StringComparison.Ordinal) + 7)..].Split(',', ']')[0];
                foreach (var (l, reason) in pending)
                {
                    yield return $"{Path.GetFileName(name)}:{l}: {reason}";
                }

                pending.Clear();
            }
        }
    }

    /// <summary>Reads every row a bulk copy is given, records the copy in the connection's log, and keeps each row's line and reason.</summary>
    private sealed class RecordingBulkLoader(RecordingConnection connection) : IBulkLoader
    {
        public List<(string Table, List<(long Line, string? Reason)> Rows)> Copies { get; } = [];

        /// <summary>Rows and rejections of the file being loaded (its #checked and #malformed copies).</summary>
        public long LastRead { get; private set; }

        public long LastRejected { get; private set; }

        public async Task<long> WriteAsync(DbTransaction transaction, string table, IReadOnlyList<string> columns, DbDataReader rows, CancellationToken cancellationToken)
        {
            Assert.That(rows.FieldCount, Is.EqualTo(columns.Count), $"{table}: one reader column per table column");
            var reason = columns.ToList().IndexOf("_reason");
            var copied = new List<(long, string?)>();
            while (await rows.ReadAsync(cancellationToken))
            {
                copied.Add((rows.GetInt64(0), rows.IsDBNull(reason) ? null : rows.GetString(reason)));
            }

            var rejected = copied.Count(r => r.Item2 is not null);
            (LastRead, LastRejected) = table == "#malformed" ? (LastRead + copied.Count, LastRejected + rejected) : (copied.Count, rejected);
            Copies.Add((table, copied));
            connection.Record($"bulk copy{(transaction is null ? "" : " (in transaction)")}: {table} ({string.Join(", ", columns)}): {copied.Count} rows");
            return copied.Count;
        }
    }
}
