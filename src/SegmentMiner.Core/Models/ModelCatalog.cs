namespace SegmentMiner.Core.Models;

/// <summary>
/// The model definitions in use: the shipped ones (embedded in the build from <c>ssas-models/</c>) or those of the
/// folder set in <c>Mining:ModelsFolder</c>. Every <c>*.json</c> file except the schema is one model.
/// </summary>
public sealed class ModelCatalog
{
    private const string ResourcePrefix = "ssas-models/";

    private ModelCatalog(IReadOnlyList<ModelDefinition> models, string origin)
    {
        Models = models;
        Origin = origin;
    }

    public IReadOnlyList<ModelDefinition> Models { get; }

    /// <summary>"the shipped definitions" or the folder.</summary>
    public string Origin { get; }

    public static ModelCatalog Load(string? folder)
    {
        if (string.IsNullOrWhiteSpace(folder))
        {
            return Shipped();
        }

        if (!Directory.Exists(folder))
        {
            throw new ConfigurationException([$"Mining:ModelsFolder: the folder '{folder}' does not exist."]);
        }

        var models = Directory.EnumerateFiles(folder, "*.json")
            .Where(f => !f.EndsWith(".schema.json", StringComparison.OrdinalIgnoreCase))
            .OrderBy(f => f, StringComparer.Ordinal)
            .Select(f => ModelDefinitionJson.Parse(Path.GetFileNameWithoutExtension(f), File.ReadAllText(f), f))
            .ToList();
        if (models.Count == 0)
        {
            throw new ConfigurationException([$"Mining:ModelsFolder: '{folder}' holds no model definition (*.json)."]);
        }

        return new ModelCatalog(models, folder);
    }

    public static ModelCatalog Shipped()
    {
        var assembly = typeof(ModelCatalog).Assembly;
        var models = assembly.GetManifestResourceNames()
            .Where(n => n.StartsWith(ResourcePrefix, StringComparison.Ordinal) && n.EndsWith(".json", StringComparison.Ordinal) && !n.EndsWith(".schema.json", StringComparison.Ordinal))
            .OrderBy(n => n, StringComparer.Ordinal)
            .Select(n =>
            {
                using var stream = assembly.GetManifestResourceStream(n)!;
                using var reader = new StreamReader(stream);
                var name = n[ResourcePrefix.Length..^".json".Length];
                return ModelDefinitionJson.Parse(name, reader.ReadToEnd(), "ssas-models/" + name + ".json (shipped)");
            })
            .ToList();
        return new ModelCatalog(models, "the shipped definitions");
    }

    /// <summary>The shipped JSON schema (for editors and for <c>models</c> commands that print it).</summary>
    public static string Schema()
    {
        using var stream = typeof(ModelCatalog).Assembly.GetManifestResourceStream(ResourcePrefix + "mining-structure.schema.json")!;
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    /// <summary>
    /// The catalog with each partitioned definition (<see cref="ModelDefinition.PartitionBy"/>) split into one per
    /// value that <paramref name="values"/> finds in its case view, in value order, each named
    /// <c>family-value</c> (the value in lower case, other characters as '-', made unique); a partitioned definition
    /// whose case view has no values yet stays whole, so its layer is skipped with a notice as any layer without data.
    /// </summary>
    public ModelCatalog Partitioned(Func<ModelDefinition, IReadOnlyList<string>> values)
    {
        var models = new List<ModelDefinition>();
        foreach (var m in Models)
        {
            var found = m.PartitionBy is null ? [] : values(m);
            if (found.Count == 0)
            {
                models.Add(m);
                continue;
            }

            var names = new HashSet<string>(Models.Select(x => x.Name), StringComparer.Ordinal);
            foreach (var value in found.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal))
            {
                var name = PartitionName(m.Name, value, names);
                models.Add(m with { Name = name, Family = m.Name, Partition = value, Origin = $"{m.Origin}, {m.PartitionBy} '{value}'" });
            }
        }

        return new ModelCatalog(models, Origin);
    }

    private static string PartitionName(string family, string value, HashSet<string> taken)
    {
        var slug = new string(value.ToLowerInvariant().Select(ch => ch is (>= 'a' and <= 'z') or (>= '0' and <= '9') ? ch : '-').ToArray());
        while (slug.Contains("--", StringComparison.Ordinal))
        {
            slug = slug.Replace("--", "-", StringComparison.Ordinal);
        }

        var stem = (family + "-" + slug.Trim('-')).TrimEnd('-');
        stem = stem[..Math.Min(stem.Length, 58)].TrimEnd('-');
        var name = stem;
        for (var i = 2; !taken.Add(name); i++)
        {
            name = $"{stem}-{i}";
        }

        return name;
    }

    /// <summary>
    /// The chosen models: all, or the one named, or every partition of the definition named (an unknown name is an
    /// error listing the known ones).
    /// </summary>
    public IReadOnlyList<ModelDefinition> Select(string? name)
    {
        if (name is null)
        {
            return Models;
        }

        var found = Models.Where(m => string.Equals(m.Name, name, StringComparison.OrdinalIgnoreCase)).ToList();
        if (found.Count == 0)
        {
            found = Models.Where(m => string.Equals(m.Family, name, StringComparison.OrdinalIgnoreCase)).ToList();
        }

        return found.Count == 0
            ? throw new ConfigurationException([$"--model: no model named '{name}' in {Origin}; known: {string.Join(", ", Models.Select(m => m.Name))}."])
            : found;
    }
}
