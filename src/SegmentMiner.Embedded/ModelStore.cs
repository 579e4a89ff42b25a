using System.Text.Json;
using SegmentMiner.Core.Models;
using SegmentMiner.Mining;

namespace SegmentMiner.Embedded;

/// <summary>
/// Deployed definitions and processed models of the embedded server, one folder per model under
/// <c>DATA/models/</c>: <c>definition.json</c> (with its hash), <c>model.smm</c> (the model file) and
/// <c>state.json</c>. Every file is written to a temporary name and moved into place, so a crash never leaves a
/// half-written model.
/// </summary>
public sealed class ModelStore(string root)
{
    private static readonly JsonSerializerOptions Json = new(ModelDefinitionJson.Options) { WriteIndented = true };

    public string Root { get; } = root;

    public string Folder(string model) => Path.Combine(Root, model);

    public StoredDefinition? ReadDefinition(string model)
    {
        var file = Path.Combine(Folder(model), "definition.json");
        if (!File.Exists(file))
        {
            return null;
        }

        using var stream = File.OpenRead(file);
        var stored = JsonSerializer.Deserialize<StoredDefinitionFile>(stream, Json)!;
        var definition = ModelDefinitionJson.Parse(model, stored.Definition.GetRawText(), file);
        return new StoredDefinition(stored.Hash, stored.Partition is null ? definition : definition with { Family = stored.Family ?? model, Partition = stored.Partition });
    }

    /// <summary>Every deployed definition, by folder name (models deployed by the CLI, the worker or the endpoint alike).</summary>
    public IEnumerable<StoredDefinition> Definitions() =>
        Directory.Exists(Root)
            ? Directory.EnumerateDirectories(Root).Order(StringComparer.Ordinal).Select(d => ReadDefinition(Path.GetFileName(d))).OfType<StoredDefinition>()
            : [];

    public void WriteDefinition(ModelDefinition definition)
    {
        Directory.CreateDirectory(Folder(definition.Name));
        var body = new StoredDefinitionFile(definition.Hash, JsonSerializer.SerializeToElement(definition, Json),
            definition.Partition is null ? null : definition.Family, definition.Partition);
        WriteAtomic(Path.Combine(Folder(definition.Name), "definition.json"), s => JsonSerializer.Serialize(s, body, Json));
    }

    public ModelRunState? ReadState(string model)
    {
        var file = Path.Combine(Folder(model), "state.json");
        if (!File.Exists(file))
        {
            return null;
        }

        using var stream = File.OpenRead(file);
        return JsonSerializer.Deserialize<ModelRunState>(stream, Json);
    }

    /// <summary>Saves the model, then its state: a reader sees the old pair or the new one.</summary>
    public void WriteModel(ClusteringModel model, ModelRunState state)
    {
        Directory.CreateDirectory(Folder(state.Model));
        WriteAtomic(Path.Combine(Folder(state.Model), "model.smm"), s => ModelFile.Save(model, s));
        WriteAtomic(Path.Combine(Folder(state.Model), "state.json"), s => JsonSerializer.Serialize(s, state, Json));
    }

    public ClusteringModel? ReadModel(string model)
    {
        var file = Path.Combine(Folder(model), "model.smm");
        return File.Exists(file) && ReadState(model) is not null ? ModelFile.Load(file) : null;
    }

    /// <summary>Drops the trained model (the definition stays): what a redeploy or ProcessClear does.</summary>
    public void ClearModel(string model)
    {
        if (!Directory.Exists(Folder(model)))
        {
            return;
        }

        File.Delete(Path.Combine(Folder(model), "state.json"));
        File.Delete(Path.Combine(Folder(model), "model.smm"));
    }

    public bool Drop(string model)
    {
        var folder = Folder(model);
        if (!Directory.Exists(folder))
        {
            return false;
        }

        ClearModel(model);
        Directory.Delete(folder, recursive: true);
        return true;
    }

    private static void WriteAtomic(string path, Action<Stream> write)
    {
        var temp = path + ".tmp-" + Environment.ProcessId;
        using (var stream = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            write(stream);
            stream.Flush(flushToDisk: true);
        }

        File.Move(temp, path, overwrite: true);
    }

    /// <summary>definition.json: the hash, the definition, and for a partition its family and value.</summary>
    private sealed record StoredDefinitionFile(string Hash, JsonElement Definition, string? Family = null, string? Partition = null);
}

public sealed record StoredDefinition(string Hash, ModelDefinition Definition);

/// <summary>What the last processing produced.</summary>
public sealed record ModelRunState(string Model, string DefinitionHash, DateTime ProcessedAt, long Cases, int Clusters, double Bic, int Iterations, TimeSpan Duration);
