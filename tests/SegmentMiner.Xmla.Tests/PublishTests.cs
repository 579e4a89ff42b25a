using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using SegmentMiner.Core.Mining;
using SegmentMiner.Core.Models;
using SegmentMiner.Embedded.Xmla;
using SegmentMiner.Pipeline;
using SegmentMiner.Pipeline.Publishing;
using SegmentMiner.Tests.Shared;

namespace SegmentMiner.Xmla.Tests;

/// <summary>Publishing segments and personas: the demo's whole job, stable keys, atomic runs, both mining servers.</summary>
[TestFixture]
[NonParallelizable]
public sealed class PublishTests
{
    private CliRun _cli = null!;

    [SetUp]
    public void SetUp() => _cli = new CliRun();

    [TearDown]
    public void TearDown() => _cli.Dispose();

    internal static double AdjustedRand(IReadOnlyList<string> a, IReadOnlyList<string> b)
    {
        static double Pairs(double x) => x * (x - 1) / 2;
        var index = a.Zip(b).GroupBy(p => p).Sum(g => Pairs(g.Count()));
        var ra = a.GroupBy(x => x).Sum(g => Pairs(g.Count()));
        var rb = b.GroupBy(x => x).Sum(g => Pairs(g.Count()));
        var expected = ra * rb / Pairs(a.Count);
        return (index - expected) / (((ra + rb) / 2) - expected);
    }

