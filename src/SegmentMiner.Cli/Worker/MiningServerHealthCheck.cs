using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using SegmentMiner.Core;
using SegmentMiner.Core.Mining;
using SegmentMiner.Core.Models;

namespace SegmentMiner.Cli.Worker;

/// <summary>Ready only while the mining server answers (the embedded engine's model store; Analysis Services over XMLA).</summary>
internal sealed class MiningServerHealthCheck(IServiceScopeFactory scopes, Func<ModelCatalog> catalog) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var server = scope.ServiceProvider.GetRequiredService<IMiningServer>();
            var states = await server.ListAsync(catalog().Models, cancellationToken);
            return HealthCheckResult.Healthy($"the {server.Kind} mining server answers: {states.Count(s => s.Processed)} of {states.Count} models processed");
        }
        catch (Exception ex) when (ex is SegmentMinerException or HttpRequestException or IOException)
        {
            return HealthCheckResult.Unhealthy(ex.Message);
        }
    }
}
