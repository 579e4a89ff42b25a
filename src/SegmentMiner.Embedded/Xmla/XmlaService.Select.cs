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
            {
                var rows = DistinctStates(select, t.Parts[0], context);
                return (rows, new RangeFunctions((string)rows.Rows.First().Context!, rows.Columns));
            }

            case DmxTableSource t when t.Parts.Count == 2 && string.Equals(t.Parts[0], "$system", StringComparison.OrdinalIgnoreCase):
                return (SystemRows(t.Parts[1], context), NoFunctions.Instance);
            case DmxTableSource t when t.Suffix("CONTENT") is not null:
                return ContentSource(t.Parts[^2], context);

            case DmxTableSource t when t.Suffix("CASES") is not null:
                return await ModelCasesAsync(t.Parts[^2], context);
            case DmxTableSource t when t.Suffix("DIMENSIONCONTENT") is not null:
                return ContentSource(t.Parts[^2], context); // a clustering model's mining dimension is its node tree
            case DmxTableSource t when t.Suffix("PMML") is not null:
                return (PmmlRows(t.Parts[^2], context), NoFunctions.Instance);
            case DmxTableSource t when t.Parts.Count == 1:
                return MarginalPrediction(t.Parts[0], context);

            case DmxPredictionJoin j when j.Input is DmxSingletonInput singleton:
                return SingletonPrediction(j, singleton, context);
            case DmxPredictionJoin j when j.Input is DmxOpenQueryInput query:
                return OpenQueryPrediction(j, query, context);
            case DmxPredictionJoin j when j.Input is DmxShapeInput shape:
                return ShapePrediction(j, shape, context);
            case DmxPredictionJoin j:
                throw DmxSyntaxException.Unsupported(j.Input.At, "This PREDICTION JOIN input in a statement of this form");
            default:
                throw DmxSyntaxException.Unsupported(select.From?.At ?? select.At, $"SELECT FROM {string.Join(".", (select.From as DmxTableSource)?.Parts ?? [])}");
        }
    }

    private (DmxRows, IDmxFunctions) ContentSource(string name, Context context)
    {
        var (database, _, model) = FindModel(name, context);
        var rows = ContentRows(EndpointCatalog.Name(database), model.Name, flattened: false).Select(v => new DmxRow(v)).ToList();
        var columns = ContentColumns(false);
        return (new DmxRows(columns, [model.Name], rows), new ContentFunctions(columns, rows));
    }

    private bool IsStructure(string name, Context context) =>
        EndpointCatalog.Same(EndpointCatalog.Name(FindModel(name, context).Structure), name);

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

            return (Name: name, Value: i.Expression is DmxSubSelect nested ? NestedRows(nested, constants) : constants.Evaluate(i.Expression));
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
    /// SELECT ... FROM [model] with no PREDICTION JOIN: one prediction on a case with no values, the marginal
    /// prediction the Prediction Queries page describes.
    /// </summary>
    private (DmxRows, IDmxFunctions) MarginalPrediction(string name, Context context)
    {
        var (_, _, model) = FindModel(name, context);
        var trained = TrainedOrFault(model.Name);
        var empty = new Dictionary<string, object?>(StringComparer.OrdinalIgnoreCase);
        var rows = new List<DmxRow> { new([], new Lazy<ClusterPrediction>(() => trained.Predict(empty))) };
        var bindings = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        return (new DmxRows([], [], rows), new ClusterFunctions(model, trained, bindings, []));
    }

    /// <summary>
    /// A prediction join on OPENQUERY: the cases are the rows of a case view of a deployed structure, read through a
    /// data source of the model's database, streamed; bound by NATURAL or ON as singleton cases are.
    /// </summary>
    private (DmxRows, IDmxFunctions) OpenQueryPrediction(DmxPredictionJoin join, DmxOpenQueryInput input, Context context)
    {
        var (database, _, model) = FindModel(join.Model[^1], context);
        RequireDataSource(database, input.DataSource);
        var (schema, view, columns, where) = ParseSourceQuery(input.Query);
        var trained = TrainedOrFault(model.Name);
        var bindings = Bindings(join, model, columns);
        var positions = bindings.ToDictionary(b => b.Key, b => columns.FindIndex(c => string.Equals(c, b.Value, StringComparison.OrdinalIgnoreCase)), StringComparer.OrdinalIgnoreCase);
        var rows = _engine.ReadRows(schema, view, columns, context.Cancellation, where).Select(values =>
            new DmxRow(values, new Lazy<ClusterPrediction>(() => trained.Predict(positions.ToDictionary(p => p.Key, p => values[p.Value], StringComparer.OrdinalIgnoreCase)))));
        var qualifiers = join.Alias is null ? new List<string>() : [join.Alias];
        return (new DmxRows(columns.Select(c => new RowsetColumn(c, null)).ToList(), qualifiers, rows), new ClusterFunctions(model, trained, bindings, columns));
    }

    /// <summary>A nested table of a singleton case: each SELECT of the sub-select (and its UNIONs) is a row, its first value the key.</summary>
    private static List<object?> NestedRows(DmxSubSelect nested, DmxEvaluator constants) =>
        new[] { nested.Select }.Concat(nested.Union)
            .Select(row => row.From is null && row.Items.Count > 0
                ? constants.Evaluate(row.Items[0].Expression)
                : throw DmxSyntaxException.Unsupported(row.At, "A nested table of a singleton query reading FROM a table"))
            .ToList();

    private static string MaybeType(List<DmxRow> rows, int i) => DmxQuery.TypeOf(rows.Select(r => r.Values[i]).FirstOrDefault(v => v is not null));

    /// <summary>Model column to input column, from NATURAL (same names) or ON (equalities joined by AND).</summary>
    private static Dictionary<string, string> Bindings(DmxPredictionJoin join, ModelDefinition model, List<string> inputs)
    {
        var scalar = model.Columns.Where(c => c.Content != ContentType.Table).ToList();
        var bindings = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        if (join.Natural)
        {
            foreach (var c in model.Columns)
            {
                // Names match ignoring case and outer spaces ("[v Assoc Seq Line Items ]" on the PREDICTION JOIN page).
                if (inputs.FirstOrDefault(i => EndpointCatalog.Same(i.Trim(), c.Name)) is { } input)
                {
                    bindings[c.Name] = input;
                }
            }
        }

        foreach (var term in Terms(join.On).Where(t => !(t is DmxBinary { Left: DmxName l, Right: DmxName r } && (IsNestedName(l, model) || IsNestedName(r, model)))))
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
