using SegmentMiner.Core.Models;
using SegmentMiner.Pipeline.Models;
using SegmentMiner.Pipeline.Publishing;
using SegmentMiner.Pipeline.Retention;
using SegmentMiner.Warehouse.Jobs;
using SegmentMiner.Warehouse.Sync;

namespace SegmentMiner.Worker.Tests;

/// <summary>
/// Stand-ins for the four use-case services that count their calls (and how many run at once): registered in place of
/// the real ones, they show which entry points go through them.
/// </summary>
internal sealed class Recording : ISyncService, IModelService, IPublishService, IRetentionService
{
    private int _running;

    public TimeSpan SyncTakes { get; init; }

    public bool SyncChanges { get; init; }

    public int Syncs;

    public int Processes;

    public int Publishes;

    public int Retentions;

    public int MostAtOnce;

    public string ServerKind => "recording";

    public async Task<SyncResult> RunAsync(DateOnly asOf, CancellationToken cancellationToken = default, bool rebuild = false)
    {
        Interlocked.Increment(ref Syncs);
        var now = Interlocked.Increment(ref _running);
        InterlockedMax(ref MostAtOnce, now);
        try
        {
            await Task.Delay(SyncTakes, cancellationToken);
            return new SyncResult(SyncChanges ? Syncs : null, asOf, [], new Dictionary<string, TimeSpan>(), 0);
        }
        finally
        {
            Interlocked.Decrement(ref _running);
        }
    }

    public Task<IReadOnlyList<DeployResult>> DeployAsync(IReadOnlyList<ModelDefinition> models, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<DeployResult>>(models.Select(m => new DeployResult(m.Name, DeployOutcome.Unchanged)).ToList());

    public Task<IReadOnlyList<ProcessResult>> ProcessAsync(IReadOnlyList<ModelDefinition> models, ProcessType type, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref Processes);
        return Task.FromResult<IReadOnlyList<ProcessResult>>(models.Select(m => new ProcessResult(m.Name, true, 10, 2, DateTime.UtcNow, TimeSpan.Zero)).ToList());
    }

    public Task<IReadOnlyList<ModelState>> ListAsync(IReadOnlyList<ModelDefinition> models, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<ModelState>>([]);

    public Task<IReadOnlyList<(string Model, bool Dropped)>> DropAsync(IReadOnlyList<ModelDefinition> models, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<(string, bool)>>([]);

    public Task<IReadOnlyList<PublishResult>> PublishAsync(IReadOnlyList<ModelDefinition> models, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref Publishes);
        return Task.FromResult<IReadOnlyList<PublishResult>>([]);
    }

    public Task RestoreAsync(ModelDefinition model, long run, CancellationToken cancellationToken = default) => Task.CompletedTask;

    public Task<RetentionResult> RunAsync(CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref Retentions);
        return Task.FromResult(new RetentionResult(0, 0, 0, 0));
    }

    public void Register(Microsoft.Extensions.DependencyInjection.IServiceCollection services)
    {
        Microsoft.Extensions.DependencyInjection.ServiceCollectionServiceExtensions.AddSingleton<ISyncService>(services, this);
        Microsoft.Extensions.DependencyInjection.ServiceCollectionServiceExtensions.AddSingleton<IModelService>(services, this);
        Microsoft.Extensions.DependencyInjection.ServiceCollectionServiceExtensions.AddSingleton<IPublishService>(services, this);
        Microsoft.Extensions.DependencyInjection.ServiceCollectionServiceExtensions.AddSingleton<IRetentionService>(services, this);
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int seen;
        while ((seen = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, seen) != seen)
        {
        }
    }
}
