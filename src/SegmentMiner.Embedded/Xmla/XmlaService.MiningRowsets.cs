using System.Globalization;
using System.Xml.Linq;
using SegmentMiner.Core.Mining;
using SegmentMiner.Core.Models;
using SegmentMiner.Xmla;

namespace SegmentMiner.Embedded.Xmla;

/// <summary>
/// The DMSCHEMA_* rowsets with the columns their reference pages document, in their order (DMSCHEMA_MINING_COLUMNS
/// Rowset, DMSCHEMA_MINING_MODELS Rowset, ...); the columns Analysis Services documents as unsupported (GUIDs,
/// property ids, character sets, collations, domains) are null, as there.
/// </summary>
public sealed partial class XmlaService
{
    // Declared first: the column lists below take it in (static fields start in the order a file declares them).
    private static readonly RowsetColumn[] ColumnFacets =
    [
        I("CHARACTER_MAXIMUM_LENGTH"), I("CHARACTER_OCTET_LENGTH"), I("NUMERIC_PRECISION"), I("NUMERIC_SCALE"), I("DATETIME_PRECISION"),
        S("CHARACTER_SET_CATALOG"), S("CHARACTER_SET_SCHEMA"), S("CHARACTER_SET_NAME"), S("COLLATION_CATALOG"), S("COLLATION_SCHEMA"), S("COLLATION_NAME"),
        S("DOMAIN_CATALOG"), S("DOMAIN_SCHEMA"), S("DOMAIN_NAME"), S("DESCRIPTION"), S("DISTRIBUTION_FLAG"), S("CONTENT_TYPE"), S("MODELING_FLAG"),
        B("IS_RELATED_TO_KEY"), S("RELATED_ATTRIBUTE"),
    ];

    private (IReadOnlyList<RowsetColumn> Columns, IEnumerable<object?[]> Rows) MiningRowset(string rowset, Dictionary<string, List<string>> restrictions, Context context) => rowset switch
    {
        "DMSCHEMA_MINING_SERVICES" => (ServiceColumns, [ServiceRow]),
        "DMSCHEMA_MINING_SERVICE_PARAMETERS" => (ParameterColumns, ParameterRows),
        "DMSCHEMA_MINING_FUNCTIONS" => (FunctionColumns, FunctionRows.Select(f => new object?[] { "Microsoft_Clustering", f.Name, f.Signature, f.Table, f.Description, null, null })),
        "DMSCHEMA_MINING_STRUCTURES" => (StructureColumns, Structures(context, restrictions, "STRUCTURE_CATALOG").Select(x => StructureRow(x.Database, x.Structure, x.Model))),
        "DMSCHEMA_MINING_STRUCTURE_COLUMNS" => (StructureColumnColumns, Structures(context, restrictions, "STRUCTURE_CATALOG").SelectMany(x => StructureColumnRows(x.Database, x.Model))),
        "DMSCHEMA_MINING_COLUMNS" => (MiningColumns, Structures(context, restrictions, "MODEL_CATALOG").SelectMany(x => MiningColumnRows(x.Database, x.Model))),
        "DMSCHEMA_MINING_MODELS" => (ModelColumns, Structures(context, restrictions, "MODEL_CATALOG").Select(x => ModelRow(x.Database, x.Structure, x.Model))),
        "DMSCHEMA_MINING_MODEL_CONTENT" => (ContentColumns(false), ContentRowset(restrictions, context)),
        _ => (PmmlColumns, Structures(context, restrictions, "MODEL_CATALOG").Where(x => _engine.Store.ReadState(x.Model.Name) is not null).Select(x => PmmlRow(x.Database, x.Model))),
    };

    private static readonly RowsetColumn[] ServiceColumns =
    [
        S("SERVICE_NAME"), I("SERVICE_TYPE_ID"), S("SERVICE_DISPLAY_NAME"), S("SERVICE_GUID"), S("DESCRIPTION"), I("PREDICTION_LIMIT"),
        S("SUPPORTED_DISTRIBUTION_FLAGS"), S("SUPPORTED_INPUT_CONTENT_TYPES"), S("SUPPORTED_PREDICTION_CONTENT_TYPES"), S("SUPPORTED_MODELING_FLAGS"),
        S("SUPPORTED_SOURCE_QUERY"), I("TRAINING_COMPLEXITY"), I("PREDICTION_COMPLEXITY"), I("EXPECTED_QUALITY"), I("SCALING"),
        B("ALLOW_INCREMENTAL_INSERT"), B("ALLOW_PMML_INITIALIZATION"), I("CONTROL"), B("ALLOW_DUPLICATE_KEY"), S("VIEWER_TYPE"), S("HELP_FILE"),
        I("HELP_CONTEXT"), S("MSOLAP_SUPPORTS_ANALYSIS_SERVICES_DDL"), B("MSOLAP_SUPPORTS_OLAP_MINING_MODELS"), B("MSOLAP_SUPPORTS_DATA_MINING_DIMENSIONS"),
        B("MSOLAP_SUPPORTS_DRILLTHROUGH"),
    ];

