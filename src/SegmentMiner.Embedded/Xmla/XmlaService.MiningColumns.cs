using System.Xml.Linq;
using SegmentMiner.Core.Mining;
using SegmentMiner.Core.Models;
using SegmentMiner.Xmla;

namespace SegmentMiner.Embedded.Xmla;

/// <summary>
/// DMSCHEMA_MINING_COLUMNS with the 40 columns its reference page documents, in its order; the columns Analysis
/// Services documents as unsupported (GUIDs, character sets, collations, domains, descriptions) are null, as there.
/// </summary>
public sealed partial class XmlaService
{
    private static readonly RowsetColumn[] MiningColumns =
    [
        S("MODEL_CATALOG"), S("MODEL_SCHEMA"), S("MODEL_NAME"), S("COLUMN_NAME"), S("COLUMN_GUID"), I("COLUMN_PROPID"), I("ORDINAL_POSITION"),
        B("COLUMN_HAS_DEFAULT"), S("COLUMN_DEFAULT"), I("COLUMN_FLAGS"), B("IS_NULLABLE"), I("DATA_TYPE"), S("TYPE_GUID"),
        I("CHARACTER_MAXIMUM_LENGTH"), I("CHARACTER_OCTET_LENGTH"), I("NUMERIC_PRECISION"), I("NUMERIC_SCALE"), I("DATETIME_PRECISION"),
        S("CHARACTER_SET_CATALOG"), S("CHARACTER_SET_SCHEMA"), S("CHARACTER_SET_NAME"), S("COLLATION_CATALOG"), S("COLLATION_SCHEMA"), S("COLLATION_NAME"),
        S("DOMAIN_CATALOG"), S("DOMAIN_SCHEMA"), S("DOMAIN_NAME"), S("DESCRIPTION"), S("DISTRIBUTION_FLAG"), S("CONTENT_TYPE"), S("MODELING_FLAG"),
        B("IS_RELATED_TO_KEY"), S("RELATED_ATTRIBUTE"), B("IS_INPUT"), B("IS_PREDICTABLE"), S("CONTAINING_COLUMN"),
        S("PREDICTION_SCALAR_FUNCTIONS"), S("PREDICTION_TABLE_FUNCTIONS"), B("IS_POPULATED"), D("PREDICTION_SCORE"), S("SOURCE_COLUMN"),
    ];

    private IEnumerable<object?[]> MiningColumnRows(XElement database, ModelDefinition model)
    {
        var populated = _engine.Store.ReadState(model.Name) is not null;
        var columns = model.Columns.Where(c => c.Content == ContentType.Key || model.UsageOf(c) != ColumnUsage.Ignore)
            .SelectMany(c => c.Content == ContentType.Table ? c.Columns.Select(n => (Column: n, Containing: (string?)c.Name)).Prepend((c, null)) : [(c, null)])
            .ToList();
        return columns.Select((x, i) =>
        {
            var (c, containing) = x;
            var usage = containing is null ? model.UsageOf(c) : ColumnUsage.Input;
            var predictable = usage is ColumnUsage.Predict or ColumnUsage.PredictOnly;
            var nullable = !c.Flags.Contains("NOT NULL") && c.Content != ContentType.Key;
            return new object?[]
            {
                EndpointCatalog.Name(database), null, model.Name, c.Name, null, null, i + 1,
                false, null, nullable ? 0x60 : 0, nullable, DataTypeIndicator(c), null,
                c.Type == MiningDataType.Text ? 0 : null, c.Type == MiningDataType.Text ? 0 : null, c.Type is MiningDataType.Long or MiningDataType.Double ? (c.Type == MiningDataType.Long ? 19 : 15) : null, null,
                c.Type == MiningDataType.Date ? 0 : null,
                null, null, null, null, null, null, null, null, null, null, null, ContentTypeName(c), c.Flags.Contains("MODEL_EXISTENCE_ONLY") ? "MODEL_EXISTENCE_ONLY" : "",
                false, null, usage is ColumnUsage.Input or ColumnUsage.Predict && c.Content != ContentType.Key, predictable, containing,
                predictable ? "Predict,PredictProbability,PredictSupport,PredictNodeId" : null, predictable ? $"PredictHistogram({c.Name})" : null,
                populated, null, c.Name,
            };
        });
    }

    /// <summary>The OLE DB type indicator: TEXT DBTYPE_WCHAR (130), LONG DBTYPE_I8 (20), DOUBLE DBTYPE_R8 (5), DATE DBTYPE_DATE (7), BOOLEAN DBTYPE_BOOL (11), TABLE DBTYPE_HCHAPTER (136).</summary>
    private static int DataTypeIndicator(StructureColumn c) => c.Content == ContentType.Table ? 136 : c.Type switch
    {
        MiningDataType.Long => 20,
        MiningDataType.Double => 5,
        MiningDataType.Date => 7,
        MiningDataType.Boolean => 11,
        _ => 130,
    };

    private static string ContentTypeName(StructureColumn c) => c.Content == ContentType.Discretized
        ? $"DISCRETIZED({(c.Discretization ?? DiscretizationMethod.Automatic).ToString().ToUpperInvariant()},{c.Buckets ?? 5})"
        : c.Content.ToString().ToUpperInvariant();
}
