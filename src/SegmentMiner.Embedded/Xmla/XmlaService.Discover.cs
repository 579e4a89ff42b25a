using System.Globalization;
using System.Xml.Linq;
using SegmentMiner.Core.Mining;
using SegmentMiner.Core.Models;
using SegmentMiner.Xmla;

namespace SegmentMiner.Embedded.Xmla;

/// <summary>The Discover rowsets: properties, schema rowsets, catalogs, the DMSCHEMA_MINING_* rowsets, XML metadata.</summary>
public sealed partial class XmlaService
{
    /// <summary>The version this endpoint answers to: the protocol level of SQL Server 2019 Analysis Services.</summary>
    public const string DbmsVersion = "15.0.0.0";

    private static readonly string[] Rowsets =
    [
        "DISCOVER_PROPERTIES", "DISCOVER_SCHEMA_ROWSETS", "DBSCHEMA_CATALOGS", "DISCOVER_XML_METADATA",
        "DMSCHEMA_MINING_SERVICES", "DMSCHEMA_MINING_SERVICE_PARAMETERS", "DMSCHEMA_MINING_FUNCTIONS", "DMSCHEMA_MINING_STRUCTURES",
        "DMSCHEMA_MINING_STRUCTURE_COLUMNS", "DMSCHEMA_MINING_MODELS", "DMSCHEMA_MINING_COLUMNS", "DMSCHEMA_MINING_MODEL_CONTENT",
        "DMSCHEMA_MINING_MODEL_CONTENT_PMML", "DMSCHEMA_MINING_MODEL_XML",
        "DISCOVER_DATASOURCES", "DISCOVER_ENUMERATORS", "DISCOVER_KEYWORDS", "DISCOVER_LITERALS", "DBSCHEMA_TABLES",
    ];

    private static RowsetColumn S(string name) => new(name, "xsd:string");

    private static RowsetColumn B(string name) => new(name, "xsd:boolean");

    private static RowsetColumn I(string name) => new(name, "xsd:int");

    private static RowsetColumn D(string name) => new(name, "xsd:double");

    private static RowsetColumn T(string name) => new(name, "xsd:dateTime");

