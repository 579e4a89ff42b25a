using Microsoft.SqlServer.TransactSql.ScriptDom;

namespace SegmentMiner.Warehouse.Tests;

/// <summary>
/// The tables, views and columns a T-SQL script creates (CREATE TABLE, ALTER TABLE ADD / DROP COLUMN, CREATE VIEW
/// and SELECT INTO with their output names), keyed by schema-qualified name; temporary tables by their #name.
/// </summary>
internal sealed class TSqlSchema
{
    public Dictionary<string, HashSet<string>> Objects { get; } = new(StringComparer.OrdinalIgnoreCase);

    public static TSqlSchema From(IEnumerable<TSqlFragment> scripts)
    {
        var schema = new TSqlSchema();
        foreach (var script in scripts)
        {
            schema.Add(script);
        }

        return schema;
    }

    /// <summary>Adds what a script creates (a statement's own temporary tables included).</summary>
    public void Add(TSqlFragment script) => script.Accept(new Collector(this));

    public static string Name(SchemaObjectName name) =>
        name.SchemaIdentifier is { } s ? $"{s.Value}.{name.BaseIdentifier.Value}" : name.BaseIdentifier.Value;

    public bool TryColumns(SchemaObjectName name, out HashSet<string> columns)
    {
        columns = null!;
        return Objects.TryGetValue(Name(name), out columns!)
               || (name.SchemaIdentifier is null && Objects.TryGetValue("dbo." + name.BaseIdentifier.Value, out columns!));
    }

    /// <summary>A select list's output names: the alias, else the column's own name.</summary>
    public static IEnumerable<string> OutputNames(QueryExpression query)
    {
        while (query is BinaryQueryExpression b)
        {
            query = b.FirstQueryExpression;
        }

        while (query is QueryParenthesisExpression p)
        {
            query = p.QueryExpression;
        }

        if (query is not QuerySpecification spec)
        {
            yield break;
        }

        foreach (var e in spec.SelectElements.OfType<SelectScalarExpression>())
        {
            if (e.ColumnName is { } alias)
            {
                yield return alias.Value;
            }
            else if (e.Expression is ColumnReferenceExpression c && c.MultiPartIdentifier is { } m)
            {
                yield return m.Identifiers[^1].Value;
            }
        }
    }

    private sealed class Collector(TSqlSchema schema) : TSqlFragmentVisitor
    {
        public override void Visit(CreateTableStatement node) =>
            schema.Objects[Name(node.SchemaObjectName)] = node.Definition.ColumnDefinitions
                .Select(c => c.ColumnIdentifier.Value).ToHashSet(StringComparer.OrdinalIgnoreCase);

        public override void Visit(AlterTableAddTableElementStatement node)
        {
            if (schema.Objects.TryGetValue(Name(node.SchemaObjectName), out var columns))
            {
                columns.UnionWith(node.Definition.ColumnDefinitions.Select(c => c.ColumnIdentifier.Value));
            }
        }

        public override void Visit(AlterTableDropTableElementStatement node)
        {
            if (schema.Objects.TryGetValue(Name(node.SchemaObjectName), out var columns))
            {
                columns.ExceptWith(node.AlterTableDropTableElements.Where(e => e.TableElementType == TableElementType.Column).Select(e => e.Name.Value));
            }
        }

        public override void Visit(SelectStatement node)
        {
            if (node.Into is { } into)
            {
                schema.Objects[Name(into)] = OutputNames(node.QueryExpression).ToHashSet(StringComparer.OrdinalIgnoreCase);
            }
        }

        public override void Visit(CreateViewStatement node) => AddView(node.SchemaObjectName, node.Columns, node.SelectStatement);

        public override void Visit(CreateOrAlterViewStatement node) => AddView(node.SchemaObjectName, node.Columns, node.SelectStatement);

        public override void Visit(AlterViewStatement node) => AddView(node.SchemaObjectName, node.Columns, node.SelectStatement);

        private void AddView(SchemaObjectName name, IList<Identifier> columns, SelectStatement select) =>
            schema.Objects[Name(name)] = (columns.Count > 0 ? columns.Select(c => c.Value) : OutputNames(select.QueryExpression))
                .ToHashSet(StringComparer.OrdinalIgnoreCase);
    }
}
