namespace SegmentMiner.Xmla.Tests;

/// <summary>
/// Every Discover request type the endpoint answers, against the columns its reference page documents (kept here,
/// each list naming its page), with one restriction each. A server may add columns after the documented ones.
/// </summary>
public sealed partial class DmxConformanceTests
{
    private static readonly Dictionary<string, string> DocumentedColumns = new()
    {
        // DISCOVER_PROPERTIES Rowset
        ["DISCOVER_PROPERTIES"] = "PropertyName,PropertyDescription,PropertyType,PropertyAccessType,IsRequired,Value",
        // DISCOVER_SCHEMA_ROWSETS Rowset
        ["DISCOVER_SCHEMA_ROWSETS"] = "SchemaName,SchemaGuid,Restrictions,Description,RestrictionsMask",
        // DBSCHEMA_CATALOGS Rowset
        ["DBSCHEMA_CATALOGS"] = "CATALOG_NAME,DESCRIPTION,ROLES,DATE_MODIFIED",
        // DBSCHEMA_TABLES Rowset
        ["DBSCHEMA_TABLES"] = "TABLE_CATALOG,TABLE_SCHEMA,TABLE_NAME,TABLE_TYPE,TABLE_GUID,DESCRIPTION,TABLE_PROPID,DATE_CREATED,DATE_MODIFIED,TABLE_OLAP_TYPE",
        // DMSCHEMA_MINING_SERVICES Rowset
        ["DMSCHEMA_MINING_SERVICES"] = "SERVICE_NAME,SERVICE_TYPE_ID,SERVICE_DISPLAY_NAME,SERVICE_GUID,DESCRIPTION,PREDICTION_LIMIT,SUPPORTED_DISTRIBUTION_FLAGS,"
            + "SUPPORTED_INPUT_CONTENT_TYPES,SUPPORTED_PREDICTION_CONTENT_TYPES,SUPPORTED_MODELING_FLAGS,SUPPORTED_SOURCE_QUERY,TRAINING_COMPLEXITY,"
            + "PREDICTION_COMPLEXITY,EXPECTED_QUALITY,SCALING,ALLOW_INCREMENTAL_INSERT,ALLOW_PMML_INITIALIZATION,CONTROL,ALLOW_DUPLICATE_KEY,VIEWER_TYPE,"
            + "HELP_FILE,HELP_CONTEXT,MSOLAP_SUPPORTS_ANALYSIS_SERVICES_DDL,MSOLAP_SUPPORTS_OLAP_MINING_MODELS,MSOLAP_SUPPORTS_DATA_MINING_DIMENSIONS,"
            + "MSOLAP_SUPPORTS_DRILLTHROUGH",
        // DMSCHEMA_MINING_SERVICE_PARAMETERS Rowset
        ["DMSCHEMA_MINING_SERVICE_PARAMETERS"] = "SERVICE_NAME,PARAMETER_NAME,PARAMETER_TYPE,IS_REQUIRED,PARAMETER_FLAGS,DESCRIPTION,DEFAULT_VALUE,VALUE_ENUMERATION,HELP_FILE,HELP_CONTEXT",
        // DMSCHEMA_MINING_FUNCTIONS Rowset
        ["DMSCHEMA_MINING_FUNCTIONS"] = "SERVICE_NAME,FUNCTION_NAME,FUNCTION_SIGNATURE,RETURNS_TABLE,DESCRIPTION,HELP_FILE,HELP_CONTEXT",
        // DMSCHEMA_MINING_STRUCTURES Rowset
        ["DMSCHEMA_MINING_STRUCTURES"] = "STRUCTURE_CATALOG,STRUCTURE_SCHEMA,STRUCTURE_NAME,STRUCTURE_GUID,DESCRIPTION,STRUCTURE_PROPID,DATE_CREATED,DATE_MODIFIED,"
            + "CREATION_STATEMENT,IS_POPULATED,LAST_PROCESSED,HOLDOUT_MAXPERCENT,HOLDOUT_MAXCASES,HOLDOUT_SEED,HOLDOUT_ACTUAL_SIZE",
        // DMSCHEMA_MINING_STRUCTURE_COLUMNS Rowset
        ["DMSCHEMA_MINING_STRUCTURE_COLUMNS"] = "STRUCTURE_CATALOG,STRUCTURE_SCHEMA,STRUCTURE_NAME,COLUMN_NAME,COLUMN_GUID,COLUMN_PROPID,ORDINAL_POSITION,"
            + "COLUMN_HASDEFAULT,COLUMN_DEFAULT,COLUMN_FLAGS,IS_NULLABLE,DATA_TYPE,TYPE_GUID,CHARACTER_MAXIMUM_LENGTH,CHARACTER_OCTET_LENGTH,NUMERIC_PRECISION,"
            + "NUMERIC_SCALE,DATETIME_PRECISION,CHARACTER_SET_CATALOG,CHARACTER_SET_SCHEMA,CHARACTER_SET_NAME,COLLATION_CATALOG,COLLATION_SCHEMA,COLLATION_NAME,"
            + "DOMAIN_CATALOG,DOMAIN_SCHEMA,DOMAIN_NAME,DESCRIPTION,DISTRIBUTION_FLAG,CONTENT_TYPE,MODELING_FLAG,IS_RELATED_TO_KEY,RELATED_ATTRIBUTE,"
            + "CONTAINING_COLUMN,IS_POPULATED",
        // DMSCHEMA_MINING_COLUMNS Rowset
        ["DMSCHEMA_MINING_COLUMNS"] = "MODEL_CATALOG,MODEL_SCHEMA,MODEL_NAME,COLUMN_NAME,COLUMN_GUID,COLUMN_PROPID,ORDINAL_POSITION,COLUMN_HAS_DEFAULT,"
            + "COLUMN_DEFAULT,COLUMN_FLAGS,IS_NULLABLE,DATA_TYPE,TYPE_GUID,CHARACTER_MAXIMUM_LENGTH,CHARACTER_OCTET_LENGTH,NUMERIC_PRECISION,NUMERIC_SCALE,"
            + "DATETIME_PRECISION,CHARACTER_SET_CATALOG,CHARACTER_SET_SCHEMA,CHARACTER_SET_NAME,COLLATION_CATALOG,COLLATION_SCHEMA,COLLATION_NAME,"
            + "DOMAIN_CATALOG,DOMAIN_SCHEMA,DOMAIN_NAME,DESCRIPTION,DISTRIBUTION_FLAG,CONTENT_TYPE,MODELING_FLAG,IS_RELATED_TO_KEY,RELATED_ATTRIBUTE,"
            + "IS_INPUT,IS_PREDICTABLE,CONTAINING_COLUMN,PREDICTION_SCALAR_FUNCTIONS,PREDICTION_TABLE_FUNCTIONS,IS_POPULATED,PREDICTION_SCORE,SOURCE_COLUMN",
        // DMSCHEMA_MINING_MODELS Rowset
        ["DMSCHEMA_MINING_MODELS"] = "MODEL_CATALOG,MODEL_SCHEMA,MODEL_NAME,MODEL_TYPE,MODEL_GUID,DESCRIPTION,MODEL_PROPID,DATE_CREATED,DATE_MODIFIED,"
            + "SERVICE_TYPE_ID,SERVICE_NAME,CREATION_STATEMENT,PREDICTION_ENTITY,IS_POPULATED,MINING_PARAMETERS,MINING_STRUCTURE,LAST_PROCESSED,"
            + "MSOLAP_IS_DRILLTHROUGH_ENABLED,FILTER,TRAINING_SET_SIZE",
        // DMSCHEMA_MINING_MODEL_CONTENT Rowset
        ["DMSCHEMA_MINING_MODEL_CONTENT"] = "MODEL_CATALOG,MODEL_SCHEMA,MODEL_NAME,ATTRIBUTE_NAME,NODE_NAME,NODE_UNIQUE_NAME,NODE_TYPE,NODE_GUID,NODE_CAPTION,"
            + "CHILDREN_CARDINALITY,PARENT_UNIQUE_NAME,NODE_DESCRIPTION,NODE_RULE,MARGINAL_RULE,NODE_PROBABILITY,MARGINAL_PROBABILITY,NODE_DISTRIBUTION,"
            + "NODE_SUPPORT,MSOLAP_MODEL_COLUMN,MSOLAP_NODE_SCORE,MSOLAP_NODE_SHORT_CAPTION",
        // DMSCHEMA_MINING_MODEL_CONTENT_PMML Rowset (and DMSCHEMA_MINING_MODEL_XML, the same columns)
        ["DMSCHEMA_MINING_MODEL_CONTENT_PMML"] = "MODEL_CATALOG,MODEL_SCHEMA,MODEL_NAME,MODEL_TYPE,MODEL_GUID,MODEL_PMML,SIZE,LOCATION",
        ["DMSCHEMA_MINING_MODEL_XML"] = "MODEL_CATALOG,MODEL_SCHEMA,MODEL_NAME,MODEL_TYPE,MODEL_GUID,MODEL_PMML,SIZE,LOCATION",
    };