    // Clustering (service type 2); medium training, low prediction complexity; training can be cancelled (1).
    private static readonly object?[] ServiceRow =
    [
        "Microsoft_Clustering", 2, "Microsoft Clustering", null, "SegmentMiner's Microsoft Clustering engine (EM and K-means)", 0,
        null, "KEY,DISCRETE,CONTINUOUS,DISCRETIZED,TABLE", "DISCRETE,CONTINUOUS,DISCRETIZED,TABLE", "MODEL_EXISTENCE_ONLY,NOT NULL",
        null, 2, 1, 2, 2,
        false, false, 1, false, "Microsoft_Cluster_Viewer", null,
        null, "1", false, true,
        true,
    ];

    private static readonly RowsetColumn[] ParameterColumns =
    [
        S("SERVICE_NAME"), S("PARAMETER_NAME"), S("PARAMETER_TYPE"), B("IS_REQUIRED"), I("PARAMETER_FLAGS"), S("DESCRIPTION"), S("DEFAULT_VALUE"),
        S("VALUE_ENUMERATION"), S("HELP_FILE"), I("HELP_CONTEXT"),
    ];

    private static IEnumerable<object?[]> ParameterRows =>
        new (string Name, string Type, string Default, string Values, string Description)[]
        {
            ("CLUSTERING_METHOD", "DBTYPE_I4", "1", "1,2,3,4", "1 scalable EM, 2 EM, 3 scalable K-means, 4 K-means"),
            ("CLUSTER_COUNT", "DBTYPE_I4", "10", "[0,...)", "0 chooses the count from the data"),
            ("CLUSTER_SEED", "DBTYPE_I4", "0", "[0,...)", "Seed of the starting clusters"),
            ("MINIMUM_SUPPORT", "DBTYPE_R8", "1", "[0,...)", "Cases a cluster needs"),
            ("MODELLING_CARDINALITY", "DBTYPE_I4", "10", "[1,50]", "Candidate models"),
            ("SAMPLE_SIZE", "DBTYPE_I4", "50000", "0 or [100,...)", "Cases per buffer; 0 all"),
            ("STOPPING_TOLERANCE", "DBTYPE_R8", "10", "(0,...)", "Convergence threshold"),
            ("MAXIMUM_INPUT_ATTRIBUTES", "DBTYPE_I4", "255", "[0,65535]", "Inputs before feature selection"),
            ("MAXIMUM_STATES", "DBTYPE_I4", "100", "0 or [2,65535]", "States per attribute"),
        }.Select(p => new object?[] { "Microsoft_Clustering", p.Name, p.Type, false, 1, p.Description, p.Default, p.Values, null, null });

    private static readonly RowsetColumn[] FunctionColumns =
        [S("SERVICE_NAME"), S("FUNCTION_NAME"), S("FUNCTION_SIGNATURE"), B("RETURNS_TABLE"), S("DESCRIPTION"), S("HELP_FILE"), I("HELP_CONTEXT")];

