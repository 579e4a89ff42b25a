using SegmentMiner.Embedded.Dmx;
using SegmentMiner.Xmla;

namespace SegmentMiner.Embedded.Xmla;

/// <summary>The functions of a structure's cases: every case is a training case (structures keep no holdout).</summary>
internal sealed class CaseFunctions : IDmxFunctions
{
    public static readonly CaseFunctions Instance = new();

    public RowsetColumn Describe(DmxCall call) => call.Function.ToUpperInvariant() switch
    {
        "ISTRAININGCASE" or "ISTESTCASE" or "ISTESTINGCASE" => new RowsetColumn("Expression", "xsd:boolean"),
        _ => NoFunctions.Instance.Describe(call),
    };

    public object? Call(DmxCall call, DmxRow row) => call.Function.ToUpperInvariant() switch
    {
        "ISTRAININGCASE" => true,
        "ISTESTCASE" or "ISTESTINGCASE" => false, // IsTestingCase: the Content Queries page's spelling
        _ => NoFunctions.Instance.Call(call, row),
    };

    public (RowsetColumn Column, Func<DmxRow, object?> Value) Name(DmxName name) => NoFunctions.Instance.Name(name);
}
