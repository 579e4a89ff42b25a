using SegmentMiner.Core.Mining;
using SegmentMiner.Core.Models;
using SegmentMiner.Embedded.Dmx;
using SegmentMiner.Xmla;

namespace SegmentMiner.Embedded.Xmla;

/// <summary>
/// A prediction join on SHAPE: the cases of the first OPENQUERY, each carrying, per appended OPENQUERY, the rows whose
/// nested column equals its case column as a nested table. Scalar columns bind as in any prediction join; a nested
/// table binds by NATURAL (its name and its key column's) or ON [model].[table].[key] = t.[table].[column].
/// </summary>
public sealed partial class XmlaService
{
    private sealed record AppendedRows(string Name, StructureColumn Table, int CaseColumn, List<string> Columns, Dictionary<string, List<object?[]>> Rows);

    private (DmxRows, IDmxFunctions) ShapePrediction(DmxPredictionJoin join, DmxShapeInput shape, Context context)
    {
        var (database, _, model) = FindModel(join.Model[^1], context);
        RequireDataSource(database, shape.Cases.DataSource);
        var (schema, view, columns, where) = ParseSourceQuery(shape.Cases.Query);
        var trained = TrainedOrFault(model.Name);
        var tables = shape.Appended.Select(a => Appended(database, model, a, columns, context)).ToList();
        var names = columns.Concat(tables.Select(t => t.Name)).ToList();
        var bindings = Bindings(join, model, names);
        var items = NestedItems(join, model, tables);
        foreach (var table in model.Columns.Where(c => c.Content == ContentType.Table && !items.ContainsKey(c.Name)))
        {
            bindings.Remove(table.Name); // a nested table NATURAL names but whose key column the rows lack stays unbound
        }

        var positions = bindings.Where(b => !items.ContainsKey(b.Key)).ToDictionary(b => b.Key, b => columns.FindIndex(c => string.Equals(c, b.Value, StringComparison.OrdinalIgnoreCase)), StringComparer.OrdinalIgnoreCase);
        var rows = _engine.ReadRows(schema, view, columns, context.Cancellation, where).Select(values =>
        {
            var nested = tables.Select(t => (object?)t.Rows.GetValueOrDefault(EmbeddedMiningServer.KeyText(values[t.CaseColumn]), [])).ToArray();
            var inputs = positions.ToDictionary(p => p.Key, p => values[p.Value], StringComparer.OrdinalIgnoreCase);
            for (var t = 0; t < tables.Count; t++)
            {
                if (items.TryGetValue(tables[t].Table.Name, out var item))
                {
                    inputs[tables[t].Table.Name] = ((List<object?[]>)nested[t]!).Select(r => r[item]).Where(v => v is not null).ToList();
                }
            }

            return new DmxRow([.. values, .. nested], new Lazy<ClusterPrediction>(() => trained.Predict(inputs)));
        });
        var output = columns.Select(c => new RowsetColumn(c, null))
            .Concat(tables.Select(t => new RowsetColumn(t.Name, null, t.Columns.Select(c => new RowsetColumn(c, null)).ToList()))).ToList();
        var qualifiers = join.Alias is null ? new List<string>() : [join.Alias];
        return (new DmxRows(output, qualifiers, rows), new ClusterFunctions(model, trained, bindings, names) { NestedItems = items });
    }

    /// <summary>An appended rowset, read once and grouped by its nested column.</summary>
    private AppendedRows Appended(System.Xml.Linq.XElement database, ModelDefinition model, DmxAppend a, List<string> caseColumns, Context context)
    {
        RequireDataSource(database, a.Query.DataSource);
        var table = model.Columns.FirstOrDefault(c => c.Content == ContentType.Table && EndpointCatalog.Same(c.Name, a.Name))
            ?? throw new XmlaFault(XmlaFault.Query, $"Query: the mining model '{model.Name}' has no nested table '{a.Name}'.");
        var (schema, view, columns, where) = ParseSourceQuery(a.Query.Query);
        var caseColumn = caseColumns.FindIndex(c => EndpointCatalog.Same(c, a.CaseColumn));
        var foreignKey = columns.FindIndex(c => EndpointCatalog.Same(c, a.NestedColumn));
        if (caseColumn < 0 || foreignKey < 0)
        {
            throw new XmlaFault(XmlaFault.Query, $"Query: RELATE {a.CaseColumn} TO {a.NestedColumn}: the first must be a column of the case query, the second of the nested query of [{a.Name}].");
        }

        var byKey = _engine.ReadRows(schema, view, columns, context.Cancellation, where)
            .GroupBy(r => EmbeddedMiningServer.KeyText(r[foreignKey]), StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.ToList(), StringComparer.Ordinal);
        return new AppendedRows(a.Name, table, caseColumn, columns, byKey);
    }

    /// <summary>Each bound nested table's item column in its appended rows: by ON terms, or by NATURAL on the key column's name.</summary>
    private static Dictionary<string, int> NestedItems(DmxPredictionJoin join, ModelDefinition model, List<AppendedRows> tables)
    {
        var items = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        if (join.Natural)
        {
            foreach (var t in tables)
            {
                var key = t.Table.Columns[0];
                var index = t.Columns.FindIndex(c => EndpointCatalog.Same(c, key.Name) || EndpointCatalog.Same(c, key.SourceColumn));
                if (index >= 0)
                {
                    items[t.Table.Name] = index;
                }
            }
        }

        foreach (var (modelSide, inputSide) in NestedTerms(join.On, model))
        {
            var table = model.Columns.First(c => c.Content == ContentType.Table && EndpointCatalog.Same(c.Name, modelSide.Parts[^2]));
            var t = tables.FirstOrDefault(x => x.Table == table)
                ?? throw new DmxSyntaxException($"The nested table '{table.Name}' is bound but not appended to the source with SHAPE ... APPEND.", modelSide.At.Line, modelSide.At.Column);
            var index = t.Columns.FindIndex(c => EndpointCatalog.Same(c, inputSide.Last));
            if (!EndpointCatalog.Same(table.Columns[0].Name, modelSide.Last) || index < 0)
            {
                throw new DmxSyntaxException($"The ON term must bind [{model.Name}].[{table.Name}].[{table.Columns[0].Name}] to a column of the nested query of [{t.Name}].", modelSide.At.Line, modelSide.At.Column);
            }

            items[table.Name] = index;
        }

        return items;
    }

    /// <summary>The ON terms that bind a nested table: [model].[table].[column] = t.[table].[column], model side first.</summary>
    private static IEnumerable<(DmxName Model, DmxName Input)> NestedTerms(DmxExpression? on, ModelDefinition model) =>
        Terms(on).OfType<DmxBinary>()
            .Where(b => b is { Operator: "=", Left: DmxName, Right: DmxName })
            .Select(b => (L: (DmxName)b.Left, R: (DmxName)b.Right))
            .Where(x => IsNestedName(x.L, model) || IsNestedName(x.R, model))
            .Select(x => IsNestedName(x.L, model) && EndpointCatalog.Same(x.L.Parts[0], model.Name) ? (x.L, x.R) : (x.R, x.L));

    private static bool IsNestedName(DmxName name, ModelDefinition model) =>
        name.Parts.Count >= 3 && model.Columns.Any(c => c.Content == ContentType.Table && EndpointCatalog.Same(c.Name, name.Parts[^2]));
}
