using SegmentMiner.Warehouse.Demo;

namespace SegmentMiner.Warehouse.Tests;

/// <summary>
/// The demo's planted people (contact archetypes per product, some shared): truth-contacts.csv against what the
/// warehouse makes of the same files, and the archetypes' traces in the contact features.
/// </summary>
[TestFixture]
public sealed class DemoPeopleTests
{
    private static readonly DateOnly AsOf = new(2026, 11, 15);
    private TestWarehouse _w = null!;
    private List<(string ContactId, string Product, string Archetype)> _truth = null!;

    [OneTimeSetUp]
    public async Task SetUp()
    {
        _w = new TestWarehouse();
        new DemoGenerator(new DemoRequest(400, 11, AsOf, Months: 12)).Write(_w.Folder.Sources, _w.Folder.TruthFile);
        await _w.SyncAsync("2026-11-15");
        _truth = File.ReadLines(_w.Folder.ContactTruthFile).Skip(1).Select(l => l.Split(',')).Select(p => (p[0], p[1], p[2])).ToList();
    }

    [OneTimeTearDown]
    public void TearDown() => _w.Dispose();

    [Test]
    public async Task TheTruth_IsEveryCurrentContactWithEachProductItsAccountHoldsOrPursues()
    {
        var related = await _w.QueryAsync<(string ContactId, string Product)>(
            "SELECT ContactId, Product FROM dw.ContactProduct WHERE Relation IN ('Holds', 'Pursues')");
        Assert.That(_truth, Has.Count.GreaterThan(1000));
        Assert.That(_truth.Select(t => (t.ContactId, t.Product)), Is.EquivalentTo(related), "exactly the relation the model uses");
        Assert.That(_truth.GroupBy(t => t.ContactId).Select(g => g.Select(t => t.Archetype).Distinct().Count()), Has.All.EqualTo(1),
            "a person is one archetype in every product");
    }

    [Test]
    public void SharedArchetypes_ArePlantedInEachOfTheirProducts()
    {
        var byArchetype = _truth.GroupBy(t => t.Archetype).ToDictionary(g => g.Key, g => g.Select(t => t.Product).Distinct().ToHashSet());
        foreach (var golden in DemoArchetype.All.Where(a => a.Products.Length > 1))
        {
            Assert.That(byArchetype[golden.Name], Is.SupersetOf(golden.Products), golden.Name);
        }

        Assert.That(byArchetype.Keys, Is.EquivalentTo(DemoArchetype.All.Select(a => a.Name)));
    }

    [Test]
    public async Task EachArchetype_LeavesItsTraceInTheContactFeatures()
    {
        var features = (await _w.QueryAsync<(string ContactId, string Department, string JobRole, long Webinars, long Tickets, string? Goal)>(
            "SELECT ContactId, Department, JobRole, Webinars12m, SupportTickets12m, Goal FROM dw.ContactFeatures")).ToDictionary(f => f.ContactId);
        var archetypes = _truth.GroupBy(t => t.ContactId).ToDictionary(g => g.Key, g => DemoArchetype.All.Single(a => a.Name == g.First().Archetype));
        var planted = archetypes.Where(kv => features.ContainsKey(kv.Key)).ToList();
        Assert.That(planted, Has.Count.EqualTo(archetypes.Count), "every contact of the truth has its features");
        var typical = planted.Count(kv => features[kv.Key].Department == kv.Value.Department && features[kv.Key].JobRole == kv.Value.JobRole);
        Assert.That(typical, Is.InRange(planted.Count * 0.5, planted.Count * 0.8), "most, not all, have their archetype's title and department");
        var answered = planted.Where(kv => features[kv.Key].Goal is not null).ToList();
        Assert.That(answered.Count(kv => features[kv.Key].Goal == kv.Value.Goal), Is.GreaterThan(answered.Count * 0.75), "mostly their archetype's goal");
        var analysts = planted.Where(kv => kv.Value.Activity == "Webinar").Select(kv => features[kv.Key].Webinars).Average();
        var others = planted.Where(kv => kv.Value.Activity != "Webinar").Select(kv => features[kv.Key].Webinars).Average();
        Assert.That(analysts, Is.GreaterThan(others * 2), "webinar people attend webinars");
        Assert.That(await _w.ScalarAsync<long>("SELECT count(*) FROM dw.vOpportunityContact"), Is.GreaterThan(500), "deal roles planted");
    }
}
