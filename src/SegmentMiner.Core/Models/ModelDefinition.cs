using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;
using SegmentMiner.Core.Mining;

namespace SegmentMiner.Core.Models;

/// <summary>
/// One mining structure and its clustering model, as a file in <c>ssas-models/</c> (schema:
/// <c>ssas-models/mining-structure.schema.json</c>). The model's name is the file name; the structure is named
/// after it. The data source's connection string never lives here: it comes from configuration.
/// </summary>
public sealed record ModelDefinition
{
    /// <summary>The model name: the file name without <c>.json</c>.</summary>
    [JsonIgnore]
    public string Name { get; init; } = "";

    /// <summary>Where the definition came from (a file path or "embedded:NAME"), for error messages.</summary>
    [JsonIgnore]
    public string Origin { get; init; } = "";

    public string? Description { get; init; }

    /// <summary>The Analysis Services database the structure is deployed to. Default <c>SegmentMiner</c>.</summary>
    public string Database { get; init; } = "SegmentMiner";

    /// <summary>The data source object (the warehouse). Default <c>Warehouse</c>.</summary>
    public string DataSource { get; init; } = "Warehouse";

    /// <summary>The case view in the warehouse, <c>schema.view</c>: one row per case.</summary>
    public string CaseView { get; init; } = "";

    public IReadOnlyList<StructureColumn> Columns { get; init; } = [];

    public ModelSpec Model { get; init; } = new();

    /// <summary>
    /// A column of the case view (not necessarily a structure column) whose values split the cases: the model is
    /// trained once per value, each a structure of its own over the rows with that value (see
    /// <see cref="ModelCatalog.Partitioned"/>). Product personas are trained once per product this way.
    /// </summary>
    public string? PartitionBy { get; init; }

    /// <summary>The value of <see cref="PartitionBy"/> this definition is trained on, once the catalog split it; else null.</summary>
    [JsonIgnore]
    public string? Partition { get; init; }

    /// <summary>The definition's file name: <see cref="Name"/> for one structure, the shared name for the partitions of one.</summary>
    [JsonIgnore]
    public string Family { get => _family ?? Name; init => _family = value; }

    private readonly string? _family;

    /// <summary>
    /// A partitioned definition not split by the catalog (its case view had no values): it has no cases, so it is
    /// deployed but skipped as a layer without data, never trained on every partition at once.
    /// </summary>
    [JsonIgnore]
    public bool Unsplit => PartitionBy is not null && Partition is null;

    /// <summary>A partition's rows of the case view (a product's contacts); null for a whole model.</summary>
    [JsonIgnore]
    public ColumnValue? Rows => Partition is null || PartitionBy is null ? null : new ColumnValue(PartitionBy, Partition);

    /// <summary>
    /// The condition that keeps the model's rows of its case view (see <see cref="ColumnValue.Where"/>): a partition's;
    /// none for a whole model; no row for an unsplit one.
    /// </summary>
    public string CaseFilter(Func<string, string> quote, bool unicode = false) =>
        Unsplit ? " WHERE 1 = 0" : Rows?.Where(quote, unicode) ?? "";

    /// <summary>The structure's name: <c>NAME Structure</c>.</summary>
    [JsonIgnore]
    public string StructureName => Name + " Structure";

    [JsonIgnore]
    public string CaseViewSchema => CaseView.Split('.')[0];

    [JsonIgnore]
    public string CaseViewName => CaseView.Split('.')[^1];

    [JsonIgnore]
    public StructureColumn Key => Columns.Single(c => c.Content == ContentType.Key);

    /// <summary>The usage of a column in the model: Key for the key, else as set, else Input.</summary>
    public ColumnUsage UsageOf(StructureColumn column) =>
        column.Content == ContentType.Key ? ColumnUsage.Key
        : Model.Usage.TryGetValue(column.Name, out var u) ? u : ColumnUsage.Input;

