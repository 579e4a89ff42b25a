using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using SegmentMiner.Core;
using SegmentMiner.Core.Mining;
using SegmentMiner.Core.Models;

namespace SegmentMiner.Cli.Worker;

/// <summary>
/// Ready only while the mining server answers (the embedded engine's model store; Analysis Services over XMLA). It
/// counts the whole models of the definitions: splitting a partitioned one (product personas) reads the warehouse, and
/// a probe must not open it (a read-only open would hold this process's DuckDB instance read-only).
/// </summary>
internal sealed class MiningServerHealthCheck(IServiceScopeFactory scopes, Lazy<ModelCatalog> catalog) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var server = scope.ServiceProvider.GetRequiredService<IMiningServer>();
            var states = await server.ListAsync(catalog.Value.Models.Where(m => m.PartitionBy is null).ToList(), cancellationToken);
            return HealthCheckResult.Healthy($"the {server.Kind} mining server answers: {states.Count(s => s.Processed)} of {states.Count} models processed");
        }
        catch (Exception ex) when (ex is SegmentMinerException or HttpRequestException or IOException)
        {
            return HealthCheckResult.Unhealthy(ex.Message);
        }
    }
}
