using System.Globalization;
using System.Xml.Linq;
using SegmentMiner.Core;
using SegmentMiner.Core.Mining;
using SegmentMiner.Core.Models;

namespace SegmentMiner.Xmla;

/// <summary>
/// ASSL for model definitions: the Database, its RelationalDataSource, one DataSourceView per model (its case view
/// and nested views), and one MiningStructure with its clustering MiningModel. The definition's hash rides along as
/// an annotation on the structure, so deploy can tell an unchanged model. Read back by <see cref="ReadModel"/>.
/// </summary>
public static class Assl
{
    public const string HashAnnotation = "SegmentMiner.DefinitionHash";

    /// <summary>
    /// A fingerprint of the data-source connection string the structure was deployed with (a salted SHA-256 prefix,
    /// never the string, which may carry a password): a changed connection string is a reason to deploy again.
    /// </summary>
    public const string DataSourceAnnotation = "SegmentMiner.DataSourceFingerprint";

    /// <summary>What stands in for the connection string in a script for review (the secret never leaves configuration).</summary>
    public const string ConnectionStringPlaceholder = "REPLACE WITH THE WAREHOUSE CONNECTION STRING (Provider=MSOLEDBSQL;Data Source=...;Initial Catalog=...;Integrated Security=SSPI)";

    private static XElement E(string name, params object?[] content) => new(Ns.Engine + name, content);

    public static string DataSourceViewId(ModelDefinition m) => m.Name + " View";

    public static string TableId(string view) => view.Replace('.', '_');

    /// <summary>
    /// One transactional Batch deploying <paramref name="models"/>: per database an Alter (AllowCreate) of the database
    /// and its data source, then per model a Create (AllowOverwrite) of its data source view and mining structure.
    /// </summary>
    public static XElement DeployBatch(IReadOnlyList<ModelDefinition> models, string connectionString)
    {
        var batch = new XElement(Ns.Engine + "Batch",
            new XAttribute("Transaction", "true"),
            new XAttribute(XNamespace.Xmlns + "xsi", Ns.Xsi.NamespaceName),
            new XAttribute(XNamespace.Xmlns + "xsd", Ns.Xsd.NamespaceName),
            new XAttribute(XNamespace.Xmlns + "ddl100_100", Ns.Ddl100_100.NamespaceName));
        foreach (var database in models.GroupBy(m => m.Database, StringComparer.OrdinalIgnoreCase))
        {
            var first = database.First();
            batch.Add(E("Alter", new XAttribute("AllowCreate", "true"), new XAttribute("ObjectExpansion", "ObjectProperties"),
                E("Object", E("DatabaseID", first.Database)),
                E("ObjectDefinition", E("Database", E("ID", first.Database), E("Name", first.Database), E("Description", "SegmentMiner segment models")))));
            foreach (var dataSource in database.Select(m => m.DataSource).Distinct(StringComparer.OrdinalIgnoreCase))
            {
                batch.Add(E("Alter", new XAttribute("AllowCreate", "true"), new XAttribute("ObjectExpansion", "ExpandFull"),
                    E("Object", E("DatabaseID", first.Database), E("DataSourceID", dataSource)),
                    E("ObjectDefinition", DataSource(dataSource, connectionString))));
            }

            foreach (var m in database)
            {
                batch.Add(E("Create", new XAttribute("AllowOverwrite", "true"),
                    E("ParentObject", E("DatabaseID", m.Database)),
                    E("ObjectDefinition", DataSourceView(m))));
                batch.Add(E("Create", new XAttribute("AllowOverwrite", "true"),
                    E("ParentObject", E("DatabaseID", m.Database)),
                    E("ObjectDefinition", MiningStructure(m, connectionString))));
            }
        }

        return batch;
    }

    public static XElement DataSource(string id, string connectionString) =>
        E("DataSource", new XAttribute(Ns.Xsi + "type", "RelationalDataSource"),
            E("ID", id), E("Name", id),
            E("ConnectionString", connectionString),
            E("ImpersonationInfo", E("ImpersonationMode", "ImpersonateServiceAccount")),
            E("Timeout", "PT0S"));