    [TestCase("DISCOVER_PROPERTIES", "PropertyName", "DBMSVersion", 1)]
    [TestCase("DISCOVER_SCHEMA_ROWSETS", "SchemaName", "DMSCHEMA_MINING_MODELS", 1)]
    [TestCase("DBSCHEMA_CATALOGS", "CATALOG_NAME", "SegmentMiner", 1)]
    [TestCase("DBSCHEMA_TABLES", "TABLE_NAME", "market-segments.CONTENT", 1)]
    [TestCase("DMSCHEMA_MINING_SERVICES", "SERVICE_NAME", "Microsoft_Clustering", 1)]
    [TestCase("DMSCHEMA_MINING_SERVICE_PARAMETERS", "PARAMETER_NAME", "CLUSTER_COUNT", 1)]
    [TestCase("DMSCHEMA_MINING_FUNCTIONS", "FUNCTION_NAME", "ClusterProbability", 1)]
    [TestCase("DMSCHEMA_MINING_STRUCTURES", "STRUCTURE_NAME", "market-segments Structure", 1)]
    [TestCase("DMSCHEMA_MINING_STRUCTURE_COLUMNS", "STRUCTURE_NAME", "market-segments Structure", 6)]
    [TestCase("DMSCHEMA_MINING_COLUMNS", "MODEL_NAME", "market-segments", 6)]
    [TestCase("DMSCHEMA_MINING_MODELS", "MODEL_NAME", "market-segments", 1)]
    [TestCase("DMSCHEMA_MINING_MODEL_CONTENT", "NODE_TYPE", "1", 7)]
    [TestCase("DMSCHEMA_MINING_MODEL_CONTENT_PMML", "MODEL_NAME", "buyer-clusters", 1)]
    [TestCase("DMSCHEMA_MINING_MODEL_XML", "MODEL_NAME", "market-segments", 1)]
    public async Task DiscoverRowsets_HaveTheirDocumentedColumns_AndHonourARestriction(string type, string restriction, string value, int rows)
    {
        var all = await _client.DiscoverAsync(type);
        var documented = DocumentedColumns[type].Split(',');
        Assert.That(Names(all).Take(documented.Length), Is.EqualTo(documented), $"{type}: the documented columns, in order");
        var one = await _client.DiscoverAsync(type, new Dictionary<string, string> { [restriction] = value });
        Assert.That(one.Rows, Has.Count.EqualTo(rows), $"{type} restricted to {restriction} = {value}");
        Assert.That(one.Rows.Select(r => Convert.ToString(r[restriction], System.Globalization.CultureInfo.InvariantCulture)), Has.All.EqualTo(value));
        Assert.That(all.Rows.Count, Is.GreaterThanOrEqualTo(one.Rows.Count));
    }

