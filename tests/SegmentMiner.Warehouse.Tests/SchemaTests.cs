using System.Reflection;
using Dapper;
using DuckDB.NET.Data;
using Microsoft.SqlServer.TransactSql.ScriptDom;

namespace SegmentMiner.Warehouse.Tests;

/// <summary>The two dialects describe one model (every T-SQL text parses and binds: <see cref="TSqlBindingTests"/>).</summary>
[TestFixture]
public sealed class SchemaTests
{
    private static IEnumerable<string> SqlServerScripts() =>
        Assembly.GetExecutingAssembly().GetManifestResourceNames().Where(n => n.StartsWith("sql/sqlserver/", StringComparison.Ordinal) && !n.Contains("/quartz/", StringComparison.Ordinal)).Order();

    private const string QuartzScript = "sql/sqlserver/quartz/create_quartz_tables.sql";

    /// <summary>The scheduler's tables (a DBA's script, outside the dialect parity): parses, and creates what the job store validates.</summary>
    [Test]
    public void QuartzScript_Parses_AndCreatesTheJobStoreTables()
    {
        var sql = Resource(QuartzScript);
        var visitor = new CreateTableVisitor();
        Parse(sql, QuartzScript).Accept(visitor);
        Assert.That(visitor.Tables.Keys, Is.SupersetOf(new[] { "QRTZ_JOB_DETAILS", "QRTZ_TRIGGERS", "QRTZ_CRON_TRIGGERS", "QRTZ_FIRED_TRIGGERS", "QRTZ_SCHEDULER_STATE", "QRTZ_LOCKS" }));
    }

    private static string Resource(string name)
    {
        using var s = Assembly.GetExecutingAssembly().GetManifestResourceStream(name)!;
        return new StreamReader(s).ReadToEnd();
    }

    private static TSqlFragment Parse(string sql, string name)
    {
        var parser = new TSql150Parser(initialQuotedIdentifiers: true);
        var fragment = parser.Parse(new StringReader(sql), out var errors);
        Assert.That(errors.Select(e => $"{name}({e.Line},{e.Column}): {e.Message}"), Is.Empty);
        return fragment;
    }

    [Test]
    public void SqlServerScripts_AreShipped() =>
        Assert.That(SqlServerScripts().ToList(), Has.Count.GreaterThanOrEqualTo(2));

    [Test]
    public void SqlServerUpgradeScript_Parses_AndGuardsEveryVersion()
    {
        var script = Warehouse.SqlServer.SqlServerMigrator.UpgradeScript();
        Parse(script, "upgrade script");
        foreach (var m in Migrations.Load("sqlserver").Skip(1))
        {
            Assert.That(script, Does.Contain($"WHERE ScriptName = N'{m.Name}') SET NOEXEC ON"));
        }
    }

    [Test]
    public async Task BothDialects_DefineTheSameTablesAndColumns()
    {
        // One visitor over the scripts in order, so that a later ALTER TABLE ... ADD extends the table.
        var visitor = new CreateTableVisitor();
        foreach (var name in SqlServerScripts())
        {
            Parse(Resource(name), name).Accept(visitor);
        }

        var tsql = new Dictionary<string, List<(string Column, string Type)>>(visitor.Tables, StringComparer.OrdinalIgnoreCase);
        foreach (var (view, cols) in visitor.Views)
        {
            tsql[view] = cols;
        }

        await using var db = new DuckDBConnection("Data Source=:memory:");
        await db.OpenAsync();
        await Migrations.ApplyAsync(db, "duckdb", s => [s], () => DateTime.UtcNow);
        var duck = (await db.QueryAsync<(string Table, string Column, string Type)>(
                "SELECT table_schema || '.' || table_name, column_name, data_type FROM information_schema.columns ORDER BY table_schema, table_name, ordinal_position"))
            .GroupBy(r => r.Table, StringComparer.OrdinalIgnoreCase)
            .ToDictionary(g => g.Key, g => g.Select(r => (r.Column, r.Type)).ToList(), StringComparer.OrdinalIgnoreCase);

        // View columns take their types from the tables (checked above); views are compared by their column names.
        var views = (await db.QueryAsync<string>("SELECT schema_name || '.' || view_name FROM duckdb_views() WHERE NOT internal"))
            .ToHashSet(StringComparer.OrdinalIgnoreCase);
        Assert.That(views, Has.Count.GreaterThanOrEqualTo(3), "the mining case views");
        Assert.That(duck.Keys.Select(k => k.ToLowerInvariant()).Order(), Is.EqualTo(tsql.Keys.Select(k => k.ToLowerInvariant()).Order()));
        Assert.Multiple(() =>
        {
            foreach (var (table, cols) in duck)
            {
                Assert.That(cols.Select(c => c.Column), Is.EqualTo(tsql[table].Select(c => c.Column)), $"columns of {table}");
                for (var i = 0; i < Math.Min(cols.Count, tsql[table].Count) && !views.Contains(table); i++)
                {
                    Assert.That(Family(cols[i].Type), Is.EqualTo(Family(tsql[table][i].Type)), $"{table}.{cols[i].Column}: {cols[i].Type} vs {tsql[table][i].Type}");
                }
            }
        });
    }