    [Test]
    public async Task Demo_PublishesNamedSegments_EveryCustomerOncePerModel_AndRecoversThePlantedGroups()
    {
        var root = DemoWarehouse.NewRoot();
        try
        {
            var demo = await _cli.RunAsync("demo", "--data-dir", root);
            Assert.That(demo.Code, Is.Zero, demo.Err);
            Assert.That(demo.Out, Does.Contain("buyer-clusters").And.Contain("market-segments").And.Contain("customer-segments"));
            TestContext.Out.WriteLine(demo.Out);

            var sql = await _cli.RunAsync("sql", "select Model, sum(Population) as Customers, count(*) as Segments, count(distinct Name) as Names from seg.vSegment where Level = 'account' group by Model order by Model", "--format", "csv", "--data-dir", root);
            Assert.That(sql.Code, Is.Zero, sql.Err);
            var customers = int.Parse((await _cli.RunAsync("sql", "select count(*) from dw.CustomerFeatures", "--format", "csv", "--data-dir", root)).Out.Split("\r\n")[1], System.Globalization.CultureInfo.InvariantCulture);
            var rows = sql.Out.Split("\r\n", StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(l => l.Split(',')).ToList();
            Assert.That(rows.Select(r => r[0]), Is.EqualTo(new[] { "buyer-clusters", "customer-segments", "market-segments" }));
            foreach (var r in rows)
            {
                Assert.That(int.Parse(r[1], System.Globalization.CultureInfo.InvariantCulture), Is.EqualTo(customers), $"{r[0]}: populations add up to the customers");
                Assert.That(r[3], Is.EqualTo(r[2]), $"{r[0]}: every segment has its own name");
            }

            var once = await _cli.RunAsync("sql", "select count(*) from (select Model, CustomerId, count(*) as n from seg.vCustomerSegment group by all) where n <> 1", "--format", "csv", "--data-dir", root);
            Assert.That(once.Out.Split("\r\n")[1], Is.EqualTo("0"), "exactly one row per customer per model");
            var total = await _cli.RunAsync("sql", "select count(*) from seg.vCustomerSegment", "--format", "csv", "--data-dir", root);
            Assert.That(int.Parse(total.Out.Split("\r\n")[1], System.Globalization.CultureInfo.InvariantCulture), Is.EqualTo(3 * customers));

            var truth = File.ReadAllLines(Path.Combine(root, "truth.csv")).Skip(1).Select(l => l.Split(',')).ToDictionary(p => p[0], p => p[1]);
            var buyer = (await _cli.RunAsync("sql", "select CustomerId, SegmentKey from seg.vCustomerSegment where Model = 'buyer-clusters'", "--format", "csv", "--data-dir", root))
                .Out.Split("\r\n", StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(l => l.Split(',')).ToList();
            var ari = AdjustedRand(buyer.Select(b => b[1]).ToList(), buyer.Select(b => truth[b[0]]).ToList());
            TestContext.Out.WriteLine($"buyer-clusters ARI against truth.csv: {ari:F3}");
            Assert.That(ari, Is.GreaterThanOrEqualTo(0.8));

            await NamesHoldAsync(root);
            await ProductPersonaChecks.AllAsync(DemoWarehouse.Open(root));
            Assert.That(demo.Err, Does.Contain($"report: ").And.Contain(Path.Combine(root, "report.html")), "the demo says where the report went");
            await ReportChecks.StructureAsync(root, _cli);
            await ReportChecks.BrowserAsync(Path.Combine(root, "report.html"));
            var dryRun = await _cli.RunAsync("models", "deploy", "--dry-run", "--data-dir", root);
            Assert.That(dryRun.Code, Is.Zero, dryRun.Err);
            var structures = System.Xml.Linq.XDocument.Parse(dryRun.Out).Descendants(Ns.Engine + "MiningStructure").Select(s => s.Element(Ns.Engine + "ID")!.Value).ToList();
            Assert.That(structures, Is.SupersetOf(new[] { "product-personas-analytics Structure", "product-personas-core-platform Structure", "product-personas-support-plus Structure" }),
                "the dry run deploys a product-persona structure per product");
            Assert.That(dryRun.Out, Does.Contain("WHERE [Product] = N'Core Platform'"), "each reading its product's rows of the case view");
            var gaps = await _cli.RunAsync("sql",
                """
                select count(*) from seg.vPersonaMap p
                where Flags like '%gap%' and not exists (
                    select 1 from dw.CustomerFeatures f
                    join seg.vCustomerSegment m on m.CustomerId = f.AccountId and m.Model = 'market-segments'
                    join seg.vCustomerSegment b on b.CustomerId = f.AccountId and b.Model = 'buyer-clusters'
                    join seg.vCustomerSegment s on s.CustomerId = f.AccountId and s.Model = 'customer-segments'
                    where m.SegmentKey = p.MarketSegmentKey and b.SegmentKey = p.BuyerSegmentKey and s.SegmentKey = p.CustomerSegmentKey and not f.Attrited)
                """, "--format", "csv", "--data-dir", root);
            Assert.That(gaps.Out.Split("\r\n")[1], Is.EqualTo("0"), "no persona-map row flagged gap holds only churned customers");

            // publish also wrote the current views as Parquet for report tools (Publish:ExportFolder, default <data-dir>/export).
            using (var duck = new DuckDB.NET.Data.DuckDBConnection("Data Source=:memory:"))
            {
                duck.Open();
                var parquet = Path.Combine(root, "export", "vCustomerSegment.parquet");
                Assert.That(Dapper.SqlMapper.ExecuteScalar<long>(duck, $"SELECT count(*) FROM read_parquet('{parquet}')"), Is.EqualTo(3 * customers));
                Assert.That(Directory.GetFiles(Path.Combine(root, "export"), "*.parquet").Select(Path.GetFileNameWithoutExtension).Order(),
                    Is.EqualTo(SegmentMiner.Pipeline.Publishing.SegmentExport.Views.Order()));
            }

            var again = await _cli.RunAsync("publish", "--data-dir", root);
            Assert.That(again.Out, Does.Contain("already published"), "publishing the same processing again is a no-op");
            var export = await _cli.RunAsync("export", "--out", Path.Combine(root, "export"), "--data-dir", root);
            Assert.That(export.Code, Is.Zero, export.Err);
            Assert.That(File.ReadLines(Path.Combine(root, "export", "vSegment.csv")).First(), Does.StartWith("Model,SegmentKey,Name,Description,Population,Share"));
            Assert.That(File.ReadLines(Path.Combine(root, "export", "vCustomerSegment.csv")).Count(), Is.EqualTo((3 * customers) + 1));
            foreach (var view in new[] { "vSegment", "vSegmentCharacteristic", "vPersonaMap" })
            {
                var viaSql = await _cli.RunAsync("sql", $"select * from seg.{view}", "--format", "csv", "--data-dir", root);
                static string[] Lines(string csv) => csv.Split("\r\n").Order(StringComparer.Ordinal).ToArray(); // row order is not part of either contract
                Assert.That(Lines(await File.ReadAllTextAsync(Path.Combine(root, "export", view + ".csv"))), Is.EqualTo(Lines(viaSql.Out)), $"{view}: export and sql write the same values");
            }
        }
        finally
        {
            Directory.Delete(root, true);
        }
    }

    /// <summary>Every model's (and product's) names: unique by their set of traits, at most one "Average customers", never numbered.</summary>
    private async Task NamesHoldAsync(string root)
    {
        var names = (await _cli.RunAsync("sql", "select Model || coalesce(' of ' || Product, '') as Layer, Name from seg.vSegment where ClusterNode is not null and not IsRetired", "--format", "csv", "--data-dir", root))
            .Out.Split("\r\n", StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(l => (Model: l[..l.IndexOf(',')], Name: l[(l.IndexOf(',') + 1)..].Trim('"'))).ToList();
        TestContext.Out.WriteLine(string.Join("\n", names.Select(n => $"{n.Model}: {n.Name}")));
        foreach (var model in names.GroupBy(n => n.Model))
        {
            var sets = model.Select(n => string.Join("|", n.Name.ToLowerInvariant().Split(", ").Order(StringComparer.Ordinal))).ToList();
            Assert.That(sets, Is.Unique, $"{model.Key}: no two segments share their set of traits");
            Assert.That(model.Count(n => n.Name == "Average customers"), Is.LessThanOrEqualTo(1));
            Assert.That(model.Where(n => System.Text.RegularExpressions.Regex.IsMatch(n.Name, @"\(\d+\)$")), Is.Empty);
        }
    }

    [Test]
    public async Task AttritedIsPredicted_NotClusteredOn()
    {
        var m = ModelCatalog.Shipped().Select("buyer-clusters")[0];
        Assert.That(m.UsageOf(m.Columns.Single(c => c.Name == "Attrited")), Is.EqualTo(ColumnUsage.PredictOnly));
        using var w = await DemoWarehouse.CreateAsync(1500);
        await using var engine = w.Engine("predict-models");
        await engine.DeployAsync(m);
        await engine.ProcessAsync(m, ProcessType.Full);
        var model = engine.Trained(m.Name);
        var lapsed = model.PredictStates(new Dictionary<string, object?>
        {
            ["Recency Days"] = 200, ["Invoices 12m"] = 2, ["Billed 12m"] = 500.0, ["Tenure Months"] = 30, ["Mrr"] = 0.0, ["Mrr Trend 3m"] = -800.0,
            ["Active Products"] = 0, ["Late Payment Rate 12m"] = 0.0, ["Open Pipeline"] = 0.0, ["Deals Won 12m"] = 0,
        }, "Attrited");
        var loyal = model.PredictStates(new Dictionary<string, object?>
        {
            ["Recency Days"] = 10, ["Invoices 12m"] = 12, ["Billed 12m"] = 70000.0, ["Tenure Months"] = 50, ["Mrr"] = 6000.0, ["Mrr Trend 3m"] = 0.0,
            ["Active Products"] = 4, ["Late Payment Rate 12m"] = 0.0, ["Open Pipeline"] = 0.0, ["Deals Won 12m"] = 0,
        }, "Attrited");
        TestContext.Out.WriteLine($"lapsed: {string.Join(", ", lapsed)}; loyal: {string.Join(", ", loyal)}");
        Assert.That(lapsed[0].State, Is.EqualTo("True"));
        Assert.That(lapsed[0].Probability, Is.GreaterThan(0.9));
        Assert.That(loyal[0].State, Is.EqualTo("False"));
        Assert.That(lapsed.Sum(x => x.Probability), Is.EqualTo(1).Within(1e-9));
    }

    [Test]
    public async Task AKeptSegmentWhoseNameNoLongerHolds_IsRenamed_AndTheRunSaysSo_WhileAnOverrideStays()
    {
        using var w = await DemoWarehouse.CreateAsync(2000);
        var m = ModelCatalog.Shipped().Select("buyer-clusters")[0];
        await Refresh.RunAsync(w.Options, w.Folder, [m]);
        var segments = await w.QueryAsync<(long Key, string Name)>("select SegmentKey, Name from seg.vSegment where Model = 'buyer-clusters' and ClusterNode is not null order by Population desc");
        var (renamed, overridden) = (segments[0], segments[1]);
        await using (var db = await w.Warehouse.OpenForWriteAsync())
        {
            // What an earlier run on other data may have called it: a claim its members no longer bear out.
            await Dapper.SqlMapper.ExecuteAsync(db, "update seg.Segment set Name = 'Pay late, churned' where SegmentKey = $key", new { key = renamed.Key });
            await Dapper.SqlMapper.ExecuteAsync(db, "insert into seg.SegmentNameOverride values ('buyer-clusters', $key, 'Crown jewels', NULL, now())", new { key = overridden.Key });
        }

        await Refresh.RunAsync(w.Options, w.Folder, [m]);
        var after = (await w.QueryAsync<(long, string, string?)>("select s.SegmentKey, s.Name, s.PreviousName from seg.Segment s join seg.ModelRun r on r.RunId = s.RunId and r.IsCurrent where s.Model = 'buyer-clusters'"))
            .ToDictionary(x => x.Item1, x => (Name: x.Item2, Previous: x.Item3));
        Assert.That(after[renamed.Key].Name, Is.EqualTo(renamed.Name), "named again from its members");
        Assert.That(after[renamed.Key].Previous, Is.EqualTo("Pay late, churned"), "the run records the rename");
        Assert.That(after[overridden.Key].Previous, Is.Null, "a name that holds is kept");
        Assert.That(await w.QueryAsync<string>($"select Name from seg.vSegment where SegmentKey = {overridden.Key}"), Is.EqualTo(new[] { "Crown jewels" }), "the analyst's override wins");
    }

    [Test]
    public async Task ReprocessWithAnotherSeed_KeepsThePlantedGroupsKeysAndNames_AndShowsMigration()
    {
        using var w = await DemoWarehouse.CreateAsync(2000);
        var models = Path.Combine(w.Root, "my-models");
        Directory.CreateDirectory(models);
        var shipped = ModelCatalog.Shipped().Select("buyer-clusters")[0];
        await File.WriteAllTextAsync(Path.Combine(models, "buyer-clusters.json"), JsonSerializer.Serialize(shipped, ModelDefinitionJson.Options));
        var config = Path.Combine(w.Root, "settings.json");
        await File.WriteAllTextAsync(config, JsonSerializer.Serialize(new { Mining = new { ModelsFolder = models } }));
        string[] common = ["--data-dir", w.Root, "--config", config];

        foreach (var step in new[] { "deploy", "process" })
        {
            Assert.That((await _cli.RunAsync(["models", step, .. common])).Code, Is.Zero);
        }

        Assert.That((await _cli.RunAsync(["publish", .. common])).Code, Is.Zero);
        var truth = w.Truth();
        var first = await Membership(w);
        var firstNames = await w.QueryAsync<(long, string)>("select SegmentKey, Name from seg.vSegment where Model = 'buyer-clusters'");

        var reseeded = shipped with { Model = shipped.Model with { Parameters = new Dictionary<string, double> { ["CLUSTER_COUNT"] = 0, ["CLUSTER_SEED"] = 11 } } };
        await File.WriteAllTextAsync(Path.Combine(models, "buyer-clusters.json"), JsonSerializer.Serialize(reseeded, ModelDefinitionJson.Options));
        Assert.That((await _cli.RunAsync(["models", "deploy", .. common])).Out, Does.Contain("updated"));
        Assert.That((await _cli.RunAsync(["models", "process", .. common])).Code, Is.Zero);
        var publish = await _cli.RunAsync(["publish", .. common]);
        Assert.That(publish.Code, Is.Zero, publish.Err);
        var second = await Membership(w);
        var secondNames = (await w.QueryAsync<(long, string)>("select SegmentKey, Name from seg.vSegment where Model = 'buyer-clusters'")).ToDictionary(x => x.Item1, x => x.Item2);

        foreach (var group in truth.Values.Distinct())
        {
            var before = first.Where(x => truth[x.Key] == group).GroupBy(x => x.Value).MaxBy(g => g.Count())!.Key;
            var after = second.Where(x => truth[x.Key] == group).GroupBy(x => x.Value).MaxBy(g => g.Count())!.Key;
            Assert.That(after, Is.EqualTo(before), $"the planted group {group} keeps its segment key");
            Assert.That(secondNames[after], Is.EqualTo(firstNames.Single(n => n.Item1 == before).Item2), $"and its name");
        }

        var migration = await w.QueryAsync<(long? From, long? To, long Customers)>("select FromSegmentKey, ToSegmentKey, Customers from seg.vSegmentMigration where Model = 'buyer-clusters'");
        Assert.That(migration.Sum(m => m.Customers), Is.EqualTo(truth.Count(t => first.ContainsKey(t.Key))), "every customer is counted once in the migration");
        Assert.That(migration.Where(m => m.From == m.To).Sum(m => m.Customers), Is.GreaterThan(0.9 * first.Count), "most customers stay where they were");
        var runs = await w.QueryAsync<(long, bool)>("select RunId, IsCurrent from seg.ModelRun where Model = 'buyer-clusters' order by RunId");
        Assert.That(runs.Select(r => r.Item2), Is.EqualTo(new[] { false, true }), "the old run is kept for history, the new one is current");
    }

    [Test]
    public async Task DemoAgainAfterAnIncrement_KeepsMostSegmentKeys_AndKeptNamesHoldOrAreRenamed()
    {
        var root = DemoWarehouse.NewRoot();
        try
        {
            Assert.That((await _cli.RunAsync("demo", "--customers", "2500", "--data-dir", root)).Code, Is.Zero);
            var before = await KeysAsync(root);
            var increment = await _cli.RunAsync("sources", "generate", "--customers", "2500", "--seed", "42", "--increment", "1", "--out", Path.Combine(root, "sources"));
            Assert.That(increment.Code, Is.Zero, increment.Err);
            var again = await _cli.RunAsync("demo", "--customers", "2500", "--data-dir", root);
            Assert.That(again.Code, Is.Zero, again.Err);
            Assert.That(again.Err, Does.Match(@"buyer-clusters: run \d+ published"), "new data: processed and published again");
            await AssertMostKeysKeptAsync(root, before);
            await ReportChecks.StructureAsync(root, _cli);
            Assert.That(await File.ReadAllTextAsync(Path.Combine(root, "report.html")), Does.Contain("Since run ").And.Contain("(rows) and in run "), "what changed, and the migration matrices");
        }
        finally
        {
            Directory.Delete(root, true);
        }
    }

    [Test]
    public async Task ConsecutiveMonthEnds_KeepMostSegmentKeys()
    {
        var root = DemoWarehouse.NewRoot();
        try
        {
            var sources = await _cli.RunAsync("sources", "generate", "--customers", "4000", "--seed", "5", "--as-of", "2026-11-30", "--out", Path.Combine(root, "sources"));
            Assert.That(sources.Code, Is.Zero, sources.Err);
            var config = AccountLayersOnly(root); // the account layers' month ends (product personas' keys: the increment test)
            Dictionary<string, HashSet<long>>? before = null;
            foreach (var asOf in new[] { "2026-10-31", "2026-11-30" })
            {
                foreach (var step in new[] { new[] { "sync", "--as-of", asOf }, ["models", "deploy"], ["models", "process"], ["publish"] })
                {
                    var r = await _cli.RunAsync([.. step, "--data-dir", root, "--config", config]);
                    Assert.That(r.Code, Is.Zero, $"{string.Join(' ', step)}: {r.Err}");
                }

                if (before is null)
                {
                    before = await KeysAsync(root);
                }
            }

            await AssertMostKeysKeptAsync(root, before!);
        }
        finally
        {
            Directory.Delete(root, true);
        }
    }

    /// <summary>A configuration whose Mining:ModelsFolder holds the shipped account layers only (no product personas).</summary>
    private static string AccountLayersOnly(string root)
    {
        var folder = Path.Combine(root, "account-models");
        Directory.CreateDirectory(folder);
        foreach (var m in ModelCatalog.Shipped().Models.Where(m => m.PartitionBy is null))
        {
            File.WriteAllText(Path.Combine(folder, m.Name + ".json"), JsonSerializer.Serialize(m, ModelDefinitionJson.Options));
        }

        var config = Path.Combine(root, "account-layers.json");
        File.WriteAllText(config, JsonSerializer.Serialize(new { Mining = new { ModelsFolder = folder } }));
        return config;
    }

    /// <summary>The active clustered segments' keys per model.</summary>
    private async Task<Dictionary<string, HashSet<long>>> KeysAsync(string root) =>
        (await _cli.RunAsync("sql", "select Model || coalesce(' of ' || Product, '') as Layer, SegmentKey from seg.vSegment where ClusterNode is not null and not IsRetired", "--format", "csv", "--data-dir", root))
            .Out.Split("\r\n", StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(l => l.Split(','))
            .GroupBy(p => p[0]).ToDictionary(g => g.Key, g => g.Select(p => long.Parse(p[1], System.Globalization.CultureInfo.InvariantCulture)).ToHashSet());

    /// <summary>At least 80% of each layer's segment keys are still there; a kept name that changed is recorded as a rename.</summary>
    private async Task AssertMostKeysKeptAsync(string root, Dictionary<string, HashSet<long>> before)
    {
        var after = await KeysAsync(root);
        foreach (var (model, keys) in before)
        {
            var kept = keys.Count(after[model].Contains);
            TestContext.Out.WriteLine($"{model}: {kept} of {keys.Count} keys kept; now {after[model].Count} segments");
            Assert.That(kept, Is.GreaterThanOrEqualTo(0.8 * keys.Count), $"{model}: {kept} of {keys.Count} segment keys kept");
        }

        await NamesHoldAsync(root);
    }

    private static async Task<Dictionary<string, long>> Membership(DemoWarehouse w) =>
        (await w.QueryAsync<(string, long)>("select CustomerId, SegmentKey from seg.vCustomerSegment where Model = 'buyer-clusters'")).ToDictionary(x => x.Item1, x => x.Item2);

    [Test]
    public async Task PublishKilledHalfway_LeavesThePreviousRunCurrentAndComplete()
    {
        using var w = await DemoWarehouse.CreateAsync(1500);
        var m = ModelCatalog.Shipped().Select("market-segments")[0];
        await using var engine = Pipeline.MiningServers.Embedded(new Warehouse.DuckDb.DuckDbBackend(w.Folder, w.Options.Warehouse, w.Options.Sync), w.Folder);
        await engine.DeployAsync(m);
        await engine.ProcessAsync(m, ProcessType.Full);
        await new PublishService(w.Options, Refresh.Backend(w.Options, w.Folder), engine, NullLogger.Instance).PublishAsync([m]);
        var before = await w.QueryAsync<(long, long, long)>("select RunId, count(*), count(distinct CustomerId) from seg.vCustomerSegment group by RunId");

        await engine.ProcessAsync(m, ProcessType.Full); // a new processing: publish has work to do
        var failing = new PublishService(w.Options, Refresh.Backend(w.Options, w.Folder), engine, NullLogger.Instance)
        {
            AfterCustomerRows = rows => throw new IOException($"disk full after {rows} rows"),
        };
        var e = Assert.ThrowsAsync<IOException>(() => failing.PublishAsync([m]));
        Assert.That(e!.Message, Does.Contain("after 500 rows"));

        var after = await w.QueryAsync<(long, long, long)>("select RunId, count(*), count(distinct CustomerId) from seg.vCustomerSegment group by RunId");
        Assert.That(after, Is.EqualTo(before), "the previous run is still current and complete");
        Assert.That(await w.QueryAsync<long>("select count(*) from seg.ModelRun"), Is.EqualTo(new[] { 1L }), "nothing of the failed run remains");

        var ok = await new PublishService(w.Options, Refresh.Backend(w.Options, w.Folder), engine, NullLogger.Instance).PublishAsync([m]);
        Assert.That(ok[0].Outcome, Is.EqualTo("published"), "a publish after the failure goes through");
    }

    [Test]
    public async Task ALayerWithoutData_IsSkippedWithANotice_NeverAnError()
    {
        using var w = await DemoWarehouse.CreateAsync(600, survey: false);
        var layers = ModelCatalog.Shipped().Models.Where(m => m.PartitionBy is null).ToList();
        await Refresh.RunAsync(w.Options, w.Folder, layers);
        var results = await Refresh.RunAsync(w.Options, w.Folder, layers);
        var survey = results.Single(r => r.Model == "customer-segments");
        Assert.That(survey.Outcome, Is.EqualTo("skipped"));
        Assert.That(survey.Notice, Does.Contain("no rows yet"));
        var run = (await w.QueryAsync<(string, bool, string)>("select Status, IsCurrent, Notice from seg.ModelRun where Model = 'customer-segments'")).Single(); // two publishes, one row
        Assert.That(run.Item1, Is.EqualTo("Skipped"));
        Assert.That(run.Item2, Is.False);
        Assert.That(run.Item3, Does.Contain("no rows yet"));
        Assert.That(results.Where(r => r.Model != "customer-segments").Select(r => r.Outcome), Is.All.EqualTo("published"));
        var map = await w.QueryAsync<(long?, long?, long?, long)>("select MarketSegmentKey, BuyerSegmentKey, CustomerSegmentKey, Customers from seg.vPersonaMap");
        Assert.That(map.Sum(x => x.Item4), Is.EqualTo(await w.QueryAsync<long>("select count(*) from dw.CustomerFeatures").ContinueWith(t => t.Result[0])));
        Assert.That(map.All(x => x.Item3 is null && x.Item1 is not null && x.Item2 is not null), "the skipped layer is absent from the persona map");
    }

    [Test]
    public async Task SourcesWithoutPeopleData_StillSync_AndTheProductPersonaLayerIsSkippedWithANotice()
    {
        using var w = await DemoWarehouse.CreateAsync(400, people: false);
        Assert.That(await w.QueryAsync<long>("select count(*) from dw.DimContact"), Is.Not.EqualTo(new[] { 0L }), "contacts are synced as before");
        Assert.That(await w.QueryAsync<long>("select count(*) from mining.vProductPersonasCase"), Is.EqualTo(new[] { 0L }), "no people data: no persona cases");
        var models = w.Catalog();
        Assert.That(models.Select(m => m.Name), Is.EqualTo(new[] { "buyer-clusters", "customer-segments", "market-segments", "product-personas" }), "nothing to split by product");
        var results = await Refresh.RunAsync(w.Options, w.Folder, models);
        var personas = results.Single(r => r.Model == "product-personas");
        Assert.That((personas.Outcome, personas.Notice), Is.EqualTo(("skipped", "skipped: the case view mining.vProductPersonasCase has no rows yet (the model is trained once per Product found there)")));
        Assert.That(results.Where(r => r.Model != "product-personas").Select(r => r.Outcome), Is.All.EqualTo("published"));
        Assert.That(await w.QueryAsync<long>("select count(*) from seg.vContactSegment"), Is.EqualTo(new[] { 0L }));
        Assert.That(await w.QueryAsync<long>("select count(*) from seg.vGoldenPersona"), Is.EqualTo(new[] { 0L }));
        Assert.That(await w.QueryAsync<long>("select count(*) from seg.vBuyingUnit"), Is.EqualTo(await w.QueryAsync<long>("select count(*) from dw.CustomerFeatures")), "buying units still count contacts");
    }

    [Test]
    public async Task ASegmentThatVanishesAndComesBack_GetsItsKeyAndNameBack()
    {
        using var w = await DemoWarehouse.CreateAsync(2000);
        var shipped = ModelCatalog.Shipped().Select("buyer-clusters")[0];
        ModelDefinition WithCount(int k) => shipped with { Model = shipped.Model with { Parameters = new Dictionary<string, double> { ["CLUSTER_COUNT"] = k } } };
        async Task<Dictionary<long, string>> PublishAsync(int k)
        {
            await Refresh.RunAsync(w.Options, w.Folder, [WithCount(k)]);
            return (await w.QueryAsync<(long, string)>("select SegmentKey, Name from seg.vSegment where Model = 'buyer-clusters' and not IsRetired"))
                .ToDictionary(x => x.Item1, x => x.Item2);
        }

        var five = await PublishAsync(5);
        var four = await PublishAsync(4);
        Assert.That(four, Has.Count.EqualTo(4));
        var retired = await w.QueryAsync<long>("select SegmentKey from seg.vSegment where Model = 'buyer-clusters' and IsRetired");
        Assert.That(retired, Is.Not.Empty, "a segment left without a cluster is retired");
        var again = await PublishAsync(5);
        Assert.That(again.Keys.Order(), Is.EqualTo(five.Keys.Order()), "the planted groups are back under their keys");
        Assert.That(again, Is.EquivalentTo(five), "and their names");
    }

    [Test]
    public async Task NameOverride_SurvivesLaterRuns_AndOldRunsGoPastTheRetention()
    {
        using var w = await DemoWarehouse.CreateAsync(1200);
        w.Options.Publish.KeepRuns = 1;
        var m = ModelCatalog.Shipped().Select("buyer-clusters")[0];
        await Refresh.RunAsync(w.Options, w.Folder, [m]);
        var key = (await w.QueryAsync<long>("select SegmentKey from seg.vSegment where Model = 'buyer-clusters' order by Population desc limit 1"))[0];
        await using (var db = await w.Warehouse.OpenForWriteAsync())
        {
            await Dapper.SqlMapper.ExecuteAsync(db, "insert into seg.SegmentNameOverride values ('buyer-clusters', $key, 'Crown jewels', NULL, now())", new { key });
        }

        await Refresh.RunAsync(w.Options, w.Folder, [m]);
        Assert.That(await w.QueryAsync<long>("select count(*) from seg.ModelRun where Model = 'buyer-clusters'"), Is.EqualTo(new[] { 1L }), "Publish:KeepRuns = 1");
        Assert.That(await w.QueryAsync<long>("select count(distinct RunId) from seg.CustomerSegment"), Is.EqualTo(new[] { 1L }), "the old run's rows went with it");
        Assert.That(await w.QueryAsync<string>($"select Name from seg.vSegment where SegmentKey = {key}"), Is.EqualTo(new[] { "Crown jewels" }));
        Assert.That(await w.QueryAsync<string>($"select distinct SegmentName from seg.vCustomerSegment where SegmentKey = {key}"), Is.EqualTo(new[] { "Crown jewels" }));
    }

    [Test]
    public async Task PublishThroughXmla_WritesTheSameRows_AsTheEmbeddedEngine()
    {
        using var direct = await DemoWarehouse.CreateAsync(1000);
        var root = DemoWarehouse.NewRoot();
        CopyFolder(direct.Root, root);
        var models = direct.Catalog().Where(m => m.Partition is null or "Analytics").ToList(); // the account layers and one product's personas
        await Refresh.RunAsync(direct.Options, direct.Folder, models);

        var viaXmla = new Core.Configuration.SegmentMinerOptions { DataDir = root };
        var folder = new Warehouse.DataFolder(root);
        var engine = new Embedded.EmbeddedMiningServer(new Warehouse.Reading.DuckDbReader(new Warehouse.DuckDb.DuckDbWarehouse(folder, viaXmla.Warehouse)), new Embedded.ModelStore(Path.Combine(root, "endpoint-models")));
        var service = new XmlaService(engine, EndpointCatalog.Load(null), TimeSpan.FromMinutes(5));
        await using (var endpoint = await XmlaEndpoint.StartAsync(service, new XmlaEndpointOptions { Urls = "http://127.0.0.1:0" }))
        {
            await using var server = new XmlaMiningServer(new XmlaClient(new XmlaClientOptions { Url = endpoint.Url, Retries = 0 }), "unused");
            foreach (var m in models)
            {
                await server.DeployAsync(m);
                await server.ProcessAsync(m, ProcessType.Full);
            }

            var results = await new PublishService(viaXmla, Refresh.Backend(viaXmla, folder), server, NullLogger.Instance).PublishAsync(models);
            Assert.That(results.Select(r => r.Outcome), Is.All.EqualTo("published"));
        }

        using var copy = new WarehouseView(root);
        foreach (var query in new[]
        {
            "select Model, SegmentKey, NodeUniqueName, Name, Description, Population, Share, TrainingSupport, IsRetired from seg.Segment order by all",
            "select Model, AccountId, SegmentKey, Probability from seg.CustomerSegment order by all",
            "select SegmentKey, Attribute, Value, Probability, Support, Mean, StdDev from seg.SegmentProfile order by all",
            "select SegmentKey, Attribute, Value, Probability, Score, Rank from seg.SegmentCharacteristic order by all",
            "select SegmentKey, Attribute, Value, Score, Favors from seg.SegmentDiscrimination order by all",
            "select * from seg.PersonaMap order by all",
            "select Model, Product, ContactId, AccountId, SegmentKey, Probability from seg.ContactSegment order by all",
            "select * from seg.GoldenPersona order by all",
            "select * from seg.PortfolioMap order by all",
            "select * from seg.BuyingUnit order by all",
            "select Model, Cases, Clusters, Parameters, DefinitionHash, Status, IsCurrent from seg.ModelRun order by all",
        })
        {
            var expected = JsonSerializer.Serialize(await direct.QueryAsync<dynamic>(query));
            var actual = JsonSerializer.Serialize(await copy.Warehouse.QueryAsync<dynamic>(query));
            Assert.That(actual, Is.EqualTo(expected), query);
        }

        Assert.That(await copy.Warehouse.QueryAsync<string>("select distinct Engine from seg.ModelRun"), Is.EqualTo(new[] { "analysis-services" }));
    }

    private static void CopyFolder(string from, string to)
    {
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }

    /// <summary>An existing data folder, deleted afterwards.</summary>
    private sealed class WarehouseView(string root) : IDisposable
    {
        public DemoWarehouse Warehouse { get; } = DemoWarehouse.Open(root);

        public void Dispose() => Warehouse.Dispose();
    }
}