    [Test]
    public async Task DiscoverRowsets_AreAllListed_WithTheirRestrictions()
    {
        var listed = await _client.DiscoverAsync("DISCOVER_SCHEMA_ROWSETS");
        Assert.That(listed.Rows.Select(r => r.String("SchemaName")), Is.SupersetOf(DocumentedColumns.Keys));
        var content = listed.Rows.Single(r => r.String("SchemaName") == "DMSCHEMA_MINING_MODEL_CONTENT");
        Assert.That(content.Table("Restrictions").Select(r => r.String("Name")), Does.Contain("TREE_OPERATION").And.Contain("NODE_NAME"));
    }

    // DMSCHEMA_MINING_MODEL_CONTENT Rowset: TREE_OPERATION navigates from the NODE_UNIQUE_NAME restriction
    [TestCase(1, "children")]
    [TestCase(2, "siblings")]
    [TestCase(4, "parent")]
    [TestCase(8, "self")]
    [TestCase(16, "descendants")]
    [TestCase(32, "ancestors")]
    [TestCase(9, "children and self")]
    public async Task ModelContent_TreeOperation(int operation, string what)
    {
        var content = Trained.Content();
        string Node(int op) => op is 1 or 16 or 9 ? "000" : "002";
        var anchor = Node(operation);
        var r = await _client.DiscoverAsync("DMSCHEMA_MINING_MODEL_CONTENT", new Dictionary<string, string>
        {
            ["MODEL_NAME"] = "market-segments", ["NODE_UNIQUE_NAME"] = anchor, ["TREE_OPERATION"] = operation.ToString(System.Globalization.CultureInfo.InvariantCulture),
        });
        var clusters = content.Skip(1).Select(n => n.NodeUniqueName).ToList();
        var expected = operation switch
        {
            1 or 16 => clusters,
            2 => clusters.Where(c => c != "002").ToList(),
            4 or 32 => ["000"],
            8 => ["002"],
            _ => clusters.Prepend("000").ToList(),
        };
        Assert.That(r.Rows.Select(x => x.String("NODE_UNIQUE_NAME")), Is.EquivalentTo(expected), what);
    }

