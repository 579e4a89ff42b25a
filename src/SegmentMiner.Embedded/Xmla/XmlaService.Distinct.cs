using SegmentMiner.Core.Mining;
using SegmentMiner.Core.Models;
using SegmentMiner.Embedded.Dmx;
using SegmentMiner.Mining;
using SegmentMiner.Xmla;

namespace SegmentMiner.Embedded.Xmla;

/// <summary>
/// SELECT DISTINCT over a model: the states of one column, as the SELECT DISTINCT FROM &lt;model&gt; page documents
/// them. A discrete column gives its states; a discretized one each bucket's midpoint; a continuous one the midpoint
/// of its training range. RangeMin, RangeMid and RangeMax give a bucket's (or the range's) ends and middle, the
/// first bucket starting at the smallest training value and the last ending at the largest. The Missing state comes
/// first, as a row of nulls.
/// </summary>
public sealed partial class XmlaService
{
    private DmxRows DistinctStates(DmxSelect select, string modelName, Context context)
    {
        var (_, _, model) = FindModel(modelName, context);
        var column = DistinctColumn(select, model);
        var attribute = TrainedOrFault(model.Name).Attributes.Attributes.FirstOrDefault(a => EndpointCatalog.Same(a.Name, column.Name))
            ?? throw new DmxSyntaxException($"The column '{column.Name}' is not an attribute of the mining model '{model.Name}'.", select.At.Line, select.At.Column);
        var ranges = new List<(object? Mid, object? Min, object? Max)> { (null, null, null) };
        ranges.AddRange(Ranges(attribute));
        var columns = new List<RowsetColumn>
        {
            new("Mid", ValueType(attribute)), new("Min", ValueType(attribute)), new("Max", ValueType(attribute)),
        };
        return new DmxRows(columns, [model.Name], ranges.Select(r => new DmxRow([r.Mid, r.Min, r.Max], column.Name)).ToList());
    }

    /// <summary>The one column every item names, bare or inside RangeMin / RangeMid / RangeMax.</summary>
    private static StructureColumn DistinctColumn(DmxSelect select, ModelDefinition model)
    {
        var names = select.Items.Select(i => i.Expression switch
        {
            DmxName n => n,
            DmxCall { Arguments: [DmxName n] } c when c.Function.ToUpperInvariant() is "RANGEMIN" or "RANGEMID" or "RANGEMAX" => n,
            var e => throw DmxSyntaxException.Unsupported(e.At, "SELECT DISTINCT of anything but a column of the model or RangeMin, RangeMid and RangeMax of it"),
        }).ToList();
        if (names.Select(n => n.Last).Distinct(StringComparer.OrdinalIgnoreCase).Count() != 1)
        {
            throw DmxSyntaxException.Unsupported(names[1].At, "SELECT DISTINCT of more than one column");
        }

        return model.Columns.FirstOrDefault(c => EndpointCatalog.Same(c.Name, names[0].Last) && c.Content != ContentType.Table)
            ?? throw new DmxSyntaxException($"The mining model '{model.Name}' has no column '{names[0].Last}'.", names[0].At.Line, names[0].At.Column);
    }

    private static IEnumerable<(object? Mid, object? Min, object? Max)> Ranges(MiningAttribute a)
    {
        if (a.IsContinuous)
        {
            return double.IsNaN(a.Minimum) ? [] : [(Mid(a.Minimum, a.Maximum), a.Minimum, a.Maximum)];
        }

        if (a.Cuts.Length > 0)
        {
            var ends = new[] { a.Minimum }.Concat(a.Cuts).Append(a.Maximum).ToArray();
            return Enumerable.Range(0, ends.Length - 1).Select(i => ((object?)Mid(ends[i], ends[i + 1]), (object?)ends[i], (object?)ends[i + 1]));
        }

        return a.States.Skip(1).Select(s => ((object?)s, (object?)s, (object?)s));
    }

    private static double Mid(double min, double max) => (min + max) / 2;

    private static string ValueType(MiningAttribute a) => a.IsContinuous || a.Cuts.Length > 0 ? "xsd:double" : "xsd:string";
}