    public static XElement DataSourceView(ModelDefinition m)
    {
        var tables = new List<XElement> { Table(m.CaseView, m.Columns.Where(c => c.Content != ContentType.Table).Select(c => (c.SourceColumn, c.Type, c.Content == ContentType.Key))) };
        if (m.Partition is not null)
        {
            // A partition (one product's personas) reads its rows of the case view: a named query, as the designer
            // writes one, over the same view.
            tables[0].Add(new XAttribute(Ns.MsProp + "QueryDefinition", Dmx.CaseQuery(m)), new XAttribute(Ns.MsProp + "IsLogical", "True"),
                new XAttribute(Ns.MsProp + "QueryBuilder", "SpecificQueryBuilder"));
        }

        foreach (var t in m.Columns.Where(c => c.Content == ContentType.Table))
        {
            tables.Add(Table(t.View!, [(t.ForeignKey!, m.Key.Type, false), (t.Columns[0].SourceColumn, t.Columns[0].Type, false)]));
        }

        // The schema is a .NET DataSet schema (AMO reads it with DataSet.ReadXmlSchema): its names are XML names, so
        // the view's id is encoded as the designer encodes it (market-segments_x0020_View), and the xs prefix that
        // its type attributes use is declared on the schema itself.
        var id = DataSourceViewId(m);
        var dataSetName = System.Xml.XmlConvert.EncodeLocalName(id);
        return E("DataSourceView", E("ID", id), E("Name", id), E("DataSourceID", m.DataSource),
            E("Schema",
                new XElement(Ns.Xsd + "schema",
                    new XAttribute("id", dataSetName),
                    new XAttribute(XNamespace.Xmlns + "xs", Ns.Xsd.NamespaceName),
                    new XAttribute(XNamespace.Xmlns + "msdata", Ns.MsData.NamespaceName),
                    new XAttribute(XNamespace.Xmlns + "msprop", Ns.MsProp.NamespaceName),
                    new XElement(Ns.Xsd + "element", new XAttribute("name", dataSetName), new XAttribute(Ns.MsData + "IsDataSet", "true"), new XAttribute(Ns.MsData + "UseCurrentLocale", "true"),
                        new XElement(Ns.Xsd + "complexType",
                            new XElement(Ns.Xsd + "choice", new XAttribute("minOccurs", 0), new XAttribute("maxOccurs", "unbounded"), tables))))));
    }

    private static XElement Table(string view, IEnumerable<(string Column, MiningDataType Type, bool Key)> columns)
    {
        var parts = view.Split('.');
        return new XElement(Ns.Xsd + "element",
            new XAttribute("name", TableId(view)),
            new XAttribute(Ns.MsProp + "DbTableName", parts[1]),
            new XAttribute(Ns.MsProp + "FriendlyName", parts[1]),
            new XAttribute(Ns.MsProp + "DbSchemaName", parts[0]),
            new XAttribute(Ns.MsProp + "TableType", "View"),
            new XElement(Ns.Xsd + "complexType", new XElement(Ns.Xsd + "sequence",
                columns.DistinctBy(c => c.Column, StringComparer.OrdinalIgnoreCase).Select(c =>
                {
                    var e = new XElement(Ns.Xsd + "element", new XAttribute("name", c.Column),
                        new XAttribute(Ns.MsProp + "DbColumnName", c.Column), new XAttribute(Ns.MsProp + "FriendlyName", c.Column),
                        new XAttribute("type", XsType(c.Type)));
                    if (!c.Key)
                    {
                        e.Add(new XAttribute("minOccurs", 0));
                    }

                    return e;
                }))));
    }

    private static string XsType(MiningDataType t) => t switch
    {
        MiningDataType.Long => "xs:long",
        MiningDataType.Double => "xs:double",
        MiningDataType.Boolean => "xs:boolean",
        MiningDataType.Date => "xs:dateTime",
        _ => "xs:string",
    };