    /// <summary>SHA-256 of the canonical definition (name included): deploy compares it with the stored one.</summary>
    [JsonIgnore]
    public string Hash
    {
        get
        {
            var canonical = Name + "\n" + (Partition is null ? "" : "partition " + Partition + "\n") + JsonSerializer.Serialize(this, ModelDefinitionJson.Canonical);
            return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonical)));
        }
    }
}

/// <summary>A column of the mining structure: a case view column, or a nested table of another view.</summary>
public sealed record StructureColumn
{
    /// <summary>The mining column name (DMX and the content use it).</summary>
    public string Name { get; init; } = "";

    /// <summary>The case view column it reads; default: the name without spaces.</summary>
    public string? Source { get; init; }

    public MiningDataType Type { get; init; } = MiningDataType.Text;

    public ContentType Content { get; init; } = ContentType.Discrete;

    public DiscretizationMethod? Discretization { get; init; }

    public int? Buckets { get; init; }

    /// <summary><c>NOT NULL</c> and/or <c>MODEL_EXISTENCE_ONLY</c>.</summary>
    public IReadOnlyList<string> Flags { get; init; } = [];

    /// <summary>Nested table only: the view holding one row per item, <c>schema.view</c>.</summary>
    public string? View { get; init; }

    /// <summary>Nested table only: the nested view's column that holds the case key.</summary>
    public string? ForeignKey { get; init; }

    /// <summary>Nested table only: the nested key column (the item), content Key.</summary>
    public IReadOnlyList<StructureColumn> Columns { get; init; } = [];

    [JsonIgnore]
    public string SourceColumn => Source ?? Name.Replace(" ", "", StringComparison.Ordinal);

    [JsonIgnore]
    public bool NotNull => Flags.Contains("NOT NULL");

    [JsonIgnore]
    public bool ModelExistenceOnly => Flags.Contains("MODEL_EXISTENCE_ONLY");
}

/// <summary>The clustering model over the structure.</summary>
public sealed record ModelSpec
{
    /// <summary>Always <c>Microsoft_Clustering</c>.</summary>
    public string Algorithm { get; init; } = "Microsoft_Clustering";

    /// <summary>Algorithm parameters by their documented names (<c>CLUSTER_COUNT</c>, ...), numbers.</summary>
    public IReadOnlyDictionary<string, double> Parameters { get; init; } = new Dictionary<string, double>();

    /// <summary>The documented Microsoft_Clustering parameters: the only names a definition may set.</summary>
    public static readonly IReadOnlyList<string> KnownParameters =
    [
        "CLUSTER_COUNT", "CLUSTER_SEED", "CLUSTERING_METHOD", "MAXIMUM_INPUT_ATTRIBUTES", "MAXIMUM_STATES", "MINIMUM_SUPPORT",
        "MODELLING_CARDINALITY", "NORMALIZATION", "SAMPLE_SIZE", "STOPPING_TOLERANCE",
    ];

    /// <summary>Column usages other than Input (<c>PredictOnly</c>, <c>Predict</c>, <c>Ignore</c>).</summary>
    public IReadOnlyDictionary<string, ColumnUsage> Usage { get; init; } = new Dictionary<string, ColumnUsage>();

    /// <summary>
    /// Whether the model's training cases may be read back (<c>SELECT FROM [model].CASES</c>, <c>StructureColumn</c>,
    /// <c>IsInNode</c>): off by default, as in Analysis Services, since cases carry customer data.
    /// </summary>
    public bool Drillthrough { get; init; }

    /// <summary>The parameters as <c>NAME=value</c> pairs, in a stable order.</summary>
    [JsonIgnore]
    public IEnumerable<KeyValuePair<string, string>> ParameterPairs =>
        Parameters.OrderBy(p => p.Key, StringComparer.Ordinal)
            .Select(p => new KeyValuePair<string, string>(p.Key, p.Value.ToString(CultureInfo.InvariantCulture)));
}