    private XElement Discover(string requestType, Dictionary<string, List<string>> restrictions, Context context)
    {
        bool Match(string column, object? value) =>
            !restrictions.TryGetValue(column, out var wanted) || wanted.Count == 0 || wanted.Any(w => string.Equals(w, Convert.ToString(value, CultureInfo.InvariantCulture), StringComparison.OrdinalIgnoreCase));

        IEnumerable<object?[]> Filter(IReadOnlyList<RowsetColumn> columns, IEnumerable<object?[]> rows, params string[] restrictable) =>
            rows.Where(r => restrictable.All(name => Match(name, r[columns.ToList().FindIndex(c => c.Name == name)])));

        switch (requestType.ToUpperInvariant())
        {
            case "DISCOVER_PROPERTIES":
            {
                RowsetColumn[] cols = [S("PropertyName"), S("PropertyDescription"), S("PropertyType"), S("PropertyAccessType"), B("IsRequired"), S("Value")];
                object?[][] rows =
                [
                    ["DBMSVersion", "The server version", "string", "Read", false, DbmsVersion],
                    ["ProviderName", "The provider name", "string", "Read", false, "SegmentMiner embedded XMLA endpoint"],
                    ["ProviderVersion", "The provider version", "string", "Read", false, typeof(XmlaService).Assembly.GetName().Version?.ToString()],
                    ["Catalog", "The current database", "string", "ReadWrite", false, context.Catalog ?? ""],
                    ["Format", "Tabular, Multidimensional or Native", "string", "Write", false, "Tabular"],
                    ["Content", "Schema, Data, SchemaData or None", "string", "Write", false, "SchemaData"],
                    ["LocaleIdentifier", "The locale", "unsignedInt", "ReadWrite", false, "1033"],
                    ["Timeout", "Seconds a command may run", "unsignedInt", "ReadWrite", false, "0"],
                ];
                return RowsetWriter.Write(cols, Filter(cols, rows, "PropertyName"));
            }

            case "DISCOVER_SCHEMA_ROWSETS":
            {
                RowsetColumn[] cols = [S("SchemaName"), S("SchemaGuid"), new("Restrictions", null, [S("Name"), S("Type")]), S("Description"), I("RestrictionsMask")];
                var rows = Rowsets.Select(r => new object?[] { r, null, RestrictionsOf(r).Select(x => new object?[] { x, "string" }).ToList(), r, 0 });
                return RowsetWriter.Write(cols, Filter(cols, rows, "SchemaName"));
            }

            case "DBSCHEMA_CATALOGS":
            {
                RowsetColumn[] cols = [S("CATALOG_NAME"), S("DESCRIPTION"), S("ROLES"), T("DATE_MODIFIED"), I("COMPATIBILITY_LEVEL"), I("TYPE"), S("DATABASE_ID")];
                var rows = _catalog.Databases.Select(d => new object?[]
                {
                    EndpointCatalog.Name(d), d.Element(Ns.Engine + "Description")?.Value ?? "", "", Modified(d), 1200, 0, EndpointCatalog.Id(d),
                });
                return RowsetWriter.Write(cols, Filter(cols, rows, "CATALOG_NAME"));
            }

            case "DMSCHEMA_MINING_SERVICES" or "DMSCHEMA_MINING_SERVICE_PARAMETERS" or "DMSCHEMA_MINING_FUNCTIONS" or "DMSCHEMA_MINING_STRUCTURES"
                or "DMSCHEMA_MINING_STRUCTURE_COLUMNS" or "DMSCHEMA_MINING_COLUMNS" or "DMSCHEMA_MINING_MODELS" or "DMSCHEMA_MINING_MODEL_CONTENT"
                or "DMSCHEMA_MINING_MODEL_CONTENT_PMML" or "DMSCHEMA_MINING_MODEL_XML":
            {
                var (cols, rows) = MiningRowset(requestType.ToUpperInvariant(), restrictions, context);
                return RowsetWriter.Write(cols, Filter(cols, rows, RestrictionsOf(requestType.ToUpperInvariant()).Where(r => r != "TREE_OPERATION" && !r.EndsWith("_CATALOG", StringComparison.Ordinal)
                    && !(r == "NODE_UNIQUE_NAME" && restrictions.ContainsKey("TREE_OPERATION"))).ToArray()));
            }

            case "DISCOVER_XML_METADATA":
                return XmlMetadata(restrictions);

            case "DBSCHEMA_TABLES":
            {
                // The tables DMX can query: the schema rowsets as $system tables, and each model's CONTENT, CASES and PMML.
                RowsetColumn[] cols = [S("TABLE_CATALOG"), S("TABLE_SCHEMA"), S("TABLE_NAME"), S("TABLE_TYPE"), S("TABLE_GUID"), S("DESCRIPTION"), I("TABLE_PROPID"), T("DATE_CREATED"), T("DATE_MODIFIED"), S("TABLE_OLAP_TYPE")];
                var system = Rowsets.Select(r => new object?[] { context.Catalog, "$system", r, "SYSTEM TABLE", null, r, null, null, null, null });
                var models = Structures(context, new Dictionary<string, List<string>>(), "TABLE_CATALOG").SelectMany(x => new[] { "CONTENT", "CASES", "PMML" }.Select(t =>
                    new object?[] { EndpointCatalog.Name(x.Database), null, $"{x.Model.Name}.{t}", "TABLE", null, $"The {t} of the mining model {x.Model.Name}", null, Modified(x.Structure), Modified(x.Structure), null }));
                return RowsetWriter.Write(cols, Filter(cols, system.Concat(models), "TABLE_SCHEMA", "TABLE_NAME", "TABLE_TYPE", "TABLE_OLAP_TYPE"));
            }

            case "DISCOVER_DATASOURCES" or "DISCOVER_ENUMERATORS" or "DISCOVER_KEYWORDS" or "DISCOVER_LITERALS":
                return ProtocolRowset(requestType.ToUpperInvariant(), restrictions);

            case var md when md.StartsWith("MDSCHEMA_", StringComparison.OrdinalIgnoreCase) && MdSchemaRowsets.Contains(md, StringComparer.OrdinalIgnoreCase):
                // A mining-only server has no cubes: the OLAP rowsets are empty, as on a database without cubes.
                return RowsetWriter.Write([S("CATALOG_NAME"), S("SCHEMA_NAME"), S("CUBE_NAME")], []);

            default:
                throw new XmlaFault(XmlaFault.Parser, $"The '{requestType}' request type was not recognized by the server; supported: {string.Join(", ", Rowsets)}.");
        }
    }

