using SegmentMiner.Core.Mining;
using SegmentMiner.Core.Models;

namespace SegmentMiner.Pipeline.Models;

/// <summary>The mining models on the configured mining server: <c>segminer models ...</c> and the process job.</summary>
public interface IModelService
{
    string ServerKind { get; }

    Task<IReadOnlyList<DeployResult>> DeployAsync(IReadOnlyList<ModelDefinition> models, CancellationToken cancellationToken);

    Task<IReadOnlyList<ProcessResult>> ProcessAsync(IReadOnlyList<ModelDefinition> models, ProcessType type, CancellationToken cancellationToken);

    Task<IReadOnlyList<ModelState>> ListAsync(IReadOnlyList<ModelDefinition> models, CancellationToken cancellationToken);

    Task<IReadOnlyList<(string Model, bool Dropped)>> DropAsync(IReadOnlyList<ModelDefinition> models, CancellationToken cancellationToken);
}
