using SegmentMiner.Warehouse.Demo;

namespace SegmentMiner.Warehouse.Tests;

/// <summary>A sync under a small Warehouse:MemoryLimit spills instead of failing, and gives the same warehouse.</summary>
[TestFixture]
public sealed class MemoryLimitTests
{
    // The smallest limit the issue names. It works because the derived layers run in their own transaction (an open
    // transaction keeps its uncommitted row groups in memory) and the snapshot is computed in chunks of accounts
    // when its (account, month) pairs are more than the limit holds in one pass.
    private const string SmallLimit = "64MB";

    [Test]
    public async Task ASyncUnderASmallMemoryLimit_GivesTheSameWarehouseAsTheDefault()
    {
        using var roomy = new TestWarehouse();
        using var small = new TestWarehouse();
        small.Options.Warehouse.MemoryLimit = SmallLimit;
        foreach (var w in new[] { roomy, small })
        {
            new DemoGenerator(new DemoRequest(20_000, 5, new DateOnly(2026, 11, 15))).Write(w.Folder.Sources, w.Folder.TruthFile);
        }

        var expected = await roomy.SyncAsync();
        var actual = await small.SyncAsync();
        Assert.That(actual.Customers, Is.EqualTo(expected.Customers).And.GreaterThan(19_000));
        var a = Warehouse(await roomy.FingerprintAsync());
        var b = Warehouse(await small.FingerprintAsync());
        Assert.That(b, Is.EqualTo(a), $"Warehouse:MemoryLimit={SmallLimit} gives the same staging and dimensional tables");
        Assert.That(await small.ScalarAsync<string>("SELECT current_setting('memory_limit')"), Does.StartWith("64.0 MiB"), "the limit was applied");
    }

    /// <summary>The staging and dimensional tables (ops holds times of day, which differ between two runs).</summary>
    private static Dictionary<string, string> Warehouse(Dictionary<string, string> fingerprint) =>
        fingerprint.Where(kv => kv.Key.StartsWith("stg.", StringComparison.Ordinal) || kv.Key.StartsWith("dw.", StringComparison.Ordinal))
            .ToDictionary(kv => kv.Key, kv => kv.Value);
}
