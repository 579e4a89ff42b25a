using SegmentMiner.Core.Mining;
using SegmentMiner.Core.Models;
using SegmentMiner.Embedded.Dmx;
using SegmentMiner.Xmla;

namespace SegmentMiner.Embedded.Xmla;

/// <summary>
/// Drillthrough: [structure].CASES reads the structure's cases from its case view (structures keep every case for
/// training; there is no holdout). [model].CASES reads the model's columns of the same cases when the model's
/// definition turns drillthrough on, with IsInNode (the cluster a case belongs to) and StructureColumn; otherwise it
/// is refused with the documented error.
/// </summary>
public sealed partial class XmlaService
{
    private async Task<DmxRows> StructureCasesAsync(string name, Context context)
    {
        var (_, _, model) = FindModel(name, context);
        var (columns, rows) = await CasesAsync(model, model.Columns.Where(c => c.Content != ContentType.Table).ToList(), context);
        return new DmxRows(columns, [name], rows.Select(r => new DmxRow(r.Values)));
    }

    private async Task<(DmxRows, IDmxFunctions)> ModelCasesAsync(string name, Context context)
    {
        var (_, structure, model) = FindModel(name, context);
        var isStructure = EndpointCatalog.Same(EndpointCatalog.Name(structure), name);
        if (!model.Model.Drillthrough)
        {
            throw new XmlaFault(XmlaFault.Query, $"Drillthrough is not enabled on the '{name}' mining {(isStructure ? "structure" : "model")} (model '{model.Name}'); its definition keeps drillthrough off (\"drillthrough\": true in the model turns it on).");
        }

        var trained = TrainedOrFault(model.Name);
        var scalar = model.Columns.Where(c => c.Content != ContentType.Table).ToList();
        var modelled = scalar.Where(c => c.Content == ContentType.Key || model.UsageOf(c) != ColumnUsage.Ignore).ToList();
        var (columns, rows) = await CasesAsync(model, scalar, context);
        var positions = modelled.Select(c => scalar.IndexOf(c)).ToArray();
        var cases = rows.Select(r => new DmxRow(
            positions.Select(i => r.Values[i]).ToArray(),
            new ModelCase(r.Values, new Lazy<ClusterPrediction>(() => trained.Predict(Inputs(model, scalar, r.Values))))));
        var functions = new ModelCaseFunctions(scalar.Select(c => c.Name).ToList(), trained);
        return (new DmxRows(positions.Select(i => columns[i]).ToList(), [name], cases), functions);
    }

    private static Dictionary<string, object?> Inputs(ModelDefinition model, List<StructureColumn> scalar, object?[] values) =>
        scalar.Select((c, i) => (c, i))
            .Where(x => x.c.Content != ContentType.Key && model.UsageOf(x.c) is ColumnUsage.Input or ColumnUsage.Predict)
            .ToDictionary(x => x.c.Name, x => values[x.i], StringComparer.OrdinalIgnoreCase);

    /// <summary>The structure's scalar columns read from the case view, streamed, with their XML types.</summary>
    private async Task<(List<RowsetColumn> Columns, IEnumerable<DmxRow> Rows)> CasesAsync(ModelDefinition model, List<StructureColumn> scalar, Context context)
    {
        var source = await _engine.CaseSourceAsync(model, context.Cancellation);
        var index = scalar.Select(c => source.Columns.ToList().FindIndex(s => string.Equals(s, c.Name, StringComparison.OrdinalIgnoreCase))).ToArray(); // the source names columns by their mining names
        var columns = scalar.Select(c => new RowsetColumn(c.Name, c.Type switch
        {
            MiningDataType.Long => "xsd:long",
            MiningDataType.Double => "xsd:double",
            MiningDataType.Boolean => "xsd:boolean",
            MiningDataType.Date => "xsd:dateTime",
            _ => "xsd:string",
        })).ToList();
        return (columns, source.Read().Select(r => new DmxRow(index.Select(i => i >= 0 && r[i] is not DBNull ? r[i] : null).ToArray())));
    }

    /// <summary>[model].PMML: one row, the model as a PMML 4.1 document (the columns of DMSCHEMA_MINING_MODEL_CONTENT_PMML).</summary>
    private DmxRows PmmlRows(string name, Context context)
    {
        var (database, _, model) = FindModel(name, context);
        return new DmxRows(PmmlColumns, [model.Name], [new DmxRow(PmmlRow(database, model))]);
    }
}
