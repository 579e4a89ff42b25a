using System.Diagnostics;
using SegmentMiner.Tests.Shared;

namespace SegmentMiner.Worker.Tests;

/// <summary><c>segminer run</c> as a service runs it: scheduled jobs chained sync → process → publish, stopped by SIGTERM.</summary>
[TestFixture]
[NonParallelizable]
public sealed class RunTests
{
    private static readonly TimeSpan Safety = TimeSpan.FromSeconds(30);

    /// <summary>Every 2 seconds; no process schedule, so process follows each sync that changed something.</summary>
    private static readonly object Fast = new { Schedules = new { Sync = "0/2 * * * * ?", Process = "", Retention = "" }, ShutdownTimeout = "00:00:10" };

    [Test]
    public async Task SigtermMidSync_CancelsIt_WithinTheShutdownTimeout_AndARunChainsSyncProcessPublish()
    {
        using var f = new TestFolder();
        await f.GenerateAsync(8_000);
        f.WriteConfig(Fast);

        using (var worker = WorkerProcess.Start(f.RunArgs()))
        {
            await worker.WaitForLineAsync("sync: started", Safety);
            var stopping = Stopwatch.StartNew();
            worker.Terminate();
            var code = await worker.WaitForExitAsync(Safety);
            Assert.That(code, Is.Zero, worker.Stderr);
            Assert.That(stopping.Elapsed, Is.LessThan(TimeSpan.FromSeconds(10)), "within HostOptions.ShutdownTimeout");
            Assert.That(worker.Stdout, Is.Empty, "nothing but results on stdout");
        }

        Assert.That((await f.JobRunsAsync()).Select(r => (r.Job, r.Status)), Is.EqualTo(new[] { ("sync", "Cancelled") }));
        Assert.That(await f.QueryAsync<long>("select count(*) from ops.Batch where Status <> 'Cancelled'"), Is.EqualTo(new[] { 0L }), "no batch committed or left running");
        Assert.That(await f.QueryAsync<long>("select count(*) from dw.DimCustomer"), Is.EqualTo(new[] { 0L }), "no half batch");

        // Ctrl+C on 'segminer sync' by hand stops it the same way: exit 130, nothing committed.
        using (var sync = WorkerProcess.Start(["sync", "--config", f.Config, "--data-dir", f.Root]))
        {
            await sync.WaitForLineAsync("read \\d+ rows", Safety);
            sync.Interrupt();
            Assert.That(await sync.WaitForExitAsync(Safety), Is.EqualTo(130), sync.Stderr);
            Assert.That(sync.Stderr.Split('\n')[^1], Is.EqualTo("cancelled"));
            Assert.That(sync.Stdout, Is.Empty);
        }

        Assert.That(await f.QueryAsync<long>("select count(*) from ops.Batch where Status = 'Committed'"), Is.EqualTo(new[] { 0L }), "Ctrl+C left no batch behind");
        Assert.That(await f.QueryAsync<long>("select count(*) from dw.DimCustomer"), Is.EqualTo(new[] { 0L }));

        // The chain, on a folder small enough to train quickly.
        using var small = new TestFolder();
        await small.GenerateAsync(1_000);
        small.WriteConfig(Fast);
        using (var worker = WorkerProcess.Start(small.RunArgs()))
        {
            await worker.WaitForLineAsync("publish: succeeded", TimeSpan.FromSeconds(120));
            worker.Terminate();
            Assert.That(await worker.WaitForExitAsync(Safety), Is.Zero, worker.Stderr);
        }

        var runs = await small.JobRunsAsync();
        Assert.That(runs.Where(r => r.Job != "sync").Select(r => (r.Job, r.Status, r.Trigger)), Is.EqualTo(new[] { ("process", "Succeeded", "after sync"), ("publish", "Succeeded", "after process") }));
        Assert.That(runs.First(r => r.Job == "sync" && r.Status == "Succeeded").Trigger, Does.Match(@"^sync-schedule \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$"), "a scheduled firing is recorded with its time");
        Assert.That(await small.QueryAsync<long>("select count(*) from seg.ModelRun where IsCurrent and Family is null"), Is.EqualTo(new[] { 3L }), "each account layer published");
        Assert.That(await small.QueryAsync<long>("select count(*) from seg.ModelRun where IsCurrent and Family = 'product-personas'"),
            Is.EqualTo(await small.QueryAsync<long>("select count(distinct Product) from mining.vProductPersonasCase")), "and the personas of each product");
        Assert.That(await small.QueryAsync<long>("select count(*) from seg.vGoldenPersona"), Is.Not.EqualTo(new[] { 0L }), "with the golden personas");
    }

