using System.Text.Json;
using SegmentMiner.Core.Models;
using SegmentMiner.Mining;

namespace SegmentMiner.Embedded;

/// <summary>
/// Deployed definitions and processed models of the embedded server, one folder per model under
/// <c>DATA/models/</c>: <c>definition.json</c> (with its hash), the model file (<c>model-*.smm</c>) and
/// <c>state.json</c>, which names the model file. Every file is written to a temporary name and moved into place, so a
/// crash never leaves a half-written one; and since a new model gets a new file, the state is the one switch: a crash
/// before it leaves the previous state with its own model, never the new model under the old state.
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

    /// <summary>Saves the model to a file of its own, then the state that names it: a reader sees the old pair or the new one.</summary>
    public void WriteModel(ClusteringModel model, ModelRunState state)
    {
        var folder = Folder(state.Model);
        Directory.CreateDirectory(folder);
        var name = $"model-{state.ProcessedAt.Ticks}-{Environment.ProcessId}.smm";
        WriteAtomic(Path.Combine(folder, name), s => ModelFile.Save(model, s));
        Core.KillPoint.At("process:model-file-written");
        WriteAtomic(Path.Combine(folder, "state.json"), s => JsonSerializer.Serialize(s, state with { ModelFile = name }, Json));
        Core.KillPoint.At("process:state-written");
        RemoveLeftovers(folder, keep: name);
    }

    public ClusteringModel? ReadModel(string model)
    {
        var state = ReadState(model);
        var file = Path.Combine(Folder(model), state?.ModelFile ?? LegacyModelFile);
        return state is not null && File.Exists(file) ? ModelFile.Load(file) : null;
    }

    /// <summary>The model file of stores written before the state named it.</summary>
    private const string LegacyModelFile = "model.smm";

    /// <summary>
    /// Model files no state names, and temporary files a crash left behind; a file another live process is still
    /// writing (its id is in the name) is left to it.
    /// </summary>
    private static void RemoveLeftovers(string folder, string? keep)
    {
        foreach (var file in Directory.EnumerateFiles(folder))
        {
            var name = Path.GetFileName(file);
            var temporary = name.Contains(".tmp-", StringComparison.Ordinal);
            if ((temporary || (name.EndsWith(".smm", StringComparison.Ordinal) && name != keep)) && !WrittenByAnotherLiveProcess(name, temporary))
            {
                File.Delete(file);
            }
        }
    }

    private static bool WrittenByAnotherLiveProcess(string name, bool temporary)
    {
        var digits = temporary ? name[(name.LastIndexOf(".tmp-", StringComparison.Ordinal) + 5)..] : Path.GetFileNameWithoutExtension(name).Split('-').Last();
        if (!int.TryParse(digits, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var pid) || pid == Environment.ProcessId)
        {
            return false;
        }

        try
        {
            using var process = System.Diagnostics.Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false; // no such process: a crash left it
        }
    }

    /// <summary>Drops the trained model (the definition stays): what a redeploy or ProcessClear does.</summary>
    public void ClearModel(string model)
    {
        if (!Directory.Exists(Folder(model)))
        {
            return;
        }

        File.Delete(Path.Combine(Folder(model), "state.json"));
        RemoveLeftovers(Folder(model), keep: null);
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
public sealed record ModelRunState(string Model, string DefinitionHash, DateTime ProcessedAt, long Cases, int Clusters, double Bic, int Iterations, TimeSpan Duration, string? ModelFile = null);
