using SegmentMiner.Embedded.Dmx;
using SegmentMiner.Xmla;

namespace SegmentMiner.Embedded.Xmla;

/// <summary>
/// The functions of [model].CASES: IsTrainingCase (every case: no holdout), IsTestCase (none), IsInNode('node') (the
/// case's cluster, by node name or caption, or the model's root '000'), StructureColumn('column').
/// </summary>
internal sealed class ModelCaseFunctions(IReadOnlyList<string> structure, Mining.ClusteringModel trained) : IDmxFunctions
{
    public RowsetColumn Describe(DmxCall call) => call.Function.ToUpperInvariant() switch
    {
        "STRUCTURECOLUMN" => new RowsetColumn(structure[StructureIndex(call)], null),
        "ISINNODE" => new RowsetColumn("Expression", "xsd:boolean"),
        _ => CaseFunctions.Instance.Describe(call),
    };

    public object? Call(DmxCall call, DmxRow row)
    {
        var c = (ModelCase)row.Context!;
        switch (call.Function.ToUpperInvariant())
        {
            case "STRUCTURECOLUMN":
                return c.Structure[StructureIndex(call)];
            case "ISINNODE":
                var node = Argument(call, "IsInNode takes a node's unique name as a string");
                if (node == "000")
                {
                    return true;
                }

                return c.Prediction.Value.Cluster == Mining.ClusteringModel.Caption(Cluster(call, node));
            default:
                return CaseFunctions.Instance.Call(call, row);
        }
    }

    public (RowsetColumn Column, Func<DmxRow, object?> Value) Name(DmxName name) => NoFunctions.Instance.Name(name);

    private int Cluster(DmxCall call, string node)
    {
        try
        {
            return trained.NodeOf(node);
        }
        catch (Mining.MiningException e)
        {
            throw new DmxSyntaxException(e.Message + ".", call.At.Line, call.At.Column);
        }
    }

    private int StructureIndex(DmxCall call)
    {
        var name = Argument(call, "StructureColumn takes a structure column's name as a string");
        var i = structure.ToList().FindIndex(s => EndpointCatalog.Same(s, name));
        return i >= 0 ? i : throw new DmxSyntaxException($"The mining structure has no column '{name}'.", call.At.Line, call.At.Column);
    }

    private static string Argument(DmxCall call, string what) =>
        call.Arguments.Count == 1 && DmxEvaluator.Constant(call.Arguments[0]) is string s
            ? s
            : throw new DmxSyntaxException($"{what}.", call.At.Line, call.At.Column);
}