    private static readonly (string Name, string Signature, bool Table, string Description)[] FunctionRows =
    [
        ("Cluster", "Cluster()", false, "The cluster most likely to contain the case"),
        ("ClusterProbability", "ClusterProbability([<Node_Caption>])", false, "The probability that the case belongs to the cluster"),
        ("ClusterDistance", "ClusterDistance([<ClusterID expression>])", false, "The distance of the case from the cluster"),
        ("PredictCaseLikelihood", "PredictCaseLikelihood([NORMALIZED|NONNORMALIZED])", false, "The likelihood of the case under the model"),
        ("PredictHistogram", "PredictHistogram(<scalar column reference> | <cluster column reference>)", true, "The histogram of a prediction"),
        ("Predict", "Predict(<scalar column reference> | <table column reference>, ...)", false, "The predicted value, or set of values, of a column"),
        ("PredictProbability", "PredictProbability(<scalar column reference>, [<predicted state>])", false, "The probability of a state"),
        ("PredictSupport", "PredictSupport(<scalar column reference>, [<predicted state>])", false, "The support of a state"),
        ("PredictNodeId", "PredictNodeId(<scalar column reference>)", false, "The node the prediction comes from"),
        ("TopCount", "TopCount(<table expression>, <rank expression>, <count>)", true, "The top rows of a table by a rank"),
        ("RangeMin", "RangeMin(<scalar column reference>)", false, "The start of a state's range"),
        ("RangeMid", "RangeMid(<scalar column reference>)", false, "The middle of a state's range"),
        ("RangeMax", "RangeMax(<scalar column reference>)", false, "The end of a state's range"),
        ("IsDescendant", "IsDescendant(<node unique name>)", false, "Whether a content node is below a node"),
        ("IsInNode", "IsInNode(<node unique name>)", false, "Whether a case belongs to a node"),
        ("IsTrainingCase", "IsTrainingCase()", false, "Whether a case is a training case"),
        ("IsTestCase", "IsTestCase()", false, "Whether a case is a test case"),
        ("StructureColumn", "StructureColumn(<structure column name>)", false, "The value of a structure column for a case"),
    ];

    private static readonly RowsetColumn[] StructureColumns =
    [
        S("STRUCTURE_CATALOG"), S("STRUCTURE_SCHEMA"), S("STRUCTURE_NAME"), S("STRUCTURE_GUID"), S("DESCRIPTION"), I("STRUCTURE_PROPID"),
        T("DATE_CREATED"), T("DATE_MODIFIED"), S("CREATION_STATEMENT"), B("IS_POPULATED"), T("LAST_PROCESSED"), I("HOLDOUT_MAXPERCENT"),
        new("HOLDOUT_MAXCASES", "xsd:long"), new("HOLDOUT_SEED", "xsd:long"), new("HOLDOUT_ACTUAL_SIZE", "xsd:long"),
    ];

    // Structures keep no holdout: the holdout limits are 0 and its actual size 0 once processed.
    private object?[] StructureRow(XElement database, XElement structure, ModelDefinition model)
    {
        var state = _engine.Store.ReadState(model.Name);
        return
        [
            EndpointCatalog.Name(database), null, EndpointCatalog.Name(structure), null, structure.Element(Ns.Engine + "Description")?.Value ?? "", null,
            Modified(structure), Modified(structure), null, state is not null, state?.ProcessedAt, 0, 0L, 0L, state is null ? null : 0L,
        ];
    }

    private static readonly RowsetColumn[] StructureColumnColumns =
    [
        S("STRUCTURE_CATALOG"), S("STRUCTURE_SCHEMA"), S("STRUCTURE_NAME"), S("COLUMN_NAME"), S("COLUMN_GUID"), I("COLUMN_PROPID"), I("ORDINAL_POSITION"),
        B("COLUMN_HASDEFAULT"), S("COLUMN_DEFAULT"), I("COLUMN_FLAGS"), B("IS_NULLABLE"), I("DATA_TYPE"), S("TYPE_GUID"),
        .. ColumnFacets, S("CONTAINING_COLUMN"), B("IS_POPULATED"),
    ];

    private IEnumerable<object?[]> StructureColumnRows(XElement database, ModelDefinition model)
    {
        var populated = _engine.Store.ReadState(model.Name) is not null;
        return Flattened(model.Columns).Select(object?[] (x, i) =>
        {
            var (c, containing) = x;
            var nullable = !c.Flags.Contains("NOT NULL") && c.Content != ContentType.Key;
            return
            [
                EndpointCatalog.Name(database), null, model.StructureName, c.Name, null, null, i + 1,
                false, null, nullable ? 0x60 : 0, nullable, DataTypeIndicator(c), null, .. TypeFacets(c),
                null, null, null, null, null, null, null, null, null, null, null, ContentTypeName(c), c.Flags.Contains("NOT NULL") ? "NOT NULL" : "",
                false, null, containing, populated,
            ];
        });
    }

    private static IEnumerable<(StructureColumn Column, string? Containing)> Flattened(IEnumerable<StructureColumn> columns) =>
        columns.SelectMany(c => c.Content == ContentType.Table ? c.Columns.Select(n => (n, (string?)c.Name)).Prepend((c, null)) : [(c, null)]);

