using System.Xml.Linq;
using SegmentMiner.Core.Mining;
using SegmentMiner.Core.Models;
using SegmentMiner.Embedded.Dmx;
using SegmentMiner.Xmla;

namespace SegmentMiner.Embedded.Xmla;

/// <summary>
/// DMX SELECT through the parser: content queries (column lists, WHERE, TOP, ORDER BY, FLATTENED, sub-selects over
/// NODE_DISTRIBUTION), <c>$system</c> rowsets as tables, and prediction joins on singleton cases.
/// </summary>
public sealed partial class XmlaService
{
    private async Task<XElement> SelectAsync(string text, Context context)
    {
        try
        {
            var select = DmxParser.ParseSelect(text);
            var (rows, functions) = await SourceAsync(select, context);
            var (columns, values) = new DmxQuery(select, rows, functions).Run();
            return RowsetWriter.Write(columns, values);
        }
        catch (DmxSyntaxException e)
        {
            throw new XmlaFault(XmlaFault.Query, e.Message);
        }
        catch (Core.SegmentMinerException e)
        {
            throw new XmlaFault(XmlaFault.Query, e.Message);
        }
    }

    private async Task<(DmxRows Rows, IDmxFunctions Functions)> SourceAsync(DmxSelect select, Context context)
    {
        switch (select.From)
        {
            case DmxTableSource t when t.Suffix("CASES") is not null && IsStructure(t.Parts[^2], context):
                return (await StructureCasesAsync(t.Parts[^2], context), CaseFunctions.Instance);
            case DmxTableSource t when select.Distinct && t.Parts.Count == 1:
                return (DistinctStates(select, t.Parts[0], context), NoFunctions.Instance);
            case DmxTableSource t when t.Parts.Count == 2 && string.Equals(t.Parts[0], "$system", StringComparison.OrdinalIgnoreCase):
                return (SystemRows(t.Parts[1], context), NoFunctions.Instance);
            case DmxTableSource t when t.Suffix("CONTENT") is not null:
            {
                var (database, _, model) = FindModel(t.Parts[^2], context);
                var rows = ContentRows(EndpointCatalog.Name(database), model.Name, flattened: false).Select(v => new DmxRow(v)).ToList();
                var columns = ContentColumns(false);
                return (new DmxRows(columns, [model.Name], rows), new ContentFunctions(columns, rows));
            }

            case DmxTableSource t when t.Suffix("CASES") is not null:
            {
                var (_, structure, model) = FindModel(t.Parts[^2], context);
                throw new XmlaFault(XmlaFault.Query, $"Drillthrough is not enabled on the '{t.Parts[^2]}' mining {(EndpointCatalog.Same(EndpointCatalog.Name(structure), t.Parts[^2]) ? "structure" : "model")} (model '{model.Name}'); this server keeps drillthrough off.");
            }

            case DmxPredictionJoin j when j.Input is DmxSingletonInput singleton:
                return SingletonPrediction(j, singleton, context);
            case DmxPredictionJoin j when j.Input is DmxOpenQueryInput query:
                return OpenQueryPrediction(j, query, context);
            case DmxPredictionJoin j:
                throw DmxSyntaxException.Unsupported(j.Input.At, "This PREDICTION JOIN input in a statement of this form");
            default:
                throw DmxSyntaxException.Unsupported(select.From?.At ?? select.At, $"SELECT FROM {string.Join(".", (select.From as DmxTableSource)?.Parts ?? [])}");
        }
    }

    private bool IsStructure(string name, Context context) =>
        EndpointCatalog.Same(EndpointCatalog.Name(FindModel(name, context).Structure), name);

    /// <summary>
    /// [structure].CASES: the structure's cases, read from its case view (structures keep every case for training;
    /// there is no holdout), with the structure's column names.
    /// </summary>
    private async Task<DmxRows> StructureCasesAsync(string name, Context context)
    {
        var (_, _, model) = FindModel(name, context);
        var source = await _engine.CaseSourceAsync(model, context.Cancellation);
        var scalar = model.Columns.Where(c => c.Content != ContentType.Table).ToList();
        var index = scalar.Select(c => source.Columns.ToList().FindIndex(s => string.Equals(s, c.SourceColumn, StringComparison.OrdinalIgnoreCase))).ToArray();
        var columns = scalar.Select(c => new RowsetColumn(c.Name, c.Type switch
        {
            MiningDataType.Long => "xsd:long",
            MiningDataType.Double => "xsd:double",
            MiningDataType.Boolean => "xsd:boolean",
            MiningDataType.Date => "xsd:dateTime",
            _ => "xsd:string",
        })).ToList();
        var rows = source.Read().Select(r => new DmxRow(index.Select(i => i >= 0 ? r[i] : null).ToArray()));
        return new DmxRows(columns, [name], rows);
    }