public static partial class ModelDefinitionJson
{
    public static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        PropertyNameCaseInsensitive = true,
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
        Converters = { new JsonStringEnumConverter() },
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    };

    internal static readonly JsonSerializerOptions Canonical = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        Converters = { new JsonStringEnumConverter() },
    };

    [GeneratedRegex("^[a-z][a-z0-9\\-]{0,62}$")]
    internal static partial Regex ModelName();

    [GeneratedRegex("^[A-Za-z][A-Za-z0-9 _\\-]{0,99}$")]
    internal static partial Regex ColumnName();

    /// <summary>Reads and checks one definition; every problem is named with the file and the column.</summary>
    public static ModelDefinition Parse(string name, string json, string origin)
    {
        ModelDefinition parsed;
        try
        {
            using var doc = JsonDocument.Parse(json, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
            if (doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.EnumerateObject().GroupBy(p => p.Name).FirstOrDefault(g => g.Count() > 1) is { } twice)
            {
                throw new ConfigurationException([$"{origin}: '{Identifiers.Printable(twice.Key)}' is given more than once"]);
            }

            var withoutSchema = doc.RootElement.ValueKind == JsonValueKind.Object
                ? JsonSerializer.Serialize(doc.RootElement.EnumerateObject().Where(p => p.Name != "$schema").ToDictionary(p => p.Name, p => p.Value))
                : json;
            parsed = JsonSerializer.Deserialize<ModelDefinition>(withoutSchema, Options)
                ?? throw new ConfigurationException([$"{origin}: empty definition"]);
        }
        catch (JsonException e)
        {
            throw new ConfigurationException([$"{origin}: {e.Message}"]);
        }

        // Sources are made explicit, so a definition read back from ASSL hashes the same as its file.
        var d = parsed with
        {
            Name = name,
            Origin = origin,
            Columns = parsed.Columns.Select(c => c with { Source = c.SourceColumn, Columns = c.Columns.Select(n => n with { Source = n.SourceColumn }).ToList() }).ToList(),
        };
        var errors = Check(d).Select(e => $"{origin}: {e}").ToList();
        return errors.Count > 0 ? throw new ConfigurationException(errors) : d;
    }

    private static IEnumerable<string> Check(ModelDefinition d)
    {
        if (!ModelName().IsMatch(d.Name))
        {
            yield return $"the model name '{d.Name}' (the file name) must use lower-case letters, digits and '-', starting with a letter";
        }

        if (!Identifiers.IsValid(d.Database)) yield return $"database: '{d.Database}' is not a valid identifier";
        if (!Identifiers.IsValid(d.DataSource)) yield return $"dataSource: '{d.DataSource}' is not a valid identifier";
        foreach (var e in CheckView(d.CaseView, "caseView")) yield return e;
        if (d.PartitionBy is not null && !Identifiers.IsValid(d.PartitionBy)) yield return $"partitionBy: '{d.PartitionBy}' is not a plain column name";
        if (d.Model.Algorithm != "Microsoft_Clustering")
        {
            yield return $"model.algorithm: '{d.Model.Algorithm}' is not supported; use Microsoft_Clustering";
        }

        var keys = d.Columns.Count(c => c.Content == ContentType.Key);
        if (keys != 1) yield return $"columns: exactly one column needs content Key; found {keys}";
        foreach (var dup in d.Columns.GroupBy(c => c.Name, StringComparer.OrdinalIgnoreCase).Where(g => g.Count() > 1))
        {
            yield return $"columns: '{dup.Key}' appears more than once";
        }

        foreach (var c in d.Columns)
        {
            foreach (var e in CheckColumn(c, "column '" + c.Name + "'")) yield return e;
            if (c.Content == ContentType.Table)
            {
                foreach (var e in CheckView(c.View, $"column '{c.Name}': view")) yield return e;
                if (!Identifiers.IsValid(c.ForeignKey)) yield return $"column '{c.Name}': foreignKey '{c.ForeignKey}' is not a plain column name";
                if (c.Columns.Count != 1 || c.Columns[0].Content != ContentType.Key)
                {
                    yield return $"column '{c.Name}': a nested table needs exactly one column, with content Key (the item)";
                }

                foreach (var n in c.Columns)
                {
                    foreach (var e in CheckColumn(n, $"column '{c.Name}.{n.Name}'")) yield return e;
                }
            }
        }

        foreach (var (column, usage) in d.Model.Usage)
        {
            if (!d.Columns.Any(c => c.Name == column)) yield return $"model.usage: no column named '{column}'";
            if (usage == ColumnUsage.Key) yield return $"model.usage: '{column}' cannot be set to Key; the key is the column with content Key";
        }

        if (!d.Columns.Any(c => c.Content != ContentType.Key && d.UsageOf(c) is ColumnUsage.Input or ColumnUsage.Predict))
        {
            yield return "columns: at least one input column is required";
        }

        foreach (var e in CheckText(d)) yield return e;
    }

    /// <summary>
    /// The free text and the parameters, which reach ASSL, DMX and the endpoint's answers: no character XML 1.0
    /// cannot carry (a control character once cut a deploy batch in half), parameters by their documented names only.
    /// </summary>
    private static IEnumerable<string> CheckText(ModelDefinition d)
    {
        if (d.Description is not null && d.Description.Any(ch => !System.Xml.XmlConvert.IsXmlChar(ch) && !char.IsSurrogate(ch)))
        {
            var ch = d.Description.First(ch => !System.Xml.XmlConvert.IsXmlChar(ch) && !char.IsSurrogate(ch));
            yield return $"description: holds the character U+{(int)ch:X4}, which XML cannot carry; remove it";
        }

        if (d.Description is { Length: > 4000 }) yield return $"description: {d.Description.Length} characters; at most 4000";
        foreach (var (name, value) in d.Model.Parameters)
        {
            if (!ModelSpec.KnownParameters.Contains(name, StringComparer.OrdinalIgnoreCase))
            {
                yield return $"model.parameters: '{Identifiers.Printable(name)}' is not a Microsoft_Clustering parameter; use {string.Join(", ", ModelSpec.KnownParameters)}";
            }
            else if (!double.IsFinite(value))
            {
                yield return $"model.parameters: {name} must be a finite number";
            }
        }
    }


    private static IEnumerable<string> CheckColumn(StructureColumn c, string where)
    {
        if (!ColumnName().IsMatch(c.Name)) yield return $"{where}: a column name uses letters, digits, spaces, '_' and '-', starting with a letter";
        if (c.Content != ContentType.Table && !Identifiers.IsValid(c.SourceColumn)) yield return $"{where}: source '{c.SourceColumn}' is not a plain column name";
        if (c.Content == ContentType.Continuous && c.Type is MiningDataType.Text or MiningDataType.Boolean)
        {
            yield return $"{where}: Continuous needs type Long, Double or Date, not {c.Type}";
        }

        if (c.Content != ContentType.Discretized && (c.Discretization is not null || c.Buckets is not null))
        {
            yield return $"{where}: discretization and buckets apply to Discretized columns only";
        }

        if (c.Buckets is < 2 or > 100) yield return $"{where}: buckets {c.Buckets} is out of range 2 to 100";
        foreach (var f in c.Flags.Where(f => f is not "NOT NULL" and not "MODEL_EXISTENCE_ONLY"))
        {
            yield return $"{where}: unknown flag '{f}'; use NOT NULL or MODEL_EXISTENCE_ONLY";
        }

        if (c.Content != ContentType.Table && (c.View is not null || c.ForeignKey is not null || c.Columns.Count > 0))
        {
            yield return $"{where}: view, foreignKey and columns apply to nested tables (content Table) only";
        }
    }

    private static IEnumerable<string> CheckView(string? view, string where)
    {
        var parts = (view ?? "").Split('.');
        if (parts.Length != 2 || !parts.All(Identifiers.IsValid))
        {
            yield return $"{where}: '{view}' must be schema.view (plain identifiers)";
        }
    }
}
