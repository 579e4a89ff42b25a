using SegmentMiner.Cli;

namespace SegmentMiner.Worker.Tests;

/// <summary>The worker's jobs and the CLI's commands are adapters over the same services, and a job never overlaps itself.</summary>
[TestFixture]
[NonParallelizable]
public sealed class ServiceTests
{
    private static async Task<int> RunAsync(Recording recording, string[] args, TimeSpan? stopAfter = null, Func<bool>? until = null)
    {
        using var stop = new CancellationTokenSource();
        var run = CliApp.RunAsync(args, new CliEnvironment(TextWriter.Null, recording.Register), stop.Token);
        var watch = System.Diagnostics.Stopwatch.StartNew();
        while (!run.IsCompleted && watch.Elapsed < (stopAfter ?? TimeSpan.Zero) && !(until?.Invoke() ?? false))
        {
            await Task.Delay(50);
        }

        await stop.CancelAsync(); // what Ctrl+C or SIGTERM does to the command's token
        return await run.WaitAsync(TimeSpan.FromSeconds(30));
    }

    [Test]
    public async Task EachCliCommand_AndTheMatchingWorkerJob_GoThroughTheSameService()
    {
        using var f = new TestFolder();
        var recording = new Recording { SyncChanges = true };
        string[] Cli(params string[] a) => [.. a, "--config", f.Config, "--data-dir", f.Root];
        f.WriteConfig(new { Schedules = new { Sync = "0/1 * * * * ?", Process = "", Retention = "0/1 * * * * ?" } });

        Assert.That(await RunAsync(recording, Cli("sync")), Is.Zero);
        Assert.That(await RunAsync(recording, Cli("models", "process")), Is.Zero);
        Assert.That(await RunAsync(recording, Cli("publish")), Is.Zero);
        Assert.That(await RunAsync(recording, Cli("retention")), Is.Zero);
        Assert.That((recording.Syncs, recording.Processes, recording.Publishes, recording.Retentions), Is.EqualTo((1, 1, 1, 1)), "each command called its service once");

        Assert.That(await RunAsync(recording, f.RunArgs(), TimeSpan.FromSeconds(40), () => recording.Publishes >= 2 && recording.Retentions >= 2), Is.Zero);
        Assert.That((recording.Syncs, recording.Processes, recording.Publishes, recording.Retentions), Is.GreaterThanOrEqualTo((2, 2, 2, 2)).Using(new TupleAtLeast()),
            "the worker's jobs called the same services");
        var jobs = (await f.JobRunsAsync()).Select(r => r.Job).Distinct().Order();
        Assert.That(jobs, Is.EqualTo(new[] { "process", "publish", "retention", "sync" }), "and recorded each run");
    }

    [Test]
    public async Task AJobNeverOverlapsItself_EvenWhenItTakesLongerThanItsSchedule()
    {
        using var f = new TestFolder();
        var recording = new Recording { SyncTakes = TimeSpan.FromSeconds(1.6) };
        f.WriteConfig(new { Schedules = new { Sync = "0/1 * * * * ?", Process = "", Retention = "" } });
        Assert.That(await RunAsync(recording, f.RunArgs(), TimeSpan.FromSeconds(30), () => recording.Syncs >= 3), Is.Zero);
        Assert.That(recording.Syncs, Is.GreaterThanOrEqualTo(3));
        Assert.That(recording.MostAtOnce, Is.EqualTo(1), "one sync at a time though one fires every second and each takes 1.6 s");
        var runs = await f.JobRunsAsync();
        Assert.That(runs[^1].Status, Is.AnyOf("Cancelled", "Succeeded"), "the last one was cancelled by the stop, or had just ended");
        Assert.That(runs.SkipLast(1).Select(r => r.Status), Is.All.EqualTo("Succeeded"));
    }

    [Test]
    public async Task TheClock_IsInjected_IntoTheRunHistoryAndTheBatches()
    {
        using var f = new TestFolder();
        await f.GenerateAsync(300);
        f.WriteConfig(new { });
        var at = new DateTimeOffset(2031, 3, 4, 5, 6, 7, TimeSpan.Zero);
        using var stop = new CancellationTokenSource();
        var code = await CliApp.RunAsync(["run-once", "--config", f.Config, "--data-dir", f.Root],
            new CliEnvironment(TextWriter.Null, s => Microsoft.Extensions.DependencyInjection.ServiceCollectionServiceExtensions.AddSingleton<TimeProvider>(s, new FixedClock(at))), stop.Token);
        Assert.That(code, Is.Zero);
        Assert.That(await f.QueryAsync<DateTime>("select StartedAt from ops.JobRun"), Is.All.EqualTo(at.UtcDateTime));
        Assert.That(await f.QueryAsync<DateTime>("select StartedAt from ops.Batch union all select FinishedAt from ops.Batch union all select LoadedAt from ops.SourceFile"), Is.All.EqualTo(at.UtcDateTime));
    }

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }

    /// <summary>Every element of the actual tuple at least the expected one.</summary>
    private sealed class TupleAtLeast : IComparer<(int, int, int, int)>
    {
        public int Compare((int, int, int, int) x, (int, int, int, int) y) =>
            x.Item1 >= y.Item1 && x.Item2 >= y.Item2 && x.Item3 >= y.Item3 && x.Item4 >= y.Item4 ? (x == y ? 0 : 1) : -1;
    }
}