    /// <summary>
    /// SELECT DISTINCT [column] FROM [model]: the states the model knows for a discrete column (from the root node's
    /// distribution, Missing last), or the mean for a continuous one.
    /// </summary>
    private DmxRows DistinctStates(DmxSelect select, string modelName, Context context)
    {
        var (_, _, model) = FindModel(modelName, context);
        var names = select.Items.Select(i => i.Expression).OfType<DmxName>().Select(n => n.Last).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        if (names.Count != 1 || select.Items.Count != 1)
        {
            throw DmxSyntaxException.Unsupported(select.At, "SELECT DISTINCT of anything but one column of the model");
        }

        var column = model.Columns.FirstOrDefault(c => EndpointCatalog.Same(c.Name, names[0]) && c.Content != ContentType.Table)
            ?? throw new DmxSyntaxException($"The mining model '{model.Name}' has no column '{names[0]}'.", select.Items[0].Expression.At.Line, select.Items[0].Expression.At.Column);
        var root = TrainedOrFault(model.Name).Content()[0];
        var states = root.NodeDistribution.Where(d => EndpointCatalog.Same(d.AttributeName, column.Name))
            .OrderBy(d => d.ValueType == MiningValueType.Missing ? 1 : 0)
            .Select(d => new DmxRow([d.ValueType == MiningValueType.Missing ? null : DistributionValue(d)]))
            .DistinctBy(r => r.Values[0])
            .ToList();
        return new DmxRows([new RowsetColumn(column.Name, null)], [model.Name], states);
    }

    /// <summary>A schema rowset as a table: the Discover answer with no restrictions, filtered by the query's WHERE.</summary>
    private DmxRows SystemRows(string rowset, Context context)
    {
        var read = RowsetReader.Read(Discover(rowset, new Dictionary<string, List<string>>(StringComparer.OrdinalIgnoreCase), context));
        var columns = read.Columns;
        var rows = read.Rows.Select(r => new DmxRow(columns.Select(c => c.IsNested
            ? (object?)r.Table(c.Name).Select(n => c.Nested!.Select(x => n[x.Name]).ToArray()).ToList()
            : r[c.Name]).ToArray()));
        return new DmxRows(columns, ["$system", rowset], rows.ToList());
    }

    /// <summary>
    /// A prediction join on singleton cases: each SELECT of the input is a case, its aliases the column names; NATURAL
    /// binds them to model columns by name, ON by [model].[column] = alias.[column] terms joined by AND.
    /// </summary>
    private (DmxRows, IDmxFunctions) SingletonPrediction(DmxPredictionJoin join, DmxSingletonInput input, Context context)
    {
        var (_, _, model) = FindModel(join.Model[^1], context);
        var trained = TrainedOrFault(model.Name);
        var constants = new DmxEvaluator(n => throw DmxSyntaxException.Unsupported(n.At, "A column in a singleton query"), c => throw DmxSyntaxException.Unsupported(c.At, "A function in a singleton query"));
        var names = new List<string>();
        var cases = input.Cases.Select(c => c.Items.Select(i =>
        {
            var name = i.Alias ?? (i.Expression as DmxName)?.Last ?? throw DmxSyntaxException.At(i.Expression.At, "AS [column] after a value of a singleton query");
            if (!names.Contains(name, StringComparer.OrdinalIgnoreCase))
            {
                names.Add(name);
            }

            return (Name: name, Value: constants.Evaluate(i.Expression));
        }).ToList()).ToList();
        var bindings = Bindings(join, model, names);
        var rows = cases.Select(c =>
        {
            var values = names.Select(n => c.FirstOrDefault(x => string.Equals(x.Name, n, StringComparison.OrdinalIgnoreCase)).Value).ToArray();
            var inputs = bindings.ToDictionary(b => b.Key, b => values[names.FindIndex(n => string.Equals(n, b.Value, StringComparison.OrdinalIgnoreCase))], StringComparer.OrdinalIgnoreCase);
            return new DmxRow(values, new Lazy<ClusterPrediction>(() => trained.Predict(inputs)));
        }).ToList();
        var qualifiers = join.Alias is null ? new List<string>() : [join.Alias];
        var columns = names.Select(n => new RowsetColumn(n, MaybeType(rows, names.IndexOf(n)))).ToList();
        return (new DmxRows(columns, qualifiers, rows), new ClusterFunctions(model, trained, bindings, names));
    }

