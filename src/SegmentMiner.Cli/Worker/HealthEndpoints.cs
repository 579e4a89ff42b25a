using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace SegmentMiner.Cli.Worker;

/// <summary>The worker's health checks (warehouse, mining server, age of the last publish) and the server for them.</summary>
internal static class HealthEndpoints
{
    public const string Ready = "ready";

    public static void Add(IServiceCollection services, string urls)
    {
        services.AddHealthChecks()
            .AddCheck<WarehouseHealthCheck>("warehouse", HealthStatus.Unhealthy, [Ready])
            .AddCheck<MiningServerHealthCheck>("mining-server", HealthStatus.Unhealthy, [Ready])
            .AddCheck<PublishAgeHealthCheck>("last-publish", HealthStatus.Degraded, [Ready]);
        services.AddHostedService(sp => new HealthServer(sp, urls));
    }
}
