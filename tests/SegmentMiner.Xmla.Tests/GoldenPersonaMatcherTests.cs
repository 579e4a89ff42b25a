using SegmentMiner.Pipeline.Personas;
using SegmentMiner.Pipeline.Publishing;

namespace SegmentMiner.Xmla.Tests;

/// <summary>The golden-persona matcher on profiles made by hand: what it joins, and what it never joins.</summary>
[TestFixture]
public sealed class GoldenPersonaMatcherTests
{
    private static ProductPersona Persona(string product, string key, double itShare, double members = 100)
    {
        var profile = new ClusterProfile();
        profile.Discrete["Department"] = new Dictionary<string, double> { ["IT"] = itShare, ["Finance"] = 1 - itShare };
        return new ProductPersona(product, key, profile, members);
    }

    [Test]
    public void AlikePersonasOfSeveralProducts_AreOneGoldenPersona_AndDifferentOnesAreNot()
    {
        var golden = GoldenPersonaMatcher.Match(
        [
            Persona("A", "1", 0.95), Persona("B", "1", 0.9), Persona("C", "2", 0.92),
            Persona("A", "2", 0.05), Persona("B", "2", 0.1),
            Persona("C", "1", 0.5),
        ]);
        Assert.That(golden.Select(g => (string.Join(",", g.Products), string.Join(",", g.Members.Select(m => m.Key)))),
            Is.EquivalentTo(new[] { ("A,B,C", "1,1,2"), ("A,B", "2,2") }), "the IT people of three products, the finance people of two; C's mixed persona is alone");
    }

    [Test]
    public void TwoPersonasOfOneProduct_AreNeverInOneGoldenPersona()
    {
        var golden = GoldenPersonaMatcher.Match([Persona("A", "1", 0.9), Persona("A", "2", 0.91), Persona("B", "1", 0.9)]);
        Assert.That(golden, Has.Count.EqualTo(1));
        Assert.That(golden[0].Members.Select(m => m.Product), Is.EquivalentTo(new[] { "A", "B" }), "one of A's two alike personas joins B's");
    }

    [Test]
    public void APersonaOfOneProductOnly_IsNotGolden()
    {
        Assert.That(GoldenPersonaMatcher.Match([Persona("A", "1", 0.9), Persona("A", "2", 0.1)]), Is.Empty);
    }

    [Test]
    public void CompleteLinkage_KeepsAChainOfSmallStepsApart()
    {
        // 0.9 -> 0.7 -> 0.5: each step is 0.2 apart (within 0.25), the ends 0.4: they are not one kind of person.
        var golden = GoldenPersonaMatcher.Match([Persona("A", "1", 0.9), Persona("B", "1", 0.7), Persona("C", "1", 0.5)]);
        Assert.That(golden.Select(g => g.Products.Count), Has.All.EqualTo(2));
        Assert.That(golden, Has.Count.EqualTo(1));
    }
}
