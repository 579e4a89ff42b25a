using SegmentMiner.Core.Models;

namespace SegmentMiner.Pipeline.Publishing;

/// <summary>Publishes processed models to the seg schema: <c>segminer publish</c> and the publish job.</summary>
public interface IPublishService
{
    Task<IReadOnlyList<PublishResult>> PublishAsync(IReadOnlyList<ModelDefinition> models, CancellationToken cancellationToken = default);

    /// <summary>Makes a kept earlier run of the model current again (until the next publish of a new processing).</summary>
    Task RestoreAsync(ModelDefinition model, long run, CancellationToken cancellationToken = default);
}
