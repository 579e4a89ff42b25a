using SegmentMiner.Embedded.Dmx;
using SegmentMiner.Xmla;

namespace SegmentMiner.Embedded.Xmla;

/// <summary>
/// The functions of a content query: IsDescendant('node') is true for the nodes below that node (its children and
/// theirs), by NODE_UNIQUE_NAME and PARENT_UNIQUE_NAME.
/// </summary>
internal sealed class ContentFunctions(IReadOnlyList<RowsetColumn> columns, IReadOnlyList<DmxRow> rows) : IDmxFunctions
{
    private readonly Dictionary<string, string?> _parents = rows.ToDictionary(
        r => (string)r.Values[Index(columns, "NODE_UNIQUE_NAME")]!, r => (string?)r.Values[Index(columns, "PARENT_UNIQUE_NAME")], StringComparer.OrdinalIgnoreCase);

    public RowsetColumn Describe(DmxCall call) => call.Function.Equals("IsDescendant", StringComparison.OrdinalIgnoreCase)
        ? new RowsetColumn("Expression", "xsd:boolean")
        : NoFunctions.Instance.Describe(call);

    public object? Call(DmxCall call, DmxRow row)
    {
        if (!call.Function.Equals("IsDescendant", StringComparison.OrdinalIgnoreCase))
        {
            return NoFunctions.Instance.Call(call, row);
        }

        if (call.Arguments.Count != 1 || DmxEvaluator.Constant(call.Arguments[0]) is not string ancestor)
        {
            throw new DmxSyntaxException("IsDescendant takes a node's unique name as a string.", call.At.Line, call.At.Column);
        }

        var node = (string?)row.Values[Index(columns, "NODE_UNIQUE_NAME")];
        for (var parent = node is null ? null : _parents.GetValueOrDefault(node); parent is not null; parent = _parents.GetValueOrDefault(parent))
        {
            if (string.Equals(parent, ancestor, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    public (RowsetColumn Column, Func<DmxRow, object?> Value) Name(DmxName name) => NoFunctions.Instance.Name(name);

    private static int Index(IReadOnlyList<RowsetColumn> columns, string name) => columns.ToList().FindIndex(c => c.Name == name);
}
