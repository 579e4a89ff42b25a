using System.Diagnostics;
using SegmentMiner.Core.Models;
using SegmentMiner.Mining;

namespace SegmentMiner.Xmla.Tests;

/// <summary>
/// CLUSTER_COUNT = 0 on the demo's three shipped models: the count does not depend on CLUSTER_SEED, nor on the
/// count search's own seeds (its sample and starts): ten independent sets of them choose the same count.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class ClusterCountTests
{
    private DemoWarehouse _w = null!;

    [OneTimeSetUp]
    public async Task Demo() => _w = await DemoWarehouse.CreateAsync(4000);

    [OneTimeTearDown]
    public void Cleanup() => _w.Dispose();

    [TestCase("buyer-clusters", 10)]
    [TestCase("customer-segments", 10)]
    [TestCase("market-segments", 10)]
    public async Task TheCountSearch_ChoosesTheSameCount_ForEverySetOfItsSeeds(string name, int sets)
    {
        var m = ModelCatalog.Shipped().Select(name)[0];
        var engine = _w.Engine("count-models");
        var definition = ModelDefinitionMapping.ToEngine(m);
        var source = await engine.CaseSourceAsync(m, CancellationToken.None);
        var watch = Stopwatch.StartNew();
        var counts = Enumerable.Range(0, sets)
            .Select(seed => ClusteringModel.ChooseClusterCount(definition with { Parameters = definition.Parameters with { CountSearchSeed = 1000 + (seed * 7919), ClusterSeed = seed } }, source))
            .ToList();
        TestContext.Out.WriteLine($"{name}: counts {string.Join(", ", counts)} ({watch.Elapsed.TotalSeconds:0.0} s)");
        Assert.That(counts.Distinct(), Has.Exactly(1).Items, $"{name}: {string.Join(", ", counts)}");
    }
}
