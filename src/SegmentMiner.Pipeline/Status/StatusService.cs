using SegmentMiner.Core.Mining;
using SegmentMiner.Core.Configuration;
using SegmentMiner.Core.Models;
using SegmentMiner.Warehouse;
using SegmentMiner.Warehouse.Status;

namespace SegmentMiner.Pipeline.Status;

/// <summary>Reads the state of the whole job for <c>segminer status</c> and judges it.</summary>
public sealed class StatusService(SegmentMinerOptions options, IWarehouseBackend backend, IMiningServer server, IScheduleReader schedules, TimeProvider clock) : IStatusService
{
    public const int Healthy = 0;

    public const int LastRunFailed = 4;

    public const int PublishTooOld = 5;

    public async Task<StatusReport> ReadAsync(IReadOnlyList<ModelDefinition> models, CancellationToken cancellationToken)
    {
        var (jobs, counts, published) = await backend.Status.ReadAsync(cancellationToken);
        var states = await server.ListAsync(models, cancellationToken);
        var next = await schedules.ReadAsync(cancellationToken);
        var (code, verdict) = Judge(jobs, published);
        return new StatusReport(jobs, next, counts, states, published, code, verdict);
    }

    private (int Code, string Verdict) Judge(IReadOnlyList<LastJobRun> jobs, IReadOnlyList<PublishedRun> published)
    {
        if (jobs.MaxBy(j => j.JobRunId) is { Status: "Failed" } failed)
        {
            return (LastRunFailed, $"the last job run failed: {failed.Job} (run {failed.JobRunId}) at {failed.StartedAt:yyyy-MM-dd'T'HH:mm:ss}: {failed.Error}");
        }

        if (published.Count == 0)
        {
            return (PublishTooOld, "nothing is published yet");
        }

        var age = clock.GetUtcNow().UtcDateTime - published.Max(p => p.PublishedAt);
        return age > options.Publish.MaxPublishAge
            ? (PublishTooOld, $"the last publish is {age.TotalHours:0.0} hours old, more than Publish:MaxPublishAge ({options.Publish.MaxPublishAge})")
            : (Healthy, "healthy");
    }
}