    // DMSCHEMA_MINING_MODEL_CONTENT Rowset: NODE_NAME and ATTRIBUTE_NAME restrict too
    [Test]
    public async Task ModelContent_NodeNameRestriction()
    {
        var r = await _client.DiscoverAsync("DMSCHEMA_MINING_MODEL_CONTENT", new Dictionary<string, string> { ["MODEL_NAME"] = "market-segments", ["NODE_NAME"] = "001" });
        Assert.That(r.Rows.Select(x => x.String("NODE_NAME")), Is.EqualTo(new[] { "001" }));
    }

    // DMSCHEMA_MINING_COLUMNS Rowset: the values of a model's columns
    [Test]
    public async Task MiningColumns_DescribeEachColumn()
    {
        var r = await _client.DiscoverAsync("DMSCHEMA_MINING_COLUMNS", new Dictionary<string, string> { ["MODEL_NAME"] = "buyer-clusters" });
        var attrited = r.Rows.Single(x => x.String("COLUMN_NAME") == "Attrited");
        Assert.That((attrited.Long("DATA_TYPE"), attrited["IS_INPUT"], attrited["IS_PREDICTABLE"], attrited["IS_NULLABLE"]), Is.EqualTo((11L, (object)false, (object)true, (object)false)));
        Assert.That(attrited.String("PREDICTION_TABLE_FUNCTIONS"), Is.EqualTo("PredictHistogram(Attrited)"));
        var mrr = r.Rows.Single(x => x.String("COLUMN_NAME") == "Mrr");
        Assert.That((mrr.Long("DATA_TYPE"), mrr.String("CONTENT_TYPE"), mrr["IS_INPUT"]), Is.EqualTo((5L, "CONTINUOUS", (object)true)));
        Assert.That(r.Rows.Select(x => x.Long("ORDINAL_POSITION")), Is.EqualTo(Enumerable.Range(1, r.Rows.Count).Select(i => (long)i)));
        var nested = await _client.DiscoverAsync("DMSCHEMA_MINING_COLUMNS", new Dictionary<string, string> { ["MODEL_NAME"] = "product-baskets" });
        Assert.That(nested.Rows.Single(x => x.String("COLUMN_NAME") == "Products").Long("DATA_TYPE"), Is.EqualTo(136), "TABLE is DBTYPE_HCHAPTER");
        Assert.That(nested.Rows.Single(x => x.String("COLUMN_NAME") == "Product").String("CONTAINING_COLUMN"), Is.EqualTo("Products"));
    }
}