    [Test]
    public async Task AFailedSync_StopsTheChain_AndTheRunSaysWhy()
    {
        using var f = new TestFolder();
        await f.GenerateAsync(300);
        var billing = Path.Combine(f.Sources, "billing");
        Directory.Delete(billing, true);
        await File.WriteAllTextAsync(billing, "a file where the billing folder should be");
        f.WriteConfig(Fast);

        using (var worker = WorkerProcess.Start(f.RunArgs()))
        {
            await worker.WaitForLineAsync("sync failed", Safety);
            await Task.Delay(TimeSpan.FromSeconds(2.2)); // the next firing fails too; nothing else may follow either
            worker.Terminate();
            Assert.That(await worker.WaitForExitAsync(Safety), Is.Zero, worker.Stderr);
            Assert.That(worker.Stderr, Does.Not.Contain("   at "), "one line, no stack trace");
        }

        var runs = await f.JobRunsAsync();
        Assert.That(runs, Is.Not.Empty);
        Assert.That(runs.Select(r => r.Job), Is.All.EqualTo("sync"), "no process, no publish after a failed sync");
        Assert.That(runs.Where(r => r.Status != "Cancelled").Select(r => r.Status), Is.All.EqualTo("Failed"));
        Assert.That(runs[0].Error, Does.Contain(billing));
    }

    [Test]
    public async Task AnInvalidSetting_ExitsTwo_BeforeAnyJobRuns()
    {
        using var f = new TestFolder();
        using var cli = new CliRun();
        f.WriteConfig(Fast, new { Sync = new { MaxRejectedFraction = 2 } });
        var r = await cli.RunAsync(f.RunArgs());
        Assert.That(r.Code, Is.EqualTo(2), r.Err);
        Assert.That(r.Err, Does.Contain("Sync:MaxRejectedFraction").And.Contain("2 is out of range"));
        Assert.That(File.Exists(Path.Combine(f.Root, "warehouse.duckdb")), Is.False, "no job ran");

        f.WriteConfig(new { Schedules = new { Sync = "every hour", TimeZone = "Mars/Olympus_Mons" }, ShutdownTimeout = "00:00:00" }, new { Sync = new { MaxRejectedFraction = 3 } });
        var many = await cli.RunAsync(f.RunArgs());
        Assert.That(many.Code, Is.EqualTo(2), many.Err);
        Assert.That(many.Err, Does.Contain("Worker:Schedules:Sync: 'every hour'").And.Contain("Worker:Schedules:TimeZone: 'Mars/Olympus_Mons'")
            .And.Contain("Worker:ShutdownTimeout: 00:00:00").And.Contain("Sync:MaxRejectedFraction: 3"), "every broken setting at once, each with its path and value");
        Assert.That(many.Err, Does.Not.Contain("   at "));
    }

    [Test]
    public async Task Health_Ready_Is503WhileTheWarehouseIsUnreachable_And200Otherwise()
    {
        using var f = new TestFolder();
        await f.GenerateAsync(300);
        f.WriteConfig(new { Schedules = new { Sync = "0 0 0 1 1 ? 2099", Process = "", Retention = "" } });
        var warehouse = Path.Combine(f.Root, "warehouse.duckdb");
        await File.WriteAllTextAsync(warehouse, "not a database: a file copied over the warehouse by mistake");
        var port = FreePort();
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
        using var worker = WorkerProcess.Start(f.RunArgs("--health-urls", $"http://127.0.0.1:{port}"));
        await worker.WaitForLineAsync("health endpoints at", Safety);

        Assert.That((int)(await http.GetAsync("/health/live")).StatusCode, Is.EqualTo(200));
        var down = await http.GetAsync("/health/ready");
        Assert.That((int)down.StatusCode, Is.EqualTo(503));
        Assert.That(await down.Content.ReadAsStringAsync(), Does.Contain("not a DuckDB database"));

        File.Delete(warehouse);
        using (var cli = new CliRun())
        {
            var sync = await cli.RunAsync("sync", "--config", f.Config, "--data-dir", f.Root);
            Assert.That(sync.Code, Is.Zero, sync.Err);
        }

        var up = await http.GetAsync("/health/ready");
        var body = await up.Content.ReadAsStringAsync();
        Assert.That((int)up.StatusCode, Is.EqualTo(200), body);
        Assert.That(body, Does.Contain("last-publish").And.Contain("nothing is published yet"), "the publish age is reported (degraded, not down)");
        worker.Terminate();
        Assert.That(await worker.WaitForExitAsync(Safety), Is.Zero, worker.Stderr);
    }

    [Test]
    public async Task AHealthPortInUse_ExitsOne_WithOneLine_BeforeAnyJobRuns()
    {
        using var f = new TestFolder();
        f.WriteConfig(new { Schedules = new { Sync = "0/1 * * * * ?", Process = "", Retention = "" } });
        using var busy = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        busy.Start();
        var port = ((System.Net.IPEndPoint)busy.LocalEndpoint).Port;
        using var cli = new CliRun();
        var r = await cli.RunAsync(f.RunArgs("--health-urls", $"http://127.0.0.1:{port}"));
        Assert.That(r.Code, Is.EqualTo(1), r.Err);
        Assert.That(r.Err.Trim().Split('\n')[^1], Does.StartWith("error: the health endpoints cannot listen on"));
        Assert.That(r.Err, Does.Not.Contain("   at "));
        Assert.That(File.Exists(Path.Combine(f.Root, "warehouse.duckdb")), Is.False, "no job ran");
    }

    internal static int FreePort()
    {
        var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
