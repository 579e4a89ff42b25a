using Microsoft.Extensions.Logging.Abstractions;
using SegmentMiner.Core.Configuration;
using SegmentMiner.Core.Mining;
using SegmentMiner.Core.Models;
using SegmentMiner.Pipeline.Models;
using SegmentMiner.Pipeline.Publishing;
using SegmentMiner.Warehouse;
using SegmentMiner.Warehouse.DuckDb;

namespace SegmentMiner.Xmla.Tests;

/// <summary>Deploy, process (full) and publish on the embedded engine, with the services the worker's jobs use.</summary>
internal static class Refresh
{
    public static async Task<IReadOnlyList<PublishResult>> RunAsync(SegmentMinerOptions options, DataFolder folder, IReadOnlyList<ModelDefinition> models)
    {
        await using var server = Pipeline.MiningServers.Embedded(new Warehouse.DuckDb.DuckDbBackend(folder, options.Warehouse, options.Sync), folder);
        var service = new ModelService(server, NullLogger<ModelService>.Instance);
        await service.DeployAsync(models, CancellationToken.None);
        await service.ProcessAsync(models, ProcessType.Full, CancellationToken.None);
        return await new PublishService(options, Backend(options, folder), server, NullLogger.Instance).PublishAsync(models);
    }

    public static IWarehouseBackend Backend(SegmentMinerOptions options, DataFolder folder) => new DuckDbBackend(folder, options.Warehouse, options.Sync);
}
