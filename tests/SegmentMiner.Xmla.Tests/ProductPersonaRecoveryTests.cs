using SegmentMiner.Core.Models;
using SegmentMiner.Mining;
using SegmentMiner.Pipeline.Personas;
using SegmentMiner.Pipeline.Publishing;

namespace SegmentMiner.Xmla.Tests;

/// <summary>
/// The product-persona layer's data path before its model is shipped: the engine, trained once per product on that
/// product's rows of mining.vProductPersonasCase, finds the archetypes the demo planted (truth-contacts.csv).
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class ProductPersonaRecoveryTests
{
    private const string Definition = """
        {
          "caseView": "mining.vProductPersonasCase",
          "columns": [
            { "name": "Contact Id", "source": "ContactId", "type": "Text", "content": "Key" },
            { "name": "Job Role", "source": "JobRole", "type": "Text", "content": "Discrete" },
            { "name": "Seniority", "type": "Text", "content": "Discrete" },
            { "name": "Department", "type": "Text", "content": "Discrete" },
            { "name": "Decision Maker", "source": "IsDecisionMaker", "type": "Boolean", "content": "Discrete" },
            { "name": "Emails 12m", "source": "Emails12m", "type": "Long", "content": "Continuous" },
            { "name": "Calls 12m", "source": "Calls12m", "type": "Long", "content": "Continuous" },
            { "name": "Meetings 12m", "source": "Meetings12m", "type": "Long", "content": "Continuous" },
            { "name": "Webinars 12m", "source": "Webinars12m", "type": "Long", "content": "Continuous" },
            { "name": "Support Tickets 12m", "source": "SupportTickets12m", "type": "Long", "content": "Continuous" },
            { "name": "Decision Maker Roles 12m", "source": "DecisionMakerRoles12m", "type": "Long", "content": "Continuous" },
            { "name": "Economic Buyer Roles 12m", "source": "EconomicBuyerRoles12m", "type": "Long", "content": "Continuous" },
            { "name": "Influencer Roles 12m", "source": "InfluencerRoles12m", "type": "Long", "content": "Continuous" },
            { "name": "Champion Roles 12m", "source": "ChampionRoles12m", "type": "Long", "content": "Continuous" },
            { "name": "User Roles 12m", "source": "UserRoles12m", "type": "Long", "content": "Continuous" },
            { "name": "Goal", "type": "Text", "content": "Discrete" },
            { "name": "Challenge", "type": "Text", "content": "Discrete" },
            { "name": "Channel", "type": "Text", "content": "Discrete" }
          ],
          "model": { "parameters": { "CLUSTER_COUNT": 0, "CLUSTER_SEED": 0, "MODELLING_CARDINALITY": 50 } }
        }
        """;

    [Test]
    public async Task PerProduct_TheEngineRecoversThePlantedArchetypes()
    {
        using var w = await DemoWarehouse.CreateAsync(800);
        var definition = ModelDefinitionJson.Parse("product-personas", Definition, "product-personas.json");
        var engine = ModelDefinitionMapping.ToEngine(definition);
        var columns = definition.Columns.Select(c => c.SourceColumn).ToList();
        var truth = File.ReadLines(Path.Combine(w.Root, "truth-contacts.csv")).Skip(1).Select(l => l.Split(','))
            .ToDictionary(p => (p[0], p[1]), p => p[2]);
        var report = new List<string>();
        var personas = new List<ProductPersona>();
        var majority = new Dictionary<(string Product, string Node), string>();
        foreach (var product in truth.Keys.Select(k => k.Item2).Distinct().Order(StringComparer.Ordinal))
        {
            var rows = (await w.QueryAsync<dynamic>($"SELECT {string.Join(", ", columns)} FROM mining.vProductPersonasCase WHERE Product = '{product}' ORDER BY ContactId"))
                .Select(r => (object?[])columns.Select(c => ((IDictionary<string, object?>)r)[c]).ToArray()).ToList();
            var source = new CaseSource(definition.Columns.Select(c => c.Name).ToList(), () => rows);
            var model = ClusteringModel.Train(engine, source);
            var predicted = model.PredictAll(source).ToList();
            var ari = PublishTests.AdjustedRand(predicted.Select(p => p.Cluster).ToList(), predicted.Select(p => truth[((string)p.Key!, product)]).ToList());
            report.Add($"{product}: {rows.Count} contacts, {model.ClusterCount} clusters, ARI {ari:0.000}");
            var profiles = ClusterProfile.From(model.Profiles().Where(r => r.NodeUniqueName != "000"), r => r.NodeCaption); // the clusters, not the population
            personas.AddRange(profiles.Select(p => new ProductPersona(product, p.Key, p.Value, predicted.Count(x => x.Cluster == p.Key))));
            foreach (var g in predicted.GroupBy(x => x.Cluster))
            {
                majority[(product, g.Key)] = g.GroupBy(x => truth[((string)x.Key!, product)]).MaxBy(x => x.Count())!.Key;
            }
            TestContext.Out.WriteLine(product + "\n" + string.Join("\n", predicted.GroupBy(p => truth[((string)p.Key!, product)]).OrderBy(g => g.Key)
                .Select(g => g.Key.PadRight(22) + string.Join(" ", g.GroupBy(p => p.Cluster).OrderBy(x => x.Key).Select(x => $"{x.Key}:{x.Count()}")))));
            Assert.That(rows, Has.Count.EqualTo(truth.Keys.Count(k => k.Item2 == product)), product + ": every related contact is a case");
        }

        TestContext.Out.WriteLine(string.Join("\n", report));

        // The archetypes are found in every product with the most candidate models Microsoft Clustering allows
        // (MODELLING_CARDINALITY 50: 0.975 to 0.979 on this demo). With the default 10 the best candidate merged the
        // two smallest archetypes and split a large one in two products (0.77 and 0.85): the product-persona model
        // needs the 50.
        var scores = report.Select(r => double.Parse(r[(r.LastIndexOf(' ') + 1)..], System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.That(scores, Has.All.GreaterThanOrEqualTo(0.8), string.Join("\n", report));

        // Golden personas: each archetype's persona in every product is matched into one, and no golden persona mixes
        // archetypes (each product's contacts hold all six archetypes on this demo, so each spans every product).
        var golden = GoldenPersonaMatcher.Match(personas);
        var describe = string.Join("\n", golden.Select(g => string.Join(" + ", g.Members.Select(m => $"{m.Product}/{m.Key}={majority[(m.Product, m.Key)]}"))));
        TestContext.Out.WriteLine(describe);
        Assert.That(golden.Select(g => g.Members.Select(m => majority[(m.Product, m.Key)]).Distinct().Single()), Is.EquivalentTo(truth.Values.Distinct()), describe);
        Assert.That(golden.Select(g => g.Products.Count), Has.All.EqualTo(truth.Keys.Select(k => k.Item2).Distinct().Count()), describe);
    }
}