    private static string OleDbType(MiningDataType t) => t switch
    {
        MiningDataType.Long => "BigInt",
        MiningDataType.Double => "Double",
        MiningDataType.Boolean => "Boolean",
        MiningDataType.Date => "Date",
        _ => "WChar",
    };

    public static XElement MiningStructure(ModelDefinition m, string? connectionString = null)
    {
        var caseTable = TableId(m.CaseView);
        return E("MiningStructure",
            E("ID", m.StructureName), E("Name", m.StructureName),
            m.Description is null ? null : E("Description", m.Description),
            E("Source", new XAttribute(Ns.Xsi + "type", "DataSourceViewBinding"), E("DataSourceViewID", DataSourceViewId(m))),
            E("CacheMode", "KeepTrainingCases"),
            E("Columns", m.Columns.Select(c => c.Content == ContentType.Table ? NestedColumn(m, c) : ScalarColumn(c, caseTable))),
            new XElement(Ns.Ddl100_100 + "HoldoutMaxPercent", 0),
            E("MiningModels", MiningModel(m)),
            E("Annotations",
                E("Annotation", E("Name", HashAnnotation), E("Value", m.Hash)),
                E("Annotation", E("Name", "SegmentMiner.CaseView"), E("Value", m.CaseView)),
                m.Partition is null ? null : E("Annotation", E("Name", PartitionAnnotation), E("Value", m.Partition)),
                m.Partition is null ? null : E("Annotation", E("Name", FamilyAnnotation), E("Value", m.Family)),
                m.PartitionBy is null ? null : E("Annotation", E("Name", PartitionByAnnotation), E("Value", m.PartitionBy)),
                connectionString is null ? null : E("Annotation", E("Name", DataSourceAnnotation), E("Value", Fingerprint(m, connectionString)))));
    }

    private static XElement ScalarColumn(StructureColumn c, string table) =>
        E("Column", new XAttribute(Ns.Xsi + "type", "ScalarMiningStructureColumn"),
            E("ID", c.Name), E("Name", c.Name),
            E("Type", c.Type.ToString()),
            c.Content == ContentType.Key ? E("IsKey", "true") : null,
            c.Flags.Count == 0 ? null : E("ModelingFlags", c.Flags.Select(f => E("ModelingFlag", f))),
            E("Content", c.Content.ToString()),
            c.Content == ContentType.Discretized ? E("DiscretizationMethod", (c.Discretization ?? DiscretizationMethod.Automatic).ToString()) : null,
            c.Content == ContentType.Discretized ? E("DiscretizationBucketCount", c.Buckets ?? 5) : null,
            E("KeyColumns", E("KeyColumn",
                E("DataType", OleDbType(c.Type)),
                E("Source", new XAttribute(Ns.Xsi + "type", "ColumnBinding"), E("TableID", table), E("ColumnID", c.SourceColumn)))));

    private static XElement NestedColumn(ModelDefinition m, StructureColumn t)
    {
        var table = TableId(t.View!);
        return E("Column", new XAttribute(Ns.Xsi + "type", "TableMiningStructureColumn"),
            E("ID", t.Name), E("Name", t.Name),
            E("ForeignKeyColumns", E("ForeignKeyColumn",
                E("DataType", OleDbType(m.Key.Type)),
                E("Source", new XAttribute(Ns.Xsi + "type", "ColumnBinding"), E("TableID", table), E("ColumnID", t.ForeignKey!)))),
            E("Columns", t.Columns.Select(c => ScalarColumn(c, table))));
    }