    /// <summary>CHARACTER_MAXIMUM_LENGTH, CHARACTER_OCTET_LENGTH (0: no maximum, for text), NUMERIC_PRECISION, NUMERIC_SCALE, DATETIME_PRECISION.</summary>
    private static object?[] TypeFacets(StructureColumn c) =>
    [
        c.Type == MiningDataType.Text ? 0 : null, c.Type == MiningDataType.Text ? 0 : null,
        c.Type switch { MiningDataType.Long => 19, MiningDataType.Double => 15, _ => null }, null, c.Type == MiningDataType.Date ? 0 : null,
    ];

    private static readonly RowsetColumn[] ModelColumns =
    [
        S("MODEL_CATALOG"), S("MODEL_SCHEMA"), S("MODEL_NAME"), S("MODEL_TYPE"), S("MODEL_GUID"), S("DESCRIPTION"), I("MODEL_PROPID"),
        T("DATE_CREATED"), T("DATE_MODIFIED"), I("SERVICE_TYPE_ID"), S("SERVICE_NAME"), S("CREATION_STATEMENT"), S("PREDICTION_ENTITY"),
        B("IS_POPULATED"), S("MINING_PARAMETERS"), S("MINING_STRUCTURE"), T("LAST_PROCESSED"), B("MSOLAP_IS_DRILLTHROUGH_ENABLED"), S("FILTER"),
        I("TRAINING_SET_SIZE"),
    ];

    private object?[] ModelRow(XElement database, XElement structure, ModelDefinition model)
    {
        var state = _engine.Store.ReadState(model.Name);
        var processed = state is not null && _engine.Store.ReadDefinition(model.Name)?.Hash == state.DefinitionHash;
        return
        [
            EndpointCatalog.Name(database), null, model.Name, "Microsoft_Clustering", null, model.Description ?? "", null,
            Modified(structure), Modified(structure), 2, "Microsoft_Clustering", null, PredictionEntity(model),
            processed, string.Join(",", model.Model.ParameterPairs.Select(p => $"{p.Key}={p.Value}")), model.StructureName,
            processed ? state!.ProcessedAt : null, model.Model.Drillthrough, "", processed ? (int?)Math.Min(state!.Cases, int.MaxValue) : null,
        ];
    }

    /// <summary>
    /// The content of the models in scope. TREE_OPERATION (a bitmask: children 1, siblings 2, parent 4, self 8,
    /// descendants 16, ancestors 32) takes the NODE_UNIQUE_NAME restriction as the node to navigate from.
    /// </summary>
    private IEnumerable<object?[]> ContentRowset(Dictionary<string, List<string>> restrictions, Context context)
    {
        var names = restrictions.GetValueOrDefault("MODEL_NAME") ?? [];
        var models = Structures(context, restrictions, "MODEL_CATALOG").Where(x => names.Count == 0 || names.Any(n => EndpointCatalog.Same(n, x.Model.Name))).ToList();
        if (names.Count > 0 && models.Count == 0)
        {
            throw new XmlaFault(XmlaFault.Query, $"Either the user does not have permission to access the '{names[0]}' mining model, or it does not exist.");
        }

        var rows = models.SelectMany(x => ContentRows(EndpointCatalog.Name(x.Database), x.Model.Name, flattened: false));
        if (restrictions.GetValueOrDefault("TREE_OPERATION") is not [var op, ..])
        {
            return rows;
        }

        var anchor = restrictions.GetValueOrDefault("NODE_UNIQUE_NAME") is [var a, ..] ? a
            : throw new XmlaFault(XmlaFault.Query, "The TREE_OPERATION restriction needs a NODE_UNIQUE_NAME restriction: the node to navigate from.");
        if (!uint.TryParse(op, NumberStyles.Integer, CultureInfo.InvariantCulture, out var operation) || operation is 0 or > 63)
        {
            throw new XmlaFault(XmlaFault.Query, $"The TREE_OPERATION restriction '{op}' is not a combination of DMTREEOP_CHILDREN (1), SIBLINGS (2), PARENT (4), SELF (8), DESCENDANTS (16) and ANCESTORS (32).");
        }

        return rows.GroupBy(r => (string?)r[2]).SelectMany(g => TreeOperation(g.ToList(), anchor, operation));
    }

