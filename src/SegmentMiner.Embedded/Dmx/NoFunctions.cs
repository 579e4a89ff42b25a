using SegmentMiner.Xmla;

namespace SegmentMiner.Embedded.Dmx;

/// <summary>The functions of a source that has none (content, schema rowsets): every call and unknown name is an error.</summary>
public sealed class NoFunctions : IDmxFunctions
{
    public static readonly NoFunctions Instance = new();

    public RowsetColumn Describe(DmxCall call) => throw DmxSyntaxException.Unsupported(call.At, $"The function '{call.Function}' in this query");

    public object? Call(DmxCall call, DmxRow row) => throw DmxSyntaxException.Unsupported(call.At, $"The function '{call.Function}' in this query");

    public (RowsetColumn Column, Func<DmxRow, object?> Value) Name(DmxName name) =>
        throw new DmxSyntaxException($"The column '{string.Join(".", name.Parts)}' does not exist here.", name.At.Line, name.At.Column);
}
