using Microsoft.Extensions.Logging;
using SegmentMiner.Core.Configuration;
using SegmentMiner.Core.Mining;
using SegmentMiner.Core.Models;
using SegmentMiner.Pipeline.Publishing;
using SegmentMiner.Warehouse;

namespace SegmentMiner.Pipeline;

/// <summary>Deploy, process and publish: the mining half of the main job, on the configured mining server.</summary>
public static class SegmentJob
{
    public static async Task<IReadOnlyList<PublishResult>> RefreshAsync(
        SegmentMinerOptions options, DataFolder folder, IReadOnlyList<ModelDefinition> models, ProcessType type, ILogger log, CancellationToken cancellationToken)
    {
        await using var server = MiningServers.Create(options, folder, log);
        await DeployAndProcessAsync(server, models, type, log, cancellationToken);
        return await new PublishService(options, folder, server, log).PublishAsync(models, cancellationToken);
    }

    /// <summary>Deploys each model (a no-op when its definition is unchanged) and processes it; returns what processing did.</summary>
    public static async Task<IReadOnlyList<ProcessResult>> DeployAndProcessAsync(IMiningServer server, IReadOnlyList<ModelDefinition> models, ProcessType type, ILogger log, CancellationToken cancellationToken)
    {
        var results = new List<ProcessResult>();
        foreach (var m in models)
        {
            var deployed = await server.DeployAsync(m, cancellationToken);
            log.LogInformation("{Model}: deploy: {Outcome}", m.Name, deployed.Outcome.ToString().ToLowerInvariant());
            var processed = await server.ProcessAsync(m, type, new LogProgress(log), cancellationToken);
            log.LogInformation("{Model}: {Result}", m.Name, processed.Processed
                ? $"processed: {processed.Cases:N0} cases, {processed.Clusters} clusters in {processed.Duration.TotalSeconds:0.0} s"
                : processed.Note ?? "not processed");
            results.Add(processed);
        }

        return results;
    }
}

/// <summary>Progress as log lines, written at once (not posted to a context), so they stay in order.</summary>
public sealed class LogProgress(ILogger log) : IProgress<string>
{
    public void Report(string value) => log.LogInformation("{Progress}", value);
}
