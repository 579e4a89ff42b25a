using SegmentMiner.Embedded.Dmx;
using SegmentMiner.Xmla;

namespace SegmentMiner.Embedded.Xmla;

/// <summary>
/// The names and functions of SELECT DISTINCT over a model, whose rows hold each state's middle, start and end:
/// the column itself is the middle (a discrete state is its own), RangeMid, RangeMin and RangeMax the parts.
/// </summary>
internal sealed class RangeFunctions(string column, IReadOnlyList<RowsetColumn> columns) : IDmxFunctions
{
    public RowsetColumn Describe(DmxCall call) => columns[Index(call)] with { Name = "Expression" };

    public object? Call(DmxCall call, DmxRow row) => row.Values[Index(call)];

    public (RowsetColumn Column, Func<DmxRow, object?> Value) Name(DmxName name) =>
        EndpointCatalog.Same(name.Last, column)
            ? (columns[0] with { Name = column }, r => r.Values[0])
            : NoFunctions.Instance.Name(name);

    private static int Index(DmxCall call) => call.Function.ToUpperInvariant() switch
    {
        "RANGEMID" => 0,
        "RANGEMIN" => 1,
        "RANGEMAX" => 2,
        _ => throw DmxSyntaxException.Unsupported(call.At, $"The function '{call.Function}' in SELECT DISTINCT"),
    };
}
