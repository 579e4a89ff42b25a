using SegmentMiner.Tests.Shared;

namespace SegmentMiner.Xmla.Tests;

/// <summary><c>segminer run-once</c>: the chain sync, process, publish, each step in ops.JobRun; a failed step stops it with its exit code.</summary>
[TestFixture]
[NonParallelizable]
public sealed class RunOnceTests
{
    [Test]
    public async Task RunOnce_RunsTheChain_RecordsEachStep_StatusReportsIt_AndAFailedSyncStopsIt()
    {
        var root = DemoWarehouse.NewRoot();
        using var cli = new CliRun();
        try
        {
            var sources = await cli.RunAsync("sources", "generate", "--customers", "800", "--seed", "3", "--as-of", "2026-11-15", "--out", Path.Combine(root, "sources"));
            Assert.That(sources.Code, Is.Zero, sources.Err);
            var ok = await cli.RunAsync("run-once", "--as-of", "2026-11-15", "--format", "csv", "--data-dir", root);
            Assert.That(ok.Code, Is.Zero, ok.Err);
            var steps = ok.Out.Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
            Assert.That(steps.Skip(1).Select(l => string.Join(',', l.Split(',').Take(2))), Is.EqualTo(new[] { "sync,Succeeded", "process,Succeeded", "publish,Succeeded" }), ok.Out);

            var runs = await QueryAsync<(string Job, string Status, long? Batch, long? Run, string Trigger)>(root, "select Job, Status, BatchId, RunId, TriggerName from ops.JobRun order by JobRunId");
            Assert.That(runs.Select(r => (r.Job, r.Status)), Is.EqualTo(new[] { ("sync", "Succeeded"), ("process", "Succeeded"), ("publish", "Succeeded") }));
            Assert.That(runs[0].Batch, Is.Not.Null, "the sync's batch");
            Assert.That(runs[2].Run, Is.Not.Null, "the publish's run");
            Assert.That(runs.Select(r => r.Trigger), Is.All.EqualTo("run-once"));

            var status = await cli.RunAsync("status", "--format", "json", "--data-dir", root);
            Assert.That(status.Code, Is.Zero, status.Err);
            using (var json = System.Text.Json.JsonDocument.Parse(status.Out))
            {
                Assert.That(json.RootElement.EnumerateObject().Select(p => p.Name), Is.EqualTo(new[] { "jobs", "schedules", "warehouse", "models", "published" }));
                Assert.That(json.RootElement.GetProperty("jobs").EnumerateArray().Select(j => j.GetProperty("status").GetString()), Is.EqualTo(new[] { "Succeeded", "Succeeded", "Succeeded" }));
                var products = (await QueryAsync<long>(root, "select count(distinct Product) from mining.vProductPersonasCase"))[0];
                Assert.That(json.RootElement.GetProperty("published").GetArrayLength(), Is.EqualTo(3 + products), "the current run of each model (product personas: of each product)");
                Assert.That(json.RootElement.GetProperty("warehouse").GetProperty("customers").GetInt64(), Is.EqualTo((await QueryAsync<long>(root, "select count(*) from dw.CustomerFeatures"))[0]));
            }

            await Task.Delay(TimeSpan.FromSeconds(1.5));
            Environment.SetEnvironmentVariable("SEGMINER__Publish__MaxPublishAge", "00:00:01");
            try
            {
                var stale = await cli.RunAsync("status", "--data-dir", root);
                Assert.That(stale.Code, Is.EqualTo(5), stale.Err);
                Assert.That(stale.Err, Does.Contain("MaxPublishAge"));
            }
            finally
            {
                Environment.SetEnvironmentVariable("SEGMINER__Publish__MaxPublishAge", null);
            }

            var billing = Path.Combine(root, "sources", "billing");
            Directory.Delete(billing, true);
            await File.WriteAllTextAsync(billing, "a file where the billing folder should be");
            var failed = await cli.RunAsync("run-once", "--as-of", "2026-11-15", "--data-dir", root);
            Assert.That(failed.Code, Is.EqualTo(11), failed.Err);
            Assert.That(failed.Err.Trim().Split('\n')[^1], Does.StartWith("error: sync failed").And.Contain(billing), "the last line names the step and the path");
            Assert.That(failed.Out, Is.Empty);

            var last = await QueryAsync<(string Job, string Status, string? Error)>(root, "select Job, Status, Error from ops.JobRun where JobRunId > 3 order by JobRunId");
            Assert.That(last.Select(r => (r.Job, r.Status)), Is.EqualTo(new[] { ("sync", "Failed") }), "no process and no publish after a failed sync");
            Assert.That(last[0].Error, Does.Contain(billing));
            var afterFailure = await cli.RunAsync("status", "--data-dir", root);
            Assert.That(afterFailure.Code, Is.EqualTo(4), afterFailure.Err);
            Assert.That(afterFailure.Err, Does.Contain("sync"));
            Assert.That(afterFailure.Out, Does.Contain("Failed"));
        }
        finally
        {
            Directory.Delete(root, true);
        }
    }

    private static async Task<List<T>> QueryAsync<T>(string root, string sql)
    {
        var warehouse = new Warehouse.DuckDb.DuckDbWarehouse(new Warehouse.DataFolder(root), new Core.Configuration.WarehouseOptions());
        await using var db = await warehouse.OpenReadOnlyAsync();
        return (await Dapper.SqlMapper.QueryAsync<T>(db, sql)).ToList();
    }
}