    /// <summary>
    /// A prediction join on OPENQUERY: the cases are the rows of a case view of a deployed structure, read through a
    /// data source of the model's database, streamed; bound by NATURAL or ON as singleton cases are.
    /// </summary>
    private (DmxRows, IDmxFunctions) OpenQueryPrediction(DmxPredictionJoin join, DmxOpenQueryInput input, Context context)
    {
        var (database, _, model) = FindModel(join.Model[^1], context);
        RequireDataSource(database, input.DataSource);
        var (schema, view, columns) = ParseSourceQuery(input.Query);
        var trained = TrainedOrFault(model.Name);
        var bindings = Bindings(join, model, columns);
        var positions = bindings.ToDictionary(b => b.Key, b => columns.FindIndex(c => string.Equals(c, b.Value, StringComparison.OrdinalIgnoreCase)), StringComparer.OrdinalIgnoreCase);
        var rows = _engine.ReadRows(schema, view, columns, context.Cancellation).Select(values =>
            new DmxRow(values, new Lazy<ClusterPrediction>(() => trained.Predict(positions.ToDictionary(p => p.Key, p => values[p.Value], StringComparer.OrdinalIgnoreCase)))));
        var qualifiers = join.Alias is null ? new List<string>() : [join.Alias];
        return (new DmxRows(columns.Select(c => new RowsetColumn(c, null)).ToList(), qualifiers, rows), new ClusterFunctions(model, trained, bindings, columns));
    }

    private static string MaybeType(List<DmxRow> rows, int i) => DmxQuery.TypeOf(rows.Select(r => r.Values[i]).FirstOrDefault(v => v is not null));

    /// <summary>Model column to input column, from NATURAL (same names) or ON (equalities joined by AND).</summary>
    private static Dictionary<string, string> Bindings(DmxPredictionJoin join, ModelDefinition model, List<string> inputs)
    {
        var scalar = model.Columns.Where(c => c.Content != ContentType.Table).ToList();
        var bindings = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        if (join.Natural)
        {
            foreach (var c in scalar.Where(c => inputs.Contains(c.Name, StringComparer.OrdinalIgnoreCase)))
            {
                bindings[c.Name] = c.Name;
            }
        }

        foreach (var term in Terms(join.On))
        {
            if (term is not DmxBinary { Operator: "=", Left: DmxName l, Right: DmxName r })
            {
                throw DmxSyntaxException.Unsupported(term.At, "An ON term other than [model].[column] = input.[column]");
            }

            var (modelSide, inputSide) = IsModelColumn(l, model) ? (l, r) : (r, l);
            var column = scalar.FirstOrDefault(c => EndpointCatalog.Same(c.Name, modelSide.Last))
                ?? throw new DmxSyntaxException($"The mining model '{model.Name}' has no column '{modelSide.Last}'.", modelSide.At.Line, modelSide.At.Column);
            if (!inputs.Contains(inputSide.Last, StringComparer.OrdinalIgnoreCase))
            {
                throw new DmxSyntaxException($"The input has no column '{inputSide.Last}'.", inputSide.At.Line, inputSide.At.Column);
            }

            bindings[column.Name] = inputSide.Last;
        }

        return bindings;
    }

    private static bool IsModelColumn(DmxName name, ModelDefinition model) =>
        name.Parts.Count > 1 && EndpointCatalog.Same(name.Parts[^2], model.Name);

    private static IEnumerable<DmxExpression> Terms(DmxExpression? on) => on switch
    {
        null => [],
        DmxBinary { Operator: "AND" } b => Terms(b.Left).Concat(Terms(b.Right)),
        _ => [on],
    };

    /// <summary>
    /// A statement none of the fixed forms matched: a SELECT goes to the parser; a DMX statement this server does not
    /// run is named as such; anything else is a syntax error at its first token.
    /// </summary>
    private async Task<XElement> UnmatchedAsync(string text, Context context)
    {
        var tokens = Tokens(text);
        var first = tokens[0];
        if (first.Is("SELECT"))
        {
            return await SelectAsync(text, context);
        }

        var known = new[] { "CREATE", "ALTER", "EXPORT", "IMPORT", "UPDATE", "INSERT", "DELETE", "DROP", "CALL" };
        if (known.Any(first.Is))
        {
            var words = string.Join(" ", tokens.TakeWhile(t => t.Kind == DmxTokenKind.Name).Take(3).Select(t => t.Text.ToUpperInvariant()));
            throw new XmlaFault(XmlaFault.Query, DmxSyntaxException.Unsupported(first, $"This form of {words}").Message);
        }

        throw new XmlaFault(XmlaFault.Query, DmxSyntaxException.At(first).Message);
    }

    private static List<DmxToken> Tokens(string text)
    {
        try
        {
            return DmxLexer.Tokenize(text);
        }
        catch (DmxSyntaxException e)
        {
            throw new XmlaFault(XmlaFault.Query, e.Message);
        }
    }
}