    public static XElement MiningModel(ModelDefinition m) =>
        E("MiningModel",
            E("ID", m.Name), E("Name", m.Name),
            E("Algorithm", m.Model.Algorithm),
            E("AlgorithmParameters", m.Model.Parameters.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p =>
                E("AlgorithmParameter", E("Name", p.Key),
                    E("Value", new XAttribute(Ns.Xsi + "type", p.Value == Math.Floor(p.Value) && Math.Abs(p.Value) < int.MaxValue ? "xsd:int" : "xsd:double"),
                        p.Value.ToString(CultureInfo.InvariantCulture))))),
            E("AllowDrillThrough", m.Model.Drillthrough ? "true" : "false"),
            E("Columns", m.Columns.Where(c => m.UsageOf(c) != ColumnUsage.Ignore).Select(c =>
                E("Column", E("ID", c.Name), E("Name", c.Name), E("SourceColumnID", c.Name), E("Usage", m.UsageOf(c).ToString()),
                    c.Content == ContentType.Table
                        ? E("Columns", c.Columns.Select(n => E("Column", E("ID", n.Name), E("Name", n.Name), E("SourceColumnID", n.Name), E("Usage", "Key"))))
                        : null))));

    /// <summary>The stored definition hash of a structure (from DISCOVER_XML_METADATA), or null.</summary>
    public static string? StoredHash(XElement structure) => Annotation(structure, HashAnnotation);

    public static string? StoredFingerprint(XElement structure) => Annotation(structure, DataSourceAnnotation);

    public static string Fingerprint(ModelDefinition m, string connectionString) =>
        Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes($"SegmentMiner.DataSource|{m.Database}|{connectionString}")))[..24];

    private const string PartitionByAnnotation = "SegmentMiner.PartitionBy";

    private const string PartitionAnnotation = "SegmentMiner.Partition";

    private const string FamilyAnnotation = "SegmentMiner.Family";

    private static string? Annotation(XElement structure, string name) =>
        structure.Descendants(Ns.Engine + "Annotation").FirstOrDefault(a => (string?)a.Element(Ns.Engine + "Name") == name)?.Element(Ns.Engine + "Value")?.Value;

    /// <summary>
    /// Reads a structure (and its first clustering model) back into a definition: the inverse of the generation above,
    /// as the embedded XMLA endpoint needs it. <paramref name="views"/> resolves a DSV table ID to its <c>schema.view</c>.
    /// </summary>
    public static ModelDefinition ReadModel(string database, XElement structure, XElement dataSourceView)
    {
        string V(XElement e, string name) => e.Element(Ns.Engine + name)?.Value ?? throw new AsslException($"MiningStructure '{(string?)structure.Element(Ns.Engine + "ID")}': {e.Name.LocalName} has no {name}");
        var tables = dataSourceView.Descendants(Ns.Xsd + "element")
            .Where(e => e.Attribute(Ns.MsProp + "DbTableName") is not null)
            .ToDictionary(e => (string)e.Attribute("name")!, e => $"{(string?)e.Attribute(Ns.MsProp + "DbSchemaName") ?? "dbo"}.{(string)e.Attribute(Ns.MsProp + "DbTableName")!}", StringComparer.OrdinalIgnoreCase);
        string View(string tableId) => tables.TryGetValue(tableId, out var v) ? v : throw new AsslException($"the data source view '{(string?)dataSourceView.Element(Ns.Engine + "ID")}' has no table '{tableId}'");

        var model = structure.Element(Ns.Engine + "MiningModels")?.Elements(Ns.Engine + "MiningModel").FirstOrDefault()
            ?? throw new AsslException($"MiningStructure '{V(structure, "ID")}' has no mining model");
        if (V(model, "Algorithm") != "Microsoft_Clustering")
        {
            throw new AsslException($"MiningModel '{V(model, "ID")}': only Microsoft_Clustering is served, not {V(model, "Algorithm")}");
        }

        var usages = (model.Element(Ns.Engine + "Columns")?.Elements(Ns.Engine + "Column") ?? [])
            .ToDictionary(c => c.Element(Ns.Engine + "SourceColumnID")?.Value ?? V(c, "ID"), c => Enum.Parse<ColumnUsage>(c.Element(Ns.Engine + "Usage")?.Value ?? "Input"), StringComparer.OrdinalIgnoreCase);
        string? caseView = null;
        var columns = new List<StructureColumn>();
        foreach (var c in structure.Element(Ns.Engine + "Columns")?.Elements(Ns.Engine + "Column") ?? [])
        {
            if ((string?)c.Attribute(Ns.Xsi + "type") == "TableMiningStructureColumn")
            {
                var fk = c.Descendants(Ns.Engine + "ForeignKeyColumn").First().Descendants(Ns.Engine + "Source").First();
                columns.Add(new StructureColumn
                {
                    Name = V(c, "Name"),
                    Content = ContentType.Table,
                    View = View(V(fk, "TableID")),
                    ForeignKey = V(fk, "ColumnID"),
                    Columns = c.Element(Ns.Engine + "Columns")!.Elements(Ns.Engine + "Column").Select(n => Scalar(n, out _)).ToList(),
                });
            }
            else
            {
                var column = Scalar(c, out var table);
                if (column.Content == ContentType.Key)
                {
                    caseView = View(table);
                }

                columns.Add(column);
            }
        }

        var usage = columns.Where(c => c.Content != ContentType.Key)
            .Select(c => (c.Name, Usage: usages.TryGetValue(c.Name, out var u) ? u : ColumnUsage.Ignore))
            .Where(x => x.Usage != ColumnUsage.Input)
            .ToDictionary(x => x.Name, x => x.Usage);
        var parameters = (model.Element(Ns.Engine + "AlgorithmParameters")?.Elements(Ns.Engine + "AlgorithmParameter") ?? [])
            .ToDictionary(p => V(p, "Name"), p => double.Parse(V(p, "Value"), CultureInfo.InvariantCulture));
        var definition = new ModelDefinition
        {
            Description = structure.Element(Ns.Engine + "Description")?.Value,
            Database = database,
            DataSource = V(dataSourceView, "DataSourceID"),
            CaseView = caseView ?? throw new AsslException($"MiningStructure '{V(structure, "ID")}' has no key column"),
            PartitionBy = Annotation(structure, PartitionByAnnotation),
            Columns = columns,
            Model = new ModelSpec
            {
                Algorithm = "Microsoft_Clustering", Parameters = parameters, Usage = usage,
                Drillthrough = string.Equals(model.Element(Ns.Engine + "AllowDrillThrough")?.Value, "true", StringComparison.OrdinalIgnoreCase),
            },
        };
        var json = System.Text.Json.JsonSerializer.Serialize(definition, ModelDefinitionJson.Options);
        var read = ModelDefinitionJson.Parse(V(model, "Name"), json, $"MiningStructure '{V(structure, "ID")}'");
        return Annotation(structure, PartitionAnnotation) is { } partition
            ? read with { Partition = partition, Family = Annotation(structure, FamilyAnnotation) ?? read.Name }
            : read;
    }

    private static StructureColumn Scalar(XElement c, out string table)
    {
        var source = c.Descendants(Ns.Engine + "Source").FirstOrDefault(s => (string?)s.Attribute(Ns.Xsi + "type") == "ColumnBinding")
            ?? throw new AsslException($"structure column '{(string?)c.Element(Ns.Engine + "ID")}' has no ColumnBinding");
        table = source.Element(Ns.Engine + "TableID")?.Value ?? "";
        var content = Enum.Parse<ContentType>(c.Element(Ns.Engine + "Content")?.Value ?? "Discrete", ignoreCase: true);
        return new StructureColumn
        {
            Name = c.Element(Ns.Engine + "Name")?.Value ?? "",
            Source = source.Element(Ns.Engine + "ColumnID")?.Value,
            Type = Enum.Parse<MiningDataType>(c.Element(Ns.Engine + "Type")?.Value ?? "Text", ignoreCase: true),
            Content = content,
            Discretization = content == ContentType.Discretized && c.Element(Ns.Engine + "DiscretizationMethod") is { } d ? Enum.Parse<DiscretizationMethod>(d.Value, true) : null,
            Buckets = content == ContentType.Discretized && c.Element(Ns.Engine + "DiscretizationBucketCount") is { } b ? int.Parse(b.Value, CultureInfo.InvariantCulture) : null,
            Flags = c.Element(Ns.Engine + "ModelingFlags")?.Elements().Select(f => f.Value).ToList() ?? [],
        };
    }
}

/// <summary>An ASSL definition the endpoint cannot accept.</summary>
public sealed class AsslException(string message) : SegmentMinerException(message);
