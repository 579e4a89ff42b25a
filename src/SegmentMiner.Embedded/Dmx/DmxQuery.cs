using SegmentMiner.Xmla;

namespace SegmentMiner.Embedded.Dmx;

/// <summary>
/// Runs a parsed SELECT over rows: WHERE, ORDER BY, TOP, the select list (columns, *, expressions, functions, and
/// sub-selects over a nested table column), DISTINCT, then FLATTENED (each nested row joined to its parent, the
/// columns named "alias.column"; a parent with no nested rows keeps one row of nulls).
/// </summary>
public sealed class DmxQuery(DmxSelect select, DmxRows source, IDmxFunctions functions)
{
    private sealed record Output(RowsetColumn Column, Func<DmxRow, object?> Value);

    public (List<RowsetColumn> Columns, List<object?[]> Rows) Run()
    {
        var outputs = Plan();
        IEnumerable<DmxRow> rows = source.Rows;
        if (select.Where is { } where)
        {
            rows = rows.Where(r => DmxEvaluator.Truth(Evaluator(r).Evaluate(where)));
        }

        if (select.OrderBy.Count > 0)
        {
            rows = rows.Select(r => (Row: r, Keys: select.OrderBy.Select(o => Evaluator(r).Evaluate(o.Expression)).ToArray()))
                .OrderBy(x => x.Keys, new KeysComparer(select.OrderBy.Select(o => o.Descending).ToArray()))
                .Select(x => x.Row);
        }

        if (select.Top is { } top)
        {
            rows = rows.Take(TopCount(top));
        }

        var values = rows.Select(r => outputs.Select(o => o.Value(r)).ToArray()).ToList();
        if (select.Distinct)
        {
            values = values.DistinctBy(v => string.Join("\u001f", v.Select(x => Convert.ToString(x, System.Globalization.CultureInfo.InvariantCulture)))).ToList();
        }

        var columns = Typed(Unique(outputs.Select(o => o.Column).ToList()), values);
        return select.Flattened ? Flatten(columns, values) : (columns, values);
    }

    private int TopCount(DmxExpression top) =>
        DmxEvaluator.AsNumber(DmxEvaluator.Constant(top)) is { } n && n >= 0 && n == Math.Floor(n)
            ? (int)n
            : throw new DmxSyntaxException("TOP takes a whole number of rows.", top.At.Line, top.At.Column);

    private DmxEvaluator Evaluator(DmxRow row) => new(n => NameValue(n, row), c => functions.Call(c, row));

    private object? NameValue(DmxName name, DmxRow row)
    {
        var i = source.IndexOf(name);
        return i >= 0 ? row.Values[i] : functions.Name(name).Value(row);
    }

    private List<Output> Plan()
    {
        var outputs = new List<Output>();
        foreach (var item in select.Items)
        {
            switch (item.Expression)
            {
                case DmxStar star:
                    outputs.AddRange(source.Columns.Select((c, i) => new Output(c, r => r.Values[i])));
                    outputs.AddRange(star.Qualifier is null ? functions.Star(star).Select(x => new Output(x.Column, x.Value)) : []);
                    break;
                case DmxName n when source.IndexOf(n) is var i and >= 0:
                    outputs.Add(new Output(source.Columns[i] with { Name = item.Alias ?? source.Columns[i].Name }, r => r.Values[i]));
                    break;
                case DmxName n:
                    var (column, value) = functions.Name(n);
                    outputs.Add(new Output(column with { Name = item.Alias ?? column.Name }, value));
                    break;
                case DmxSubSelect s:
                    outputs.Add(SubSelect(s, item.Alias));
                    break;
                case DmxCall c when !DmxEvaluator.IsScalar(c):
                    outputs.Add(new Output(functions.Describe(c) with { Name = item.Alias ?? functions.Describe(c).Name }, r => functions.Call(c, r)));
                    break;
                default:
                    outputs.Add(new Output(new RowsetColumn(item.Alias ?? "Expression", null), r => Evaluator(r).Evaluate(item.Expression)));
                    break;
            }
        }

        return outputs;
    }

