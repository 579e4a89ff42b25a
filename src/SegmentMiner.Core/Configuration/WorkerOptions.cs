namespace SegmentMiner.Core.Configuration;

/// <summary>The scheduled worker (<c>segminer run</c>): schedules, job store, health endpoints, shutdown.</summary>
public sealed class WorkerOptions
{
    public ScheduleOptions Schedules { get; set; } = new();

    public JobStoreOptions JobStore { get; set; } = new();

    /// <summary>Where to serve /health/live and /health/ready (e.g. http://0.0.0.0:8391); empty: no health endpoints.</summary>
    public string? HealthUrls { get; set; }

    /// <summary>How long a stop (SIGTERM, Ctrl+C, service stop) waits for the running job to reach a safe point. Default 10 s.</summary>
    public TimeSpan ShutdownTimeout { get; set; } = TimeSpan.FromSeconds(10);
}