    private static IEnumerable<object?[]> TreeOperation(List<object?[]> rows, string anchor, uint operation)
    {
        var columns = ContentColumns(false).Select(c => c.Name).ToList();
        int name = columns.IndexOf("NODE_UNIQUE_NAME"), parentAt = columns.IndexOf("PARENT_UNIQUE_NAME");
        var parent = rows.ToDictionary(r => (string)r[name]!, r => r[parentAt] as string, StringComparer.OrdinalIgnoreCase);
        if (!parent.ContainsKey(anchor))
        {
            return [];
        }

        bool Below(string? node, string ancestor)
        {
            for (var p = node is null ? null : parent.GetValueOrDefault(node); p is not null; p = parent.GetValueOrDefault(p))
            {
                if (EndpointCatalog.Same(p, ancestor))
                {
                    return true;
                }
            }

            return false;
        }

        var up = parent[anchor];
        return rows.Where(r =>
        {
            var node = (string)r[name]!;
            var self = EndpointCatalog.Same(node, anchor);
            return ((operation & 1) != 0 && EndpointCatalog.Same(parent[node] ?? "", anchor))
                || ((operation & 2) != 0 && !self && up is not null && EndpointCatalog.Same(parent[node] ?? "", up))
                || ((operation & 4) != 0 && up is not null && EndpointCatalog.Same(node, up))
                || ((operation & 8) != 0 && self)
                || ((operation & 16) != 0 && Below(node, anchor))
                || ((operation & 32) != 0 && Below(anchor, node));
        });
    }

    private static readonly RowsetColumn[] PmmlColumns =
    [
        S("MODEL_CATALOG"), S("MODEL_SCHEMA"), S("MODEL_NAME"), S("MODEL_TYPE"), S("MODEL_GUID"), S("MODEL_PMML"), I("SIZE"), S("LOCATION"),
    ];

    /// <summary>A processed model as PMML (DMSCHEMA_MINING_MODEL_CONTENT_PMML and _XML; SELECT * FROM [model].PMML); SIZE in bytes of UTF-8.</summary>
    private object?[] PmmlRow(XElement database, ModelDefinition model)
    {
        var pmml = PmmlWriter.Write(model, TrainedOrFault(model.Name)).ToString(SaveOptions.DisableFormatting);
        return [EndpointCatalog.Name(database), null, model.Name, model.Model.Algorithm, null, pmml, System.Text.Encoding.UTF8.GetByteCount(pmml), null];
    }

    private static readonly RowsetColumn[] MiningColumns =
    [
        S("MODEL_CATALOG"), S("MODEL_SCHEMA"), S("MODEL_NAME"), S("COLUMN_NAME"), S("COLUMN_GUID"), I("COLUMN_PROPID"), I("ORDINAL_POSITION"),
        B("COLUMN_HAS_DEFAULT"), S("COLUMN_DEFAULT"), I("COLUMN_FLAGS"), B("IS_NULLABLE"), I("DATA_TYPE"), S("TYPE_GUID"),
        .. ColumnFacets, B("IS_INPUT"), B("IS_PREDICTABLE"), S("CONTAINING_COLUMN"),
        S("PREDICTION_SCALAR_FUNCTIONS"), S("PREDICTION_TABLE_FUNCTIONS"), B("IS_POPULATED"), D("PREDICTION_SCORE"), S("SOURCE_COLUMN"),
    ];

    private IEnumerable<object?[]> MiningColumnRows(XElement database, ModelDefinition model)
    {
        var populated = _engine.Store.ReadState(model.Name) is not null;
        var columns = Flattened(model.Columns.Where(c => c.Content == ContentType.Key || model.UsageOf(c) != ColumnUsage.Ignore)).ToList();
        return columns.Select(object?[] (x, i) =>
        {
            var (c, containing) = x;
            var usage = containing is null ? model.UsageOf(c) : ColumnUsage.Input;
            var predictable = usage is ColumnUsage.Predict or ColumnUsage.PredictOnly;
            var nullable = !c.Flags.Contains("NOT NULL") && c.Content != ContentType.Key;
            return
            [
                EndpointCatalog.Name(database), null, model.Name, c.Name, null, null, i + 1,
                false, null, nullable ? 0x60 : 0, nullable, DataTypeIndicator(c), null, .. TypeFacets(c),
                null, null, null, null, null, null, null, null, null, null, null, ContentTypeName(c), c.Flags.Contains("MODEL_EXISTENCE_ONLY") ? "MODEL_EXISTENCE_ONLY" : "",
                false, null, usage is ColumnUsage.Input or ColumnUsage.Predict && c.Content != ContentType.Key, predictable, containing,
                predictable ? "Predict,PredictProbability,PredictSupport,PredictNodeId" : null, predictable ? $"PredictHistogram({c.Name})" : null,
                populated, null, c.Name,
            ];
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
