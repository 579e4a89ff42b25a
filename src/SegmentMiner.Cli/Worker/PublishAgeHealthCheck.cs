using Microsoft.Extensions.Diagnostics.HealthChecks;
using SegmentMiner.Core;
using SegmentMiner.Core.Configuration;
using SegmentMiner.Warehouse;

namespace SegmentMiner.Cli.Worker;

/// <summary>Degraded when the newest published run is older than Publish:MaxPublishAge (or nothing is published yet).</summary>
internal sealed class PublishAgeHealthCheck(IWarehouseBackend backend, SegmentMinerOptions options, TimeProvider clock) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await backend.CheckReachableAsync(cancellationToken);
            var (_, _, published) = await backend.Status.ReadAsync(cancellationToken);
            if (published.Count == 0)
            {
                return HealthCheckResult.Degraded("nothing is published yet");
            }

            var age = clock.GetUtcNow().UtcDateTime - published.Max(p => p.PublishedAt);
            var data = new Dictionary<string, object> { ["ageHours"] = Math.Round(age.TotalHours, 2) };
            return age > options.Publish.MaxPublishAge
                ? HealthCheckResult.Degraded($"the last publish is {age.TotalHours:0.0} hours old, more than Publish:MaxPublishAge", data: data)
                : HealthCheckResult.Healthy($"the last publish is {age.TotalHours:0.0} hours old", data);
        }
        catch (Exception ex) when (ex is SegmentMinerException or System.Data.Common.DbException)
        {
            return HealthCheckResult.Degraded($"cannot read the published runs: {ex.Message}");
        }
    }
}
