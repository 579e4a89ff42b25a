using Microsoft.Extensions.Diagnostics.HealthChecks;
using SegmentMiner.Core;
using SegmentMiner.Warehouse;

namespace SegmentMiner.Cli.Worker;

/// <summary>Ready only while the warehouse can be reached.</summary>
internal sealed class WarehouseHealthCheck(IWarehouseBackend backend) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await backend.CheckReachableAsync(cancellationToken);
            return HealthCheckResult.Healthy($"the {backend.Dialect} warehouse is reachable");
        }
        catch (SegmentMinerException ex)
        {
            return HealthCheckResult.Unhealthy(ex.Message);
        }
    }
}
