using Microsoft.SqlServer.TransactSql.ScriptDom;

namespace SegmentMiner.Warehouse.Tests;

/// <summary>
/// No SQL Server runs here, so every T-SQL text the product can send is checked as far as a parser and a binder
/// can: it parses at SQL Server 2016, 2019 and 2022 levels, and binds to the schema the migrations create.
/// </summary>
[TestFixture]
public sealed class TSqlBindingTests
{
    /// <summary>What the migrations create, and the temporary tables the product's statements create for one another.</summary>
    private static readonly Lazy<TSqlSchema> Schema = new(() =>
    {
        var schema = TSqlSchema.From(Migrations.Load("sqlserver").Select(m => Parse(new TSql160Parser(true), m.Sql, m.Name)));
        foreach (var (name, sql) in TSqlTexts.Product().Where(t => t.Sql.Contains("CREATE TABLE #", StringComparison.Ordinal)))
        {
            schema.Add(Parse(new TSql160Parser(true), sql, name));
        }

        return schema;
    });

    private static IEnumerable<TestCaseData> Texts() =>
        TSqlTexts.All().Select(t => new TestCaseData(t.Name, t.Sql).SetName($"TSql_ParsesAndBinds({t.Name})"));

    [Test]
    public void TheSweep_FindsTheTextsOfEveryPart()
    {
        var names = TSqlTexts.All().Select(t => t.Name).ToList();
        foreach (var part in new[] { "migration 0001", "db migrate --script", "quartz", "permissions", "SqlServerSegmentStore.PersonaMapSql", "SqlServerSegmentStore.ProfilesSql(True)",
                     "SqlServerJobRunStore.Insert", "SqlServerStatusReader.Published", "StatusReader.CountsSql", "RetentionSql.DeleteRun(seg.Segment)", "JobRunStore.ChangedSinceProcessSql", "ReportSql.Mix" })
        {
            Assert.That(names, Has.Some.Contains(part), part);
        }
    }

    [TestCaseSource(nameof(Texts))]
    public void TSql_ParsesAndBinds(string name, string sql)
    {
        foreach (var parser in new TSqlParser[] { new TSql130Parser(true), new TSql150Parser(true), new TSql160Parser(true) })
        {
            Parse(parser, sql, $"{name} at {parser.GetType().Name}");
        }

        var errors = TSqlBinder.Bind(Parse(new TSql160Parser(true), sql, name), Schema.Value);
        Assert.That(errors, Is.Empty, name);
    }

    /// <summary>
    /// The binder is not lenient: in every text, each column it checks (up to 12 per text), misspelled on its own in
    /// a copy of the text, is reported.
    /// </summary>
    [Test]
    public void AMisspelledColumn_IsCaught_InEveryText()
    {
        var missed = new List<string>();
        var copies = 0;
        foreach (var (name, sql) in TSqlTexts.All())
        {
            var columns = new List<Identifier>();
            TSqlBinder.Bind(Parse(new TSql160Parser(true), sql, name), Schema.Value, columns);
            foreach (var column in columns.DistinctBy(c => c.StartOffset).Take(12))
            {
                var broken = sql[..column.StartOffset] + Misspelled(sql.Substring(column.StartOffset, column.FragmentLength)) + sql[(column.StartOffset + column.FragmentLength)..];
                var fragment = new TSql160Parser(true).Parse(new StringReader(broken), out var errors);
                Assert.That(errors, Is.Empty, $"{name}: the misspelled copy parses");
                copies++;
                if (TSqlBinder.Bind(fragment, Schema.Value).Count == 0)
                {
                    missed.Add($"{name}: {column.Value} at line {column.StartLine}");
                }
            }
        }

        Assert.That(missed, Is.Empty, "misspellings the binder did not report");
        Assert.That(copies, Is.GreaterThan(200), "broken copies checked");
    }

    /// <summary>The identifier with a letter doubled inside its brackets or quotes, if any.</summary>
    private static string Misspelled(string identifier) =>
        identifier[0] is '[' or '"' ? identifier[..^1] + "x" + identifier[^1] : identifier + "x";

    private static TSqlFragment Parse(TSqlParser parser, string sql, string name)
    {
        var fragment = parser.Parse(new StringReader(sql), out var errors);
        Assert.That(errors.Select(e => $"{name}({e.Line},{e.Column}): {e.Message}"), Is.Empty);
        return fragment;
    }
}