    private static IEnumerable<string> RestrictionsOf(string rowset) => rowset switch
    {
        "DISCOVER_PROPERTIES" => ["PropertyName"],
        "DISCOVER_SCHEMA_ROWSETS" => ["SchemaName"],
        "DBSCHEMA_CATALOGS" => ["CATALOG_NAME"],
        "DISCOVER_XML_METADATA" => ["DatabaseID", "DataSourceID", "DataSourceViewID", "MiningStructureID", "MiningModelID", "ObjectExpansion"],
        "DMSCHEMA_MINING_SERVICES" => ["SERVICE_NAME", "SERVICE_TYPE_ID"],
        "DMSCHEMA_MINING_SERVICE_PARAMETERS" => ["SERVICE_NAME", "PARAMETER_NAME"],
        "DMSCHEMA_MINING_FUNCTIONS" => ["SERVICE_NAME", "FUNCTION_NAME"],
        "DMSCHEMA_MINING_MODEL_CONTENT_PMML" or "DMSCHEMA_MINING_MODEL_XML" => ["MODEL_CATALOG", "MODEL_SCHEMA", "MODEL_NAME", "MODEL_TYPE"],
        "DMSCHEMA_MINING_STRUCTURES" => ["STRUCTURE_CATALOG", "STRUCTURE_SCHEMA", "STRUCTURE_NAME"],
        "DMSCHEMA_MINING_STRUCTURE_COLUMNS" => ["STRUCTURE_CATALOG", "STRUCTURE_SCHEMA", "STRUCTURE_NAME", "COLUMN_NAME"],
        "DMSCHEMA_MINING_MODELS" => ["MODEL_CATALOG", "MODEL_SCHEMA", "MODEL_NAME", "MODEL_TYPE", "SERVICE_NAME", "SERVICE_TYPE_ID", "MINING_STRUCTURE"],
        "DMSCHEMA_MINING_COLUMNS" => ["MODEL_CATALOG", "MODEL_SCHEMA", "MODEL_NAME", "COLUMN_NAME"],
        "DISCOVER_DATASOURCES" => ["DataSourceName"],
        "DISCOVER_ENUMERATORS" => ["EnumName"],
        "DISCOVER_KEYWORDS" => ["Keyword"],
        "DISCOVER_LITERALS" => ["LiteralName"],
        "DBSCHEMA_TABLES" => ["TABLE_CATALOG", "TABLE_SCHEMA", "TABLE_NAME", "TABLE_TYPE", "TABLE_OLAP_TYPE"],
        "DMSCHEMA_MINING_MODEL_CONTENT" => ["MODEL_CATALOG", "MODEL_SCHEMA", "MODEL_NAME", "ATTRIBUTE_NAME", "NODE_NAME", "NODE_UNIQUE_NAME", "NODE_TYPE", "NODE_GUID", "NODE_CAPTION", "TREE_OPERATION"],
        _ => [],
    };

    private static DateTime? Modified(XElement e) =>
        e.Element(Ns.Engine + "LastSchemaUpdate") is { } t ? DateTime.Parse(t.Value, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal) : null;

    /// <summary>
    /// The structures in scope: the catalog named by the restriction, else the request's or session's catalog, else
    /// every database (a client that has not chosen one sees all). An unknown catalog is an error, as on a real server.
    /// </summary>
    private IEnumerable<(XElement Database, XElement Structure, ModelDefinition Model)> Structures(Context context, Dictionary<string, List<string>> restrictions, string catalogRestriction)
    {
        var catalog = restrictions.TryGetValue(catalogRestriction, out var c) && c.Count > 0 ? c[0] : context.Catalog;
        IEnumerable<XElement> databases = _catalog.Databases;
        if (!string.IsNullOrEmpty(catalog))
        {
            var d = _catalog.Databases.FirstOrDefault(x => EndpointCatalog.Same(EndpointCatalog.Name(x), catalog) || EndpointCatalog.Same(EndpointCatalog.Id(x), catalog))
                ?? throw new XmlaFault(XmlaFault.Metadata, $"Either the user does not have access to the '{catalog}' database, or the database does not exist.");
            databases = [d];
        }

        foreach (var d in databases.ToList())
        {
            foreach (var s in EndpointCatalog.Children(d, "MiningStructures", "MiningStructure").ToList())
            {
                yield return (d, s, Definition(d, s));
            }
        }
    }

    /// <summary>PREDICTION_ENTITY: the model's predictable columns (Predict, PredictOnly), comma-separated; null when none.</summary>
    private static string? PredictionEntity(ModelDefinition model)
    {
        var predictable = model.Model.Usage.Where(u => u.Value is ColumnUsage.Predict or ColumnUsage.PredictOnly).Select(u => u.Key).ToList();
        return predictable.Count == 0 ? null : string.Join(",", predictable);
    }

