using System.Text.Json;
using System.Text.Json.Serialization;

namespace SegmentMiner.Mining;

/// <summary>
/// The processed-model file: versioned JSON holding the definition, the attribute dictionary, the root
/// marginals and every mixture parameter (doubles round-trip exactly), so a reloaded model predicts identically.
/// </summary>
public static class ModelFile
{
    public const int FormatVersion = 1;

    private static readonly JsonSerializerOptions Options = new()
    {
        WriteIndented = false,
        Converters = { new JsonStringEnumConverter() },
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    public static void Save(ClusteringModel model, Stream stream)
    {
        var set = model.Attributes;
        var m = model.Mixture;
        var dto = new ModelDto(
            FormatVersion, model.Definition.Name, model.Definition.Columns.ToList(), model.Definition.Parameters, model.SourceColumns.ToList(),
            set.Attributes.Select(a => new AttributeDto(a.Name, a.Content, a.DataType, a.IsInput, a.ExistenceOnly, a.States, a.Cuts, a.Mean, a.StdDev, a.Normalized, a.NestedKey, a.Resolution, a.Minimum, a.Maximum)).ToList(),
            set.Ordinals, set.KeyOrdinal, set.Cases, set.RootStateCounts, set.RootExisting, set.RootSum, set.RootSumSquares,
            m.K, m.Weight, m.StateProb, m.Mean, m.Var, m.PMissing,
            model.RawSupport.ToArray(),
            model.LogLikelihood, model.Iterations, model.Cases, model.ProcessedAt, model.Objectives.ToList());
        JsonSerializer.Serialize(stream, dto, Options);
    }

    public static ClusteringModel Load(Stream stream, string? displayName = null)
    {
        ModelDto dto;
        try
        {
            dto = JsonSerializer.Deserialize<ModelDto>(stream, Options) ?? throw new MiningException("empty model file");
        }
        catch (JsonException ex)
        {
            throw new MiningException($"{displayName ?? "model file"}: not a SegmentMiner model file ({ex.Message})");
        }

        if (dto.FormatVersion != FormatVersion)
        {
            throw new MiningException($"{displayName ?? "model file"}: format version {dto.FormatVersion}; this build reads version {FormatVersion}");
        }

        var attributes = dto.Attributes.Select(a => new MiningAttribute
        {
            Name = a.Name, Content = a.Content, DataType = a.DataType, IsInput = a.IsInput, ExistenceOnly = a.ExistenceOnly,
            States = a.States, Cuts = a.Cuts, Mean = a.Mean, StdDev = a.StdDev, Normalized = a.Normalized, NestedKey = a.NestedKey, Resolution = a.Resolution,
            Minimum = a.Minimum ?? double.NaN, Maximum = a.Maximum ?? double.NaN,
        }).ToList();
        var lookups = attributes.Select(a =>
        {
            var d = new Dictionary<string, int>(StringComparer.Ordinal);
            if (!a.ExistenceOnly && a.NestedKey is null && a.Cuts.Length == 0 && !a.IsContinuous)
            {
                for (var s = 1; s < a.States.Length; s++) d[a.States[s]] = s;
            }

            return d;
        }).ToArray();
        var set = new AttributeSet(attributes, dto.Ordinals, dto.KeyOrdinal, lookups, dto.StructureCases, dto.RootStateCounts, dto.RootExisting, dto.RootSum, dto.RootSumSquares);
        var mixture = new Mixture(dto.K, set);
        dto.Weight.CopyTo(mixture.Weight, 0);
        dto.StateProb.CopyTo(mixture.StateProb, 0);
        dto.Mean.CopyTo(mixture.Mean, 0);
        dto.Var.CopyTo(mixture.Var, 0);
        dto.PMissing.CopyTo(mixture.PMissing, 0);
        mixture.Prepare();
        var definition = new MiningModelDefinition(dto.Name, dto.Columns, dto.Parameters);
        return new ClusteringModel(definition, dto.SourceColumns, set, mixture, dto.Support, dto.LogLikelihood, dto.Iterations, dto.Cases, dto.ProcessedAt, dto.Objectives);
    }

    public static void Save(ClusteringModel model, string path)
    {
        var tmp = path + ".tmp";
        using (var f = File.Create(tmp))
        {
            Save(model, f);
        }

        File.Move(tmp, path, overwrite: true);
    }

    public static ClusteringModel Load(string path)
    {
        using var f = File.OpenRead(path);
        return Load(f, Path.GetFileName(path));
    }

    private sealed record AttributeDto(string Name, ContentType Content, MiningDataType DataType, bool IsInput, bool ExistenceOnly, string[] States, double[] Cuts, double Mean, double StdDev, bool Normalized, string? NestedKey, double Resolution = 0, double? Minimum = null, double? Maximum = null);

    private sealed record ModelDto(
        int FormatVersion, string Name, List<MiningColumn> Columns, ClusteringParameters Parameters, List<string> SourceColumns,
        List<AttributeDto> Attributes, int[] Ordinals, int KeyOrdinal, long StructureCases, long[] RootStateCounts, double[] RootExisting,
        double[] RootSum, double[] RootSumSquares, int K, double[] Weight, double[] StateProb, double[] Mean, double[] Var, double[] PMissing,
        double[] Support, double LogLikelihood, int Iterations, long Cases, DateTime ProcessedAt, List<double> Objectives);
}
