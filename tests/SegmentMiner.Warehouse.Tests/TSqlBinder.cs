using Microsoft.SqlServer.TransactSql.ScriptDom;

namespace SegmentMiner.Warehouse.Tests;

/// <summary>
/// Binds a parsed T-SQL text to a schema, statement by statement: every table or view it names must exist (or be a
/// temporary table, a common table expression or a system object), every column qualified by an alias must belong
/// to that alias's table, and every unqualified column must belong to a table the statement reads or to a name the
/// statement defines (an alias, a CTE or derived table column). Types are not compared.
/// </summary>
internal static class TSqlBinder
{
    private static readonly string[] DateFunctions = ["DATEADD", "DATEDIFF", "DATEDIFF_BIG", "DATEPART", "DATENAME", "DATETRUNC", "DATE_BUCKET"];

    public static List<string> Bind(TSqlFragment script, TSqlSchema schema) => Bind(script, schema, []);

    /// <summary>Binds, and adds to <paramref name="checkedColumns"/> the column names it checked (the identifier itself).</summary>
    public static List<string> Bind(TSqlFragment script, TSqlSchema schema, List<Identifier> checkedColumns)
    {
        var local = TSqlSchema.From([]);
        foreach (var (name, columns) in schema.Objects)
        {
            local.Objects[name] = columns;
        }

        local.Add(script); // the text's own tables, temporary ones included
        var statements = new StatementCollector();
        script.Accept(statements);
        var errors = new List<string>();
        foreach (var scope in statements.Scopes)
        {
            errors.AddRange(BindScope(scope, local, checkedColumns));
        }

        return errors;
    }

    private static IEnumerable<string> BindScope(TSqlFragment scope, TSqlSchema schema, List<Identifier> checkedColumns)
    {
        var refs = new ReferenceCollector();
        scope.Accept(refs);
        var aliases = new Dictionary<string, HashSet<string>>(StringComparer.OrdinalIgnoreCase);
        var systemAliases = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var known = new HashSet<string>(refs.DefinedNames, StringComparer.OrdinalIgnoreCase);
        void Alias(string alias, HashSet<string> columns)
        {
            // An alias used twice in a statement (in two CTEs) stands for either table.
            if (aliases.TryGetValue(alias, out var other))
            {
                columns = new HashSet<string>(other.Concat(columns), StringComparer.OrdinalIgnoreCase);
            }

            aliases[alias] = columns;
        }

        foreach (var (alias, names) in refs.DerivedTables)
        {
            Alias(alias, names);
        }

        foreach (var ddl in refs.DdlTables)
        {
            if (schema.TryColumns(ddl, out var columns))
            {
                known.UnionWith(columns);
            }
        }

        foreach (var table in refs.Tables)
        {
            var name = TSqlSchema.Name(table.SchemaObject);
            HashSet<string>? columns = null;
            if (table.SchemaObject.SchemaIdentifier is null && refs.Ctes.TryGetValue(table.SchemaObject.BaseIdentifier.Value, out var cte))
            {
                columns = cte;
            }
            else if (schema.TryColumns(table.SchemaObject, out var found))
            {
                columns = found;
            }
            else if (table.SchemaObject.SchemaIdentifier is null && refs.Tables.Any(t => t != table && string.Equals(t.Alias?.Value, table.SchemaObject.BaseIdentifier.Value, StringComparison.OrdinalIgnoreCase)))
            {
                continue; // UPDATE d ... FROM dw.T AS d: the target names another reference's alias
            }
            else if (!IsSystem(table.SchemaObject))
            {
                yield return $"unknown table or view {name} (line {table.StartLine})";
                continue;
            }

            if (columns is null)
            {
                systemAliases.Add(table.Alias?.Value ?? table.SchemaObject.BaseIdentifier.Value); // a system object: not bound
                continue;
            }

            if (!refs.Ctes.ContainsKey(table.SchemaObject.BaseIdentifier.Value))
            {
                known.UnionWith(columns); // a CTE's implicit output names are its tables' columns, known already
            }

            Alias(table.Alias?.Value ?? table.SchemaObject.BaseIdentifier.Value, columns);
            aliases.TryAdd(name, columns);
            if (refs.MergeAliases.TryGetValue(table, out var mergeAlias))
            {
                Alias(mergeAlias, columns); // MERGE t AS d: the alias belongs to the statement, not the table reference
            }
        }

        var all = new HashSet<string>(aliases.Values.SelectMany(c => c), StringComparer.OrdinalIgnoreCase);
        aliases.TryAdd("inserted", all);
        aliases.TryAdd("deleted", all);
        foreach (var column in refs.Columns)
        {
            var parts = column.MultiPartIdentifier.Identifiers;
            var name = parts[^1].Value;
            checkedColumns.Add(parts[^1]);
            if (parts.Count >= 2)
            {
                var qualifier = parts[^2].Value;
                if (systemAliases.Contains(qualifier))
                {
                    continue;
                }

                if (!aliases.TryGetValue(qualifier, out var columns))
                {
                    yield return $"unknown table alias {qualifier} for column {name} (line {column.StartLine})";
                }
                else if (!columns.Contains(name))
                {
                    yield return $"unknown column {qualifier}.{name} (line {column.StartLine})";
                }
            }
            else if (!known.Contains(name) && systemAliases.Count == 0) // a system view's columns are not known here
            {
                yield return $"unknown column {name} (line {column.StartLine})";
            }
        }
    }