    [Test]
    public void ContractTables_Exist_InBothDialects()
    {
        string[] contract =
        [
            "dw.DimCustomer", "dw.FactInvoice", "dw.FactSubscription", "dw.FactOpportunity", "dw.FactSurveyAnswer",
            "dw.CustomerMonthlySnapshot", "dw.CustomerFeatures", "ops.Batch", "ops.SourceFile", "ops.RejectedRow", "ops.SchemaVersion",
        ];
        var all = string.Join("\n", SqlServerScripts().Select(Resource));
        foreach (var t in contract)
        {
            Assert.That(all, Does.Contain($"CREATE TABLE {t} ("), t);
        }
    }

    /// <summary>Maps both dialects' type names onto one family, so that a column cannot drift between them.</summary>
    private static string Family(string type)
    {
        var t = type.ToUpperInvariant();
        return t switch
        {
            _ when t.StartsWith("NVARCHAR", StringComparison.Ordinal) || t.StartsWith("VARCHAR", StringComparison.Ordinal) => "text",
            _ when t.StartsWith("DECIMAL", StringComparison.Ordinal) || t.StartsWith("NUMERIC", StringComparison.Ordinal) => t.Replace("NUMERIC", "DECIMAL", StringComparison.Ordinal),
            _ when t.StartsWith("DATETIME2", StringComparison.Ordinal) || t == "TIMESTAMP" => "timestamp",
            "BIT" or "BOOLEAN" => "bool",
            "FLOAT" or "DOUBLE" => "double",
            "INT" or "INTEGER" => "int",
            _ => t,
        };
    }

    private sealed class CreateTableVisitor : TSqlFragmentVisitor
    {
        public Dictionary<string, List<(string, string)>> Tables { get; } = new(StringComparer.OrdinalIgnoreCase);

        public override void Visit(CreateTableStatement node)
        {
            var name = node.SchemaObjectName.SchemaIdentifier is { } schema ? $"{schema.Value}.{node.SchemaObjectName.BaseIdentifier.Value}" : node.SchemaObjectName.BaseIdentifier.Value;
            Tables[name] = node.Definition.ColumnDefinitions.Select(c => (c.ColumnIdentifier.Value, TypeText(c.DataType))).ToList();
        }

        public override void Visit(AlterTableAddTableElementStatement node)
        {
            var name = $"{node.SchemaObjectName.SchemaIdentifier.Value}.{node.SchemaObjectName.BaseIdentifier.Value}";
            Tables[name].AddRange(node.Definition.ColumnDefinitions.Select(c => (c.ColumnIdentifier.Value, TypeText(c.DataType))));
        }

        public override void Visit(AlterTableAlterColumnStatement node)
        {
            var name = $"{node.SchemaObjectName.SchemaIdentifier.Value}.{node.SchemaObjectName.BaseIdentifier.Value}";
            var columns = Tables[name];
            var i = columns.FindIndex(c => c.Item1.Equals(node.ColumnIdentifier.Value, StringComparison.OrdinalIgnoreCase));
            columns[i] = (columns[i].Item1, TypeText(node.DataType));
        }

        /// <summary>Views: their output column names (alias, else the column referenced).</summary>
        public Dictionary<string, List<(string, string)>> Views { get; } = new(StringComparer.OrdinalIgnoreCase);

        public override void Visit(CreateViewStatement node) => AddView(node.SchemaObjectName, node.SelectStatement);

        /// <summary>A later migration's CREATE OR ALTER VIEW replaces the view's columns.</summary>
        public override void Visit(CreateOrAlterViewStatement node) => AddView(node.SchemaObjectName, node.SelectStatement);

        private void AddView(SchemaObjectName view, SelectStatement statement)
        {
            var name = $"{view.SchemaIdentifier.Value}.{view.BaseIdentifier.Value}";
            var select = (QuerySpecification)statement.QueryExpression;
            Views[name] = select.SelectElements.Cast<SelectScalarExpression>()
                .Select(e => (e.ColumnName?.Value ?? ((ColumnReferenceExpression)e.Expression).MultiPartIdentifier.Identifiers[^1].Value, "view"))
                .ToList();
        }

        private static string TypeText(DataTypeReference type)
        {
            var name = type.Name.BaseIdentifier.Value;
            if (type is ParameterizedDataTypeReference p && p.Parameters.Count > 0 && name.Equals("decimal", StringComparison.OrdinalIgnoreCase))
            {
                return $"DECIMAL({string.Join(",", p.Parameters.Select(x => x.Value))})";
            }

            return name;
        }
    }
}
