using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace SegmentMiner.Cli.Worker;

/// <summary>
/// Serves <c>/health/live</c> (200 while the process runs) and <c>/health/ready</c> (503 when the warehouse or the
/// mining server cannot be reached; the age of the last publish is reported, degraded when too old) on Kestrel,
/// with the worker's own health checks.
/// </summary>
internal sealed partial class HealthServer(IServiceProvider services, string urls) : IHostedService, IAsyncDisposable
{
    private WebApplication? _app;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls(urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        _app = builder.Build();
        var health = services.GetRequiredService<HealthCheckService>();
        _app.MapGet("/health/live", () => Results.Json(new { status = "Healthy" }));
        _app.MapGet("/health/ready", async (CancellationToken ct) =>
        {
            var report = await health.CheckHealthAsync(r => r.Tags.Contains(HealthEndpoints.Ready), ct);
            var body = new
            {
                status = report.Status.ToString(),
                checks = report.Entries.ToDictionary(e => e.Key, e => new { status = e.Value.Status.ToString(), description = e.Value.Description }),
            };
            return Results.Json(body, statusCode: report.Status == HealthStatus.Unhealthy ? StatusCodes.Status503ServiceUnavailable : StatusCodes.Status200OK);
        });
        try
        {
            await _app.StartAsync(cancellationToken);
        }
        catch (IOException ex)
        {
            throw new Core.SegmentMinerException($"the health endpoints cannot listen on '{urls}' (--health-urls or Worker:HealthUrls): {ex.Message}", ex);
        }

        LogServing(services.GetRequiredService<ILogger<HealthServer>>(), string.Join(", ", _app.Urls));
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_app is not null)
        {
            await _app.StopAsync(cancellationToken);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "health endpoints at {Urls} (/health/live, /health/ready)")]
    private static partial void LogServing(ILogger logger, string urls);
}