    private static bool IsSystem(SchemaObjectName name) =>
        name.SchemaIdentifier?.Value is { } s && (s.Equals("sys", StringComparison.OrdinalIgnoreCase) || s.Equals("INFORMATION_SCHEMA", StringComparison.OrdinalIgnoreCase))
        || name.BaseIdentifier.Value.StartsWith("sp_", StringComparison.OrdinalIgnoreCase);

    /// <summary>The scopes to bind: each statement that is not a container of others, and an IF's condition.</summary>
    private sealed class StatementCollector : TSqlFragmentVisitor
    {
        public List<TSqlFragment> Scopes { get; } = [];

        public override void Visit(TSqlStatement node)
        {
            switch (node)
            {
                case BeginEndBlockStatement or WhileStatement or TryCatchStatement:
                    break;
                case IfStatement i:
                    Scopes.Add(i.Predicate);
                    break;
                case CreateViewStatement v:
                    Scopes.Add(v.SelectStatement);
                    break;
                default:
                    Scopes.Add(node);
                    break;
            }
        }
    }

    /// <summary>A scope's tables, columns, and the names it defines itself.</summary>
    private sealed class ReferenceCollector : TSqlFragmentVisitor
    {
        private readonly HashSet<ColumnReferenceExpression> _dateParts = [];

        public List<NamedTableReference> Tables { get; } = [];

        public List<ColumnReferenceExpression> Columns { get; } = [];

        public Dictionary<string, HashSet<string>> Ctes { get; } = new(StringComparer.OrdinalIgnoreCase);

        public Dictionary<string, HashSet<string>> DerivedTables { get; } = new(StringComparer.OrdinalIgnoreCase);

        public HashSet<string> DefinedNames { get; } = new(StringComparer.OrdinalIgnoreCase);

        public override void Visit(NamedTableReference node) => Tables.Add(node);

        public Dictionary<NamedTableReference, string> MergeAliases { get; } = [];

        public override void Visit(MergeSpecification node)
        {
            if (node.Target is NamedTableReference target && node.TableAlias is { } alias)
            {
                MergeAliases[target] = alias.Value;
            }
        }

        public override void Visit(FunctionCall node)
        {
            // DATEADD(month, ...): the date part parses as a column reference.
            if (DateFunctions.Contains(node.FunctionName.Value, StringComparer.OrdinalIgnoreCase) && node.Parameters.Count > 0 && node.Parameters[0] is ColumnReferenceExpression part)
            {
                _dateParts.Add(part);
            }
        }

        public override void Visit(ColumnReferenceExpression node)
        {
            if (node.ColumnType == ColumnType.Regular && node.MultiPartIdentifier is not null && !_dateParts.Contains(node))
            {
                Columns.Add(node);
            }
        }

        public override void Visit(CommonTableExpression node)
        {
            Ctes[node.ExpressionName.Value] = (node.Columns.Count > 0 ? node.Columns.Select(c => c.Value) : TSqlSchema.OutputNames(node.QueryExpression))
                .ToHashSet(StringComparer.OrdinalIgnoreCase);
            DefinedNames.UnionWith(node.Columns.Select(c => c.Value));
        }

        public override void Visit(QueryDerivedTable node)
        {
            var names = (node.Columns.Count > 0 ? node.Columns.Select(c => c.Value) : TSqlSchema.OutputNames(node.QueryExpression)).ToHashSet(StringComparer.OrdinalIgnoreCase);
            DefinedNames.UnionWith(node.Columns.Select(c => c.Value));
            if (node.Alias is { } alias)
            {
                DerivedTables[alias.Value] = names;
            }
        }

        public override void Visit(InlineDerivedTable node)
        {
            if (node.Alias is { } alias)
            {
                DerivedTables[alias.Value] = node.Columns.Select(c => c.Value).ToHashSet(StringComparer.OrdinalIgnoreCase);
            }

            DefinedNames.UnionWith(node.Columns.Select(c => c.Value));
        }

        /// <summary>Tables a DDL statement names outside a FROM clause: its columns are what its constraints and indexes list.</summary>
        public List<SchemaObjectName> DdlTables { get; } = [];

        public override void Visit(CreateTableStatement node) => DdlTables.Add(node.SchemaObjectName);

        public override void Visit(AlterTableStatement node) => DdlTables.Add(node.SchemaObjectName);

        public override void Visit(CreateIndexStatement node) => DdlTables.Add(node.OnName);

        public override void Visit(SelectScalarExpression node)
        {
            if (node.ColumnName is { } alias)
            {
                DefinedNames.Add(alias.Value);
            }
        }
    }
}
