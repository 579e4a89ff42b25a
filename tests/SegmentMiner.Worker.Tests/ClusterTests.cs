using System.Text.RegularExpressions;
using SegmentMiner.Tests.Shared;

namespace SegmentMiner.Worker.Tests;

/// <summary>
/// Two workers on one clustered ADO.NET job store (PostgreSQL: real row locks, as SQL Server has): each firing of the
/// shared schedule runs on exactly one of them, and when one is killed mid-job the other recovers that firing.
/// Each worker has its own data folder, so what each ran is in its own ops.JobRun.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed partial class ClusterTests
{
    private static readonly TimeSpan Safety = TimeSpan.FromSeconds(60);

    [Test]
    public async Task TwoWorkers_ShareTheSchedule_EachFiringRunsOnOne_AndTheSurvivorRecoversAKilledWorkersJob()
    {
        using var pg = PostgresCluster.Start();
        using var a = new TestFolder();
        using var b = new TestFolder();
        var worker = new
        {
            Schedules = new { Sync = "0/1 * * * * ?", Process = "0 0 0 1 1 ? 2099", Retention = "" },
            JobStore = new { Kind = "AdoNet", Provider = "PostgreSQL", ConnectionString = pg.ConnectionString, SchedulerName = "ClusterTest", CheckinInterval = "00:00:01" },
        };
        foreach (var f in new[] { a, b })
        {
            await f.GenerateAsync(200);
            f.WriteConfig(worker);
        }

        using (var cli = new CliRun())
        {
            var schema = await cli.RunAsync("db", "migrate", "--scheduler", "--config", a.Config, "--data-dir", a.Root);
            Assert.That(schema.Code, Is.Zero, schema.Err);
        }

        using var first = WorkerProcess.Start(a.RunArgs());
        using var second = WorkerProcess.Start(b.RunArgs());
        // Both share the schedule for a while: whichever acquires a firing runs it.
        var watch = System.Diagnostics.Stopwatch.StartNew();
        while (first.LinesMatching("sync: succeeded") + second.LinesMatching("sync: succeeded") < 4 && watch.Elapsed < Safety)
        {
            await Task.Delay(50);
        }


        // A slow sync for whichever worker takes the next firing; it is killed while the job runs.
        await GenerateLargeSourcesAsync(a, b);
        var startedBefore = (first.LinesMatching("sync: started"), second.LinesMatching("sync: started"));
        MoveLargeSourcesIn(a, b);
        var (victim, survivor, victimFolder, survivorFolder) = await NextToStartAsync(first, second, a, b, startedBefore);
        victim.Kill();
        await survivor.WaitForLineAsync(@"\(recovered\)", Safety);
        await survivor.WaitForLineAsync(@"sync: succeeded: batch", Safety);
        survivor.Terminate();
        Assert.That(await survivor.WaitForExitAsync(Safety), Is.Zero, survivor.Stderr);

        var victimRuns = await victimFolder.JobRunsAsync();
        var survivorRuns = await survivorFolder.JobRunsAsync();
        var killed = victimRuns.Single(r => r.Status == "Running");
        Assert.That(survivorRuns.Select(r => r.Trigger), Does.Contain($"{killed.Trigger} (recovered)"), $"the survivor ran the firing the killed worker had started; killed worker:\n{victim.Stderr}\nsurvivor:\n{survivor.Stderr}");

        var fired = victimRuns.Concat(survivorRuns).Where(r => !r.Trigger.EndsWith("(recovered)", StringComparison.Ordinal)).Select(r => FireTime().Match(r.Trigger).Value).ToList();
        Assert.That(fired, Is.Unique, "no firing ran on both workers");
        Assert.That(fired.Count, Is.GreaterThanOrEqualTo(4));
        Assert.That(victimRuns.Concat(survivorRuns).Select(r => r.Job), Is.All.EqualTo("sync"));

        // status reads the shared schedule: each trigger with its cron expression and next fire time.
        using var statusCli = new CliRun();
        var status = await statusCli.RunAsync("status", "--format", "json", "--config", a.Config, "--data-dir", a.Root);
        using var json = System.Text.Json.JsonDocument.Parse(status.Out);
        var sync = json.RootElement.GetProperty("schedules").EnumerateArray().Single(e => e.GetProperty("job").GetString() == "sync");
        Assert.That(sync.GetProperty("cron").GetString(), Is.EqualTo("0/1 * * * * ?"));
        Assert.That(sync.GetProperty("nextFireAt").GetDateTime(), Is.GreaterThan(DateTime.UtcNow.AddMinutes(-5)), status.Err);
    }

    [GeneratedRegex(@"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ")]
    private static partial Regex FireTime();

    private static async Task GenerateLargeSourcesAsync(params TestFolder[] folders)
    {
        foreach (var f in folders)
        {
            using var cli = new CliRun();
            var r = await cli.RunAsync("sources", "generate", "--customers", "4000", "--seed", "9", "--as-of", "2026-11-15", "--out", Path.Combine(f.Root, "more"));
            Assert.That(r.Code, Is.Zero, r.Err);
        }
    }

    private static void MoveLargeSourcesIn(params TestFolder[] folders)
    {
        foreach (var f in folders)
        {
            var more = Path.Combine(f.Root, "more");
            foreach (var file in Directory.EnumerateFiles(more, "*.csv", SearchOption.AllDirectories).Where(p => Path.GetFileName(Path.GetDirectoryName(p)) is "crm" or "billing" or "survey"))
            {
                var folder = Path.Combine(f.Sources, Path.GetFileName(Path.GetDirectoryName(file))!);
                File.Move(file, Path.Combine(folder, Path.GetFileNameWithoutExtension(file) + "_more.csv"));
            }
        }
    }

    private static async Task<(WorkerProcess Victim, WorkerProcess Survivor, TestFolder VictimFolder, TestFolder SurvivorFolder)> NextToStartAsync(
        WorkerProcess first, WorkerProcess second, TestFolder a, TestFolder b, (int First, int Second) before)
    {
        var watch = System.Diagnostics.Stopwatch.StartNew();
        while (watch.Elapsed < Safety)
        {
            if (first.LinesMatching("sync: started") > before.First)
            {
                return (first, second, a, b);
            }

            if (second.LinesMatching("sync: started") > before.Second)
            {
                return (second, first, b, a);
            }

            await Task.Delay(10);
        }

        Assert.Fail($"neither worker started a sync:\n{first.Stderr}\n---\n{second.Stderr}");
        return default;
    }
}