    /// <summary>(SELECT ... FROM nested [WHERE ...]) over a nested table column of each row.</summary>
    private Output SubSelect(DmxSubSelect s, string? alias)
    {
        var from = s.Select.From as DmxTableSource;
        var index = from is { Parts.Count: 1 } ? source.IndexOf(new DmxName(from.Parts, from.At)) : -1;
        if (index < 0 || !source.Columns[index].IsNested)
        {
            throw new DmxSyntaxException($"A sub-select must read a nested table column of the source, such as NODE_DISTRIBUTION; '{string.Join(".", from?.Parts ?? [])}' is not one.", s.At.Line, s.At.Column);
        }

        var nested = source.Columns[index];
        DmxRows Rows(DmxRow? parent) => new(nested.Nested!, [nested.Name],
            parent is null ? [] : ((IEnumerable<object?[]>?)parent.Values[index] ?? []).Select(v => new DmxRow(v, parent.Context)));
        var inner = s.Select with { From = null, Flattened = false };
        var columns = new DmxQuery(inner, Rows(null), functions).Run().Columns;
        return new Output(new RowsetColumn(alias ?? nested.Name, null, columns), r => new DmxQuery(inner, Rows(r), functions).Run().Rows);
    }

    /// <summary>Columns named alike get a number, so every column has its own element ("Expression", "Expression 1").</summary>
    private static List<RowsetColumn> Unique(List<RowsetColumn> columns)
    {
        var taken = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        return columns.Select(c =>
        {
            var name = c.Name;
            for (var n = 1; !taken.Add(name); n++)
            {
                name = $"{c.Name} {n}";
            }

            return c with { Name = name };
        }).ToList();
    }

    /// <summary>A column of unknown type takes the type of its first value.</summary>
    private static List<RowsetColumn> Typed(List<RowsetColumn> columns, List<object?[]> rows) =>
        columns.Select((c, i) => c.Type is not null || c.IsNested ? c : c with { Type = TypeOf(rows.Select(r => r[i]).FirstOrDefault(v => v is not null)) }).ToList();

    internal static string TypeOf(object? v) => v switch
    {
        double or float or decimal => "xsd:double",
        int or short or byte => "xsd:int",
        long => "xsd:long",
        bool => "xsd:boolean",
        DateTime => "xsd:dateTime",
        _ => "xsd:string",
    };

    private static (List<RowsetColumn>, List<object?[]>) Flatten(List<RowsetColumn> columns, List<object?[]> rows)
    {
        var flat = new List<RowsetColumn>();
        foreach (var c in columns)
        {
            flat.AddRange(c.IsNested ? c.Nested!.Select(n => n with { Name = $"{c.Name}.{n.Name}" }) : [c]);
        }

        var result = new List<object?[]>();
        foreach (var row in rows)
        {
            IEnumerable<List<object?>> expanded = [[]];
            for (var i = 0; i < columns.Count; i++)
            {
                var c = columns[i];
                if (!c.IsNested)
                {
                    var v = row[i];
                    expanded = expanded.Select(e => e.Append(v).ToList());
                    continue;
                }

                var nested = ((IEnumerable<object?[]>?)row[i] ?? []).ToList();
                var pieces = nested.Count == 0 ? [new object?[c.Nested!.Count]] : nested;
                expanded = expanded.SelectMany(e => pieces.Select(p => e.Concat(p).ToList()));
            }

            result.AddRange(expanded.Select(e => e.ToArray()));
        }

        return (flat, result);
    }

    private sealed class KeysComparer(bool[] descending) : IComparer<object?[]>
    {
        public int Compare(object?[]? x, object?[]? y)
        {
            for (var i = 0; i < descending.Length; i++)
            {
                var c = DmxEvaluator.Compare(x![i], y![i]);
                if (c != 0)
                {
                    return descending[i] ? -c : c;
                }
            }

            return 0;
        }
    }
}