    internal static IReadOnlyList<RowsetColumn> ContentColumns(bool flattened)
    {
        List<RowsetColumn> distribution = [S("ATTRIBUTE_NAME"), new("ATTRIBUTE_VALUE", null), D("SUPPORT"), D("PROBABILITY"), D("VARIANCE"), I("VALUETYPE")];
        List<RowsetColumn> columns =
        [
            S("MODEL_CATALOG"), S("MODEL_SCHEMA"), S("MODEL_NAME"), S("ATTRIBUTE_NAME"), S("NODE_NAME"), S("NODE_UNIQUE_NAME"), I("NODE_TYPE"), S("NODE_GUID"),
            S("NODE_CAPTION"), I("CHILDREN_CARDINALITY"), S("PARENT_UNIQUE_NAME"), S("NODE_DESCRIPTION"), S("NODE_RULE"), S("MARGINAL_RULE"),
            D("NODE_PROBABILITY"), D("MARGINAL_PROBABILITY"),
        ];
        if (flattened)
        {
            columns.AddRange(distribution.Select(d => d with { Name = "NODE_DISTRIBUTION." + d.Name }));
        }
        else
        {
            columns.Add(new RowsetColumn("NODE_DISTRIBUTION", null, distribution));
        }

        columns.AddRange([D("NODE_SUPPORT"), S("MSOLAP_MODEL_COLUMN"), D("MSOLAP_NODE_SCORE"), S("MSOLAP_NODE_SHORT_CAPTION")]);
        return columns;
    }

    /// <summary>Content rows of a processed model; flattened repeats the node once per distribution row.</summary>
    internal IEnumerable<object?[]> ContentRows(string catalog, string model, bool flattened)
    {
        var content = TrainedOrFault(model).Content();

        foreach (var n in content)
        {
            object?[] Head() =>
            [
                catalog, null, n.ModelName, "", n.NodeUniqueName, n.NodeUniqueName, n.NodeType, null, n.NodeCaption, n.ChildrenCardinality,
                n.ParentUniqueName, n.NodeDescription, null, null, n.NodeProbability, n.MarginalProbability,
            ];
            object?[] Tail() => [n.NodeSupport, null, n.MsolapNodeScore, n.MsolapNodeShortCaption];
            var distribution = n.NodeDistribution.Select(d => new object?[]
            {
                d.AttributeName, DistributionValue(d), d.Support, d.Probability, d.Variance, (int)d.ValueType,
            }).ToList();
            if (!flattened)
            {
                yield return [.. Head(), distribution, .. Tail()];
            }
            else if (distribution.Count == 0)
            {
                yield return [.. Head(), null, null, null, null, null, null, .. Tail()];
            }
            else
            {
                foreach (var d in distribution)
                {
                    yield return [.. Head(), .. d, .. Tail()];
                }
            }
        }
    }

    /// <summary>ATTRIBUTE_VALUE is a variant: a number for a continuous mean, text for a state.</summary>
    private static object DistributionValue(DistributionRow d) =>
        d.ValueType == MiningValueType.Continuous && double.TryParse(d.AttributeValue, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? v : d.AttributeValue;

    /// <summary>The processed model; one not deployed or not processed is a query error, as on a real server.</summary>
    private Mining.ClusteringModel TrainedOrFault(string model)
    {
        try
        {
            return _engine.Trained(model);
        }
        catch (Core.SegmentMinerException e)
        {
            throw new XmlaFault(XmlaFault.Query, e.Message);
        }
    }

    private XElement XmlMetadata(Dictionary<string, List<string>> restrictions)
    {
        string? R(string name) => restrictions.TryGetValue(name, out var v) && v.Count > 0 ? v[0] : null;
        XElement metadata;
        if (R("DatabaseID") is not { } dbId)
        {
            metadata = new XElement(Ns.Engine + "Server",
                new XElement(Ns.Engine + "ID", "SegmentMiner"), new XElement(Ns.Engine + "Name", "SegmentMiner"),
                new XElement(Ns.Engine + "Version", DbmsVersion), new XElement(Ns.Engine + "ServerMode", "Multidimensional"),
                new XElement(Ns.Engine + "Databases", _catalog.Databases.Select(d => new XElement(Ns.Engine + "Database",
                    new XElement(Ns.Engine + "ID", EndpointCatalog.Id(d)), new XElement(Ns.Engine + "Name", EndpointCatalog.Name(d))))));
        }
        else
        {
            var database = _catalog.Database(dbId)
                ?? throw new XmlaFault(XmlaFault.Metadata, $"Either the user does not have access to the '{dbId}' database, or the database does not exist.");
            metadata = database;
            foreach (var (restriction, collection, kind) in new[] { ("MiningStructureID", "MiningStructures", "MiningStructure"), ("DataSourceViewID", "DataSourceViews", "DataSourceView"), ("DataSourceID", "DataSources", "DataSource") })
            {
                if (R(restriction) is { } id)
                {
                    metadata = EndpointCatalog.Child(database, collection, kind, id)
                        ?? throw new XmlaFault(XmlaFault.Metadata, $"The {kind} with the ID of '{id}' does not exist in the '{dbId}' database.");
                    break;
                }
            }

            metadata = new XElement(metadata);
        }

        metadata.SetAttributeValue(XNamespace.Xmlns + "xsi", Ns.Xsi.NamespaceName);
        return RowsetWriter.Write([new RowsetColumn("METADATA", "xmlDocument")], [[metadata]]);
    }
}
