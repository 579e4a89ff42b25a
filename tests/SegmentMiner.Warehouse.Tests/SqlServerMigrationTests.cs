using SegmentMiner.Warehouse.SqlServer;

namespace SegmentMiner.Warehouse.Tests;

/// <summary>
/// Migrations on SQL Server, recorded instead of run: DbUp's journal, one transaction per script, and what runs
/// before DbUp reads its journal.
/// </summary>
[TestFixture]
public sealed class SqlServerMigrationTests
{
    [Test]
    public void DbMigrate_AdoptsTheOldJournal_ThenRunsEachScriptInItsOwnTransaction_WithItsJournalRows()
    {
        var (connect, log) = RecordingConnection.Create();
        var info = new List<string>();
        var applied = SqlServerMigrator.Run(connect, TimeSpan.FromMinutes(5), info.Add);

        var scripts = Migrations.Load("sqlserver");
        Assert.That(applied.Select(s => s.Name), Is.EqualTo(scripts.Skip(1).Select(s => s.Name)), "an empty journal: every versioned script runs");

        // Before DbUp: version 0 and the adoption of the journal, outside any transaction.
        var firstBegin = log.IndexOf("begin transaction");
        var before = log.Take(firstBegin).ToList();
        Assert.That(before, Has.Some.Contains("IF SCHEMA_ID(N'ops') IS NULL"), "version 0 runs first");
        Assert.That(before, Has.Some.StartsWith("execute: IF OBJECT_ID(N'ops.SchemaVersions', N'U') IS NULL"), "the journal is adopted before DbUp reads it");

        // Then DbUp: a transaction per script, holding its batches, its row in ops.SchemaVersion and, last, DbUp's.
        var blocks = Transactions(log.Skip(firstBegin).ToList());
        Assert.That(blocks, Has.All.Matches<List<string>>(b => b.All(l => l.Contains("(in transaction)", StringComparison.Ordinal))), "nothing between transactions");
        foreach (var s in scripts.Skip(1))
        {
            var mine = blocks.Where(b => b.Any(l => l.Contains($"scriptName={s.Name}", StringComparison.Ordinal))).ToList();
            Assert.That(mine, Has.Count.EqualTo(1), $"{s.Name}: one transaction");
            var block = mine[0];
            Assert.That(block[^1], Does.StartWith("execute (in transaction): insert into [ops].[SchemaVersions] (ScriptName, Applied) values (@scriptName, @applied)"), $"{s.Name}: DbUp journals it last");
            Assert.That(block[^2], Does.Contain($"INSERT INTO ops.SchemaVersion (Version, ScriptName, Sha256, AppliedAt) VALUES ({s.Version}, N'{s.Name}', N'{s.Sha256}'"), s.Name);
            Assert.That(block.Count(l => l.Contains(FirstStatementOf(s), StringComparison.Ordinal)), Is.EqualTo(1), $"{s.Name}: its own first statement, in its transaction");
        }

        Assert.That(blocks.Select(b => b.FindIndex(l => l.Contains("scriptName=", StringComparison.Ordinal))).Where(i => i >= 0).Count(), Is.EqualTo(scripts.Count - 1));
        Assert.That(log, Has.None.StartsWith("rollback"));
        Assert.That(info, Has.Some.Contains(scripts[^1].Name), "progress names the scripts");
    }

    [Test]
    public void DbMigrate_OnAWarehouseDbUpKnows_RunsNoScript()
    {
        var names = Migrations.Load("sqlserver").Skip(1).Select(s => (object)s.Name).ToArray();
        var (connect, log) = RecordingConnection.Create(sql =>
            sql.Contains("INFORMATION_SCHEMA.TABLES", StringComparison.Ordinal) ? [1] : sql.Contains("select [ScriptName]", StringComparison.Ordinal) ? names : null);
        var applied = SqlServerMigrator.Run(connect, null, _ => { });
        Assert.That(applied, Is.Empty);
        Assert.That(log.Where(l => l.StartsWith("execute (in transaction)", StringComparison.Ordinal)), Is.Empty, "no script, no journal row");
        Assert.That(log, Has.Some.Contains("IF OBJECT_ID(N'ops.SchemaVersions', N'U') IS NULL"), "the adoption still runs (it is idempotent)");
    }

    /// <summary>The operations between each begin and its commit.</summary>
    private static List<List<string>> Transactions(List<string> log)
    {
        var blocks = new List<List<string>>();
        List<string>? current = null;
        foreach (var line in log)
        {
            if (line == "begin transaction")
            {
                current = [];
            }
            else if (line == "commit")
            {
                blocks.Add(current!);
                current = null;
            }
            else
            {
                current?.Add(line);
            }
        }

        return blocks;
    }

    [Test]
    public void TheDbasScript_GuardsEveryScriptByDbUpsJournal_AndWritesTheSameJournalRows()
    {
        var script = SqlServerMigrator.UpgradeScript();
        Assert.That(script.IndexOf(SqlServerMigrator.AdoptJournal.Trim(), StringComparison.Ordinal), Is.GreaterThan(0), "the old journal is adopted first");
        foreach (var s in Migrations.Load("sqlserver").Skip(1))
        {
            var guard = script.IndexOf($"IF EXISTS (SELECT 1 FROM ops.SchemaVersions WHERE ScriptName = N'{s.Name}') SET NOEXEC ON;", StringComparison.Ordinal);
            var body = script.IndexOf(SqlServerMigrator.Journaled(s), StringComparison.Ordinal);
            var journal = script.IndexOf($"INSERT INTO ops.SchemaVersions (ScriptName, Applied) VALUES (N'{s.Name}', GETDATE());", StringComparison.Ordinal);
            Assert.That(new[] { guard, body, journal }, Is.Ordered.And.All.GreaterThan(0), s.Name);
            Assert.That(script.LastIndexOf("BEGIN TRANSACTION;", body, StringComparison.Ordinal), Is.GreaterThan(guard), $"{s.Name} runs in its own transaction");
            Assert.That(script.IndexOf("COMMIT TRANSACTION;", journal, StringComparison.Ordinal), Is.GreaterThan(journal));
        }
    }

    private static string FirstStatementOf(MigrationScript s) =>
        s.Sql.Split('\n').Select(l => l.Trim()).First(l => l.Length > 0 && !l.StartsWith("--", StringComparison.Ordinal));
}
