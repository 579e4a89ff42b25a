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

    /// <summary>The chosen models: all, or the one named (an unknown name is an error listing the known ones).</summary>
    public IReadOnlyList<ModelDefinition> Select(string? name)
    {
        if (name is null)
        {
            return Models;
        }

        var found = Models.FirstOrDefault(m => string.Equals(m.Name, name, StringComparison.OrdinalIgnoreCase));
        return found is null
            ? throw new ConfigurationException([$"--model: no model named '{name}' in {Origin}; known: {string.Join(", ", Models.Select(m => m.Name))}."])
            : [found];
    }
}
