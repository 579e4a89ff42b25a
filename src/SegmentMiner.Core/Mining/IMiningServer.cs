using SegmentMiner.Core.Models;

namespace SegmentMiner.Core.Mining;

/// <summary>
/// The mining server the pipeline uses: the embedded engine, or Analysis Services through XMLA. Models are
/// addressed by their definition (its database, structure and model names).
/// </summary>
public interface IMiningServer : IAsyncDisposable
{
    /// <summary>"embedded" or "analysis-services", for messages and run history.</summary>
    string Kind { get; }

    /// <summary>Creates or replaces the structure and model; does nothing when the stored definition is the same.</summary>
    Task<DeployResult> DeployAsync(ModelDefinition model, CancellationToken cancellationToken = default);

    /// <summary>Trains the model on its case view. Default processing skips a model that is already processed.</summary>
    Task<ProcessResult> ProcessAsync(ModelDefinition model, ProcessType type, IProgress<string>? progress = null, CancellationToken cancellationToken = default);

    /// <summary>The state of each model (deployed or not, processed or not).</summary>
    Task<IReadOnlyList<ModelState>> ListAsync(IReadOnlyList<ModelDefinition> models, CancellationToken cancellationToken = default);

    /// <summary>Drops the structure and its model; false when there was nothing to drop.</summary>
    Task<bool> DropAsync(ModelDefinition model, CancellationToken cancellationToken = default);

    /// <summary>DMSCHEMA_MINING_MODEL_CONTENT: the root "000", then the clusters.</summary>
    Task<IReadOnlyList<ContentNode>> ContentAsync(ModelDefinition model, CancellationToken cancellationToken = default);

    /// <summary>GetClusterCharacteristics(model, node, threshold).</summary>
    Task<IReadOnlyList<CharacteristicRow>> CharacteristicsAsync(ModelDefinition model, string node, double threshold = 0.0005, CancellationToken cancellationToken = default);

    /// <summary>GetClusterDiscrimination(model, node1, node2 or complement when null, threshold, rescaled).</summary>
    Task<IReadOnlyList<DiscriminationRow>> DiscriminationAsync(ModelDefinition model, string node1, string? node2, double threshold = 0.0005, CancellationToken cancellationToken = default);

    /// <summary>Every cluster's profile against the population, computed from the content.</summary>
    Task<IReadOnlyList<ProfileRow>> ProfilesAsync(ModelDefinition model, CancellationToken cancellationToken = default);

    /// <summary>Each case of the case view: its key, most likely cluster and that cluster's probability.</summary>
    IAsyncEnumerable<CaseMembership> PredictAsync(ModelDefinition model, CancellationToken cancellationToken = default);
}

public enum DeployOutcome
{
    Created,
    Updated,
    Unchanged,
}

public sealed record DeployResult(string Model, DeployOutcome Outcome);

public enum ProcessType
{
    /// <summary>ProcessFull: drop the trained content and train again.</summary>
    Full,

    /// <summary>ProcessDefault: train only what is not processed.</summary>
    Default,
}

/// <summary>What processing did; <paramref name="Note"/> says why a model was not processed (already processed, no cases yet).</summary>
public sealed record ProcessResult(string Model, bool Processed, long Cases, int Clusters, DateTime? ProcessedAt, TimeSpan Duration, string? Note = null);

public sealed record ModelState(string Model, string Database, string Structure, bool Deployed, bool Processed, DateTime? LastProcessed, long? Cases, int? Clusters);

/// <summary>One case's membership: <c>Cluster()</c> and <c>ClusterProbability()</c>.</summary>
public sealed record CaseMembership(string Key, string Cluster, double Probability);

/// <summary>Cluster profiles computed from the model content, so every mining server gives the same ones.</summary>
public static class ContentProfiles
{
    /// <summary>
    /// One row per node (population "000" first) and NODE_DISTRIBUTION row: discrete states with their probability
    /// and support; a continuous attribute as Missing and Existing, Existing carrying the mean and standard deviation.
    /// </summary>
    public static IReadOnlyList<ProfileRow> From(IReadOnlyList<ContentNode> content)
    {
        var rows = new List<ProfileRow>();
        foreach (var node in content)
        {
            var caption = node.NodeType == 1 ? "Population" : node.NodeCaption;
            foreach (var d in node.NodeDistribution)
            {
                if (d.ValueType == MiningValueType.Continuous)
                {
                    var mean = double.Parse(d.AttributeValue, System.Globalization.CultureInfo.InvariantCulture);
                    rows.Add(new ProfileRow(node.NodeUniqueName, caption, d.AttributeName, "Existing", d.Probability, d.Support, mean, Math.Sqrt(d.Variance)));
                }
                else
                {
                    rows.Add(new ProfileRow(node.NodeUniqueName, caption, d.AttributeName, d.AttributeValue, d.Probability, d.Support, null, null));
                }
            }
        }

        return rows;
    }
}
