using SegmentMiner.Tests.Shared;

namespace SegmentMiner.Worker.Tests;

/// <summary>Retention deletes history beyond its limits and never the current published run.</summary>
[TestFixture]
[NonParallelizable]
public sealed class RetentionTests
{
    [Test]
    public async Task Retention_DeletesRunsAndBatchesBeyondTheLimits_AndKeepsTheCurrentRun()
    {
        using var f = new TestFolder();
        using var cli = new CliRun();
        await f.GenerateAsync(600);
        f.WriteConfig(new { }, new { Publish = new { KeepRuns = 1 }, Retention = new { KeepHistory = "30.00:00:00" } });
        string[] Args(params string[] a) => [.. a, "--config", f.Config, "--data-dir", f.Root];
        Assert.That((await cli.RunAsync(Args("run-once"))).Code, Is.Zero);
        Assert.That((await cli.RunAsync(Args("models", "process"))).Code, Is.Zero);
        // publish keeps KeepRuns itself; with a higher limit then, both runs of each model are there for retention to find
        using (var keepAll = new EnvironmentVariable("SEGMINER__Publish__KeepRuns", "5"))
        {
            Assert.That((await cli.RunAsync(Args("publish"))).Code, Is.Zero);
        }

        Assert.That(await f.QueryAsync<long>("select count(*) from seg.ModelRun where Family is null"), Is.EqualTo(new[] { 6L }), "two runs of each account layer");
        Assert.That(await f.QueryAsync<long>("select count(*) - 2 * count(distinct Product) from seg.ModelRun where Family = 'product-personas'"), Is.EqualTo(new[] { 0L }), "and of each product's personas");

        // An operator restores the previous run of one model, and back.
        var (previous, latest) = (await f.QueryAsync<long>("select RunId from seg.ModelRun where Model = 'buyer-clusters' order by RunId")) is [var p, var l] ? (p, l) : default;
        var restored = await cli.RunAsync(Args("publish", "--model", "buyer-clusters", "--restore", previous.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        Assert.That(restored.Code, Is.Zero, restored.Err);
        Assert.That(await f.QueryAsync<long>("select RunId from seg.ModelRun where Model = 'buyer-clusters' and IsCurrent"), Is.EqualTo(new[] { previous }));
        Assert.That(await f.QueryAsync<long>("select distinct RunId from seg.vSegment where Model = 'buyer-clusters'"), Is.EqualTo(new[] { previous }), "the views read the restored run");
        var missing = await cli.RunAsync(Args("publish", "--model", "buyer-clusters", "--restore", "999"));
        Assert.That((missing.Code, missing.Err), Is.EqualTo((1, "error: run 999 is not a kept published run of 'buyer-clusters' (see seg.ModelRun; Publish:KeepRuns keeps 1 per model)" + Environment.NewLine)));
        Assert.That((await cli.RunAsync(Args("publish", "--model", "buyer-clusters", "--restore", latest.ToString(System.Globalization.CultureInfo.InvariantCulture)))).Code, Is.Zero);
        var current = await f.QueryAsync<long>("select RunId from seg.ModelRun where IsCurrent order by RunId");
        await OldHistoryAsync(f);

        var r = await cli.RunAsync(Args("retention"));
        Assert.That(r.Code, Is.Zero, r.Err);
        Assert.That(r.Out, Does.Contain("JobRuns"));
        Assert.That(await f.QueryAsync<long>("select RunId from seg.ModelRun order by RunId"), Is.EqualTo(current), "only the current run of each model is left");
        Assert.That(await f.QueryAsync<long>("select count(*) from seg.CustomerSegment where RunId not in (select RunId from seg.ModelRun)"), Is.EqualTo(new[] { 0L }), "with its rows");
        Assert.That(await f.QueryAsync<long>("select count(*) from seg.vSegment"), Is.Not.EqualTo(new[] { 0L }), "the current segments still read");
        Assert.That(await f.QueryAsync<string>("select TriggerName from ops.JobRun where StartedAt < DATE '2025-01-01'"), Is.Empty, "old job runs go");
        Assert.That(await f.QueryAsync<long>("select count(*) from ops.JobRun"), Is.EqualTo(new[] { 3L }), "the recent ones stay (run-once's three)");
        Assert.That(await f.QueryAsync<(long, string)>("select BatchId, Status from ops.Batch order by BatchId"), Is.EqualTo(new[] { (1L, "Committed"), (900L, "Committed") }),
            "the old failed batch goes; committed batches stay (the warehouse's rows refer to them)");
        Assert.That(await f.QueryAsync<long>("select count(*) from ops.RejectedRow"), Is.EqualTo(new[] { 0L }), "old rejected rows go");
    }

    private static async Task OldHistoryAsync(TestFolder f)
    {
        var warehouse = new Warehouse.DuckDb.DuckDbWarehouse(new Warehouse.DataFolder(f.Root), new Core.Configuration.WarehouseOptions());
        await using var db = await warehouse.OpenForWriteAsync();
        await Dapper.SqlMapper.ExecuteAsync(db, """
            INSERT INTO ops.JobRun VALUES (100, 'sync', 'old', 'h', TIMESTAMP '2020-01-01 01:00:00', TIMESTAMP '2020-01-01 01:01:00', 'Succeeded', 1, NULL, NULL, NULL);
            INSERT INTO ops.Batch VALUES (900, TIMESTAMP '2020-01-01 01:00:00', TIMESTAMP '2020-01-01 01:01:00', 'Committed', DATE '2020-01-01', 1, 1, 1, 1, NULL);
            INSERT INTO ops.Batch VALUES (901, TIMESTAMP '2020-02-01 01:00:00', TIMESTAMP '2020-02-01 01:01:00', 'Failed', DATE '2020-02-01', 0, 0, 0, 0, 'broken');
            INSERT INTO ops.RejectedRow VALUES (1, 900, 1, 'accounts', 'accounts.csv', 2, 'bad row', 'x');
            INSERT INTO ops.RejectedRow VALUES (2, 901, 1, 'accounts', 'accounts.csv', 3, 'bad row', 'y');
            """);
    }
}
