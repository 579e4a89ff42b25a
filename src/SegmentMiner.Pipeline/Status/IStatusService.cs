using SegmentMiner.Core.Models;

namespace SegmentMiner.Pipeline.Status;

/// <summary>Reads and judges the state of the whole job: <c>segminer status</c> and the readiness probe.</summary>
public interface IStatusService
{
    Task<StatusReport> ReadAsync(IReadOnlyList<ModelDefinition> models, CancellationToken cancellationToken);
}
