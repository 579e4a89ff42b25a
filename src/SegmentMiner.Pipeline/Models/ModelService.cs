using Microsoft.Extensions.Logging;
using SegmentMiner.Core.Mining;
using SegmentMiner.Core.Models;

namespace SegmentMiner.Pipeline.Models;

/// <summary>Deploys (a no-op for an unchanged definition), processes, lists and drops models on one mining server.</summary>
public sealed partial class ModelService(IMiningServer server, ILogger<ModelService> log) : IModelService
{
    public string ServerKind => server.Kind;

    public async Task<IReadOnlyList<DeployResult>> DeployAsync(IReadOnlyList<ModelDefinition> models, CancellationToken cancellationToken)
    {
        var results = new List<DeployResult>();
        foreach (var m in models)
        {
            var r = await server.DeployAsync(m, cancellationToken);
            LogDeployed(log, m.Name, Describe(r.Outcome), server.Kind);
            results.Add(r);
        }

        await DropUnsplitAsync(models, cancellationToken);
        return results;
    }

    /// <summary>
    /// Once a partitioned definition is split (its case view has values), the whole one deployed before there were
    /// any (never processed: it had no cases) goes, so clients of the mining server see only the partitions.
    /// </summary>
    private async Task DropUnsplitAsync(IReadOnlyList<ModelDefinition> models, CancellationToken cancellationToken)
    {
        foreach (var family in models.Where(m => m.Partition is not null).GroupBy(m => m.Family))
        {
            var whole = family.First() with { Name = family.Key, Partition = null, Family = family.Key };
            if ((await server.ListAsync([whole], cancellationToken))[0].Deployed && await server.DropAsync(whole, cancellationToken))
            {
                LogDeployed(log, whole.Name, "dropped (now one structure per " + whole.PartitionBy + ")", server.Kind);
            }
        }
    }

    /// <summary>
    /// Processes the models in order; on the embedded engine the partitions of a definition (a product's personas
    /// each) side by side, one per processor: each trains on one thread, and they share nothing but the warehouse
    /// they read. Analysis Services gets them one at a time, as it always has.
    /// </summary>
    public async Task<IReadOnlyList<ProcessResult>> ProcessAsync(IReadOnlyList<ModelDefinition> models, ProcessType type, CancellationToken cancellationToken)
    {
        var results = new ProcessResult[models.Count];
        var side = server.Kind == "embedded" ? Environment.ProcessorCount : 1;
        var partitions = Enumerable.Range(0, models.Count).Where(i => models[i].Partition is not null && side > 1).ToHashSet();
        foreach (var i in Enumerable.Range(0, models.Count).Where(i => !partitions.Contains(i)))
        {
            results[i] = await ProcessOneAsync(models[i], type, cancellationToken);
        }

        await Parallel.ForEachAsync(partitions.Order(), new ParallelOptions { MaxDegreeOfParallelism = side, CancellationToken = cancellationToken },
            async (i, ct) => results[i] = await ProcessOneAsync(models[i], type, ct));
        return results;
    }

    private async Task<ProcessResult> ProcessOneAsync(ModelDefinition m, ProcessType type, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested(); // safe point between models
        LogProcessing(log, m.Name, type == ProcessType.Full ? "full" : "default", server.Kind);
        Core.KillPoint.At("process:model-start");
        var r = await server.ProcessAsync(m, type, new LogProgress(log), cancellationToken);
        Core.KillPoint.At("process:model-done");
        LogProcessed(log, m.Name, r.Processed
            ? $"processed: {r.Cases:N0} cases, {r.Clusters} clusters in {r.Duration.TotalSeconds:0.0} s"
            : r.Note ?? "not processed");
        return r;
    }

    public Task<IReadOnlyList<ModelState>> ListAsync(IReadOnlyList<ModelDefinition> models, CancellationToken cancellationToken) =>
        server.ListAsync(models, cancellationToken);

    public async Task<IReadOnlyList<(string Model, bool Dropped)>> DropAsync(IReadOnlyList<ModelDefinition> models, CancellationToken cancellationToken)
    {
        var results = new List<(string, bool)>();
        foreach (var m in models)
        {
            results.Add((m.Name, await server.DropAsync(m, cancellationToken)));
        }

        return results;
    }

    public static string Describe(DeployOutcome o) => o switch
    {
        DeployOutcome.Created => "created",
        DeployOutcome.Updated => "updated (training dropped; process again)",
        _ => "no change",
    };

    [LoggerMessage(Level = LogLevel.Information, Message = "{Model}: deploy: {Outcome} on the {Server} server")]
    private static partial void LogDeployed(ILogger logger, string model, string outcome, string server);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Model}: processing ({Type}) on the {Server} server")]
    private static partial void LogProcessing(ILogger logger, string model, string type, string server);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Model}: {Result}")]
    private static partial void LogProcessed(ILogger logger, string model, string result);
}
