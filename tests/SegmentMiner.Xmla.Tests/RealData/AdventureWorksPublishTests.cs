using System.Globalization;
using System.Text.RegularExpressions;
using SegmentMiner.Core.Models;
using SegmentMiner.Tests.Shared;

namespace SegmentMiner.Xmla.Tests.RealData;

/// <summary>
/// The whole job on real public data (AdventureWorks customers and their orders, mapped to the source contract):
/// every figure publish writes about a segment is checked against the same figure computed directly from the
/// members (seg.vCustomerSegment) and the case view. Skipped, with the reason, when ../shared is absent.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed partial class AdventureWorksPublishTests
{
    private string _root = "";
    private DemoWarehouse? _warehouse;

    private DemoWarehouse W => _warehouse!;

    [OneTimeSetUp]
    public async Task RunTheWholeJob()
    {
        var folder = AdventureWorksSources.Folder();
        if (folder is null)
        {
            Assert.Ignore("../shared/data/adventureworks is not present beside the repository; the real-data publish test needs it");
        }

        _root = DemoWarehouse.NewRoot();
        await AdventureWorksSources.WriteAsync(folder!, _root);
        using var cli = new CliRun();
        var asOf = AdventureWorksSources.AsOf.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        foreach (var step in new[] { new[] { "sync", "--as-of", asOf }, ["models", "deploy"], ["models", "process"], ["publish"] })
        {
            var r = await cli.RunAsync([.. step, "--data-dir", _root]);
            Assert.That(r.Code, Is.Zero, $"{string.Join(' ', step)}: {r.Err}");
        }

        _warehouse = DemoWarehouse.Open(_root);
    }

    [OneTimeTearDown]
    public void Cleanup() => _warehouse?.Dispose();

    private static IEnumerable<ModelDefinition> Published() => ModelCatalog.Shipped().Models.Where(m => m.Name is "market-segments" or "buyer-clusters");

    [TestCaseSource(nameof(Published))]
    public async Task EveryPublishedFigure_IsComputedFromTheMembers(ModelDefinition m)
    {
        var members = await MembersAsync(m);
        var checks = 0;
        var gap = 0.0;
        foreach (var (key, attribute, value, probability, score, min, max) in await W.QueryAsync<(long, string, string, double, double, double?, double?)>(
            Current(m, "SegmentCharacteristic", "x.SegmentKey, x.Attribute, x.Value, x.Probability, x.Score, x.Minimum, x.Maximum")))
        {
            var (share, population) = members.Shares(key, attribute, v => members.Holds(attribute, v, value, min, max));
            Assert.That(probability, Is.EqualTo(share).Within(0.005), $"{m.Name} segment {key}: {attribute} = {value}");
            Assert.That(score, Is.EqualTo(share / population).Within(0.01 * score), $"{m.Name} segment {key}: lift of {attribute} = {value}");
            gap = Math.Max(gap, Math.Abs(probability - share));
            checks++;
        }

        TestContext.Out.WriteLine($"{m.Name}: {checks} characteristics checked; largest gap between a published share and the members' {gap:0.000000}");
        Assert.That(checks, Is.GreaterThan(20));
        await CheckProfilesAsync(m, members);
        await CheckDiscriminationAsync(m, members);
        await CheckTraitsAsync(m, members);
    }

    private async Task CheckProfilesAsync(ModelDefinition m, Members members)
    {
        foreach (var (key, attribute, value, probability, support, mean, sd, median) in await W.QueryAsync<(long, string, string, double, double, double?, double?, double?)>(
            Current(m, "SegmentProfile", "x.SegmentKey, x.Attribute, x.Value, x.Probability, x.Support, x.Mean, x.StdDev, x.Median")))
        {
            var values = members.Of(key).Select(c => c[attribute]).ToList();
            if (value == "Existing" && support == 0)
            {
                Assert.That(values, Is.All.Null, $"{m.Name} {key} {attribute}: no member has a value");
            }
            else if (value == "Existing")
            {
                var present = values.Where(v => v is not null).Select(Convert.ToDouble).OrderBy(v => v).ToList();
                Assert.That(support, Is.EqualTo(present.Count), $"{m.Name} {key} {attribute}: cases with a value");
                Assert.That(mean, Is.EqualTo(present.Average()).Within(1e-9 * (1 + Math.Abs(present.Average()))), $"{m.Name} {key} {attribute}: mean");
                var avg = present.Average();
                var sample = present.Count < 2 ? 0 : Math.Sqrt(present.Sum(v => (v - avg) * (v - avg)) / (present.Count - 1));
                Assert.That(sd, Is.EqualTo(sample).Within(1e-6 * (1 + sample)), $"{m.Name} {key} {attribute}: standard deviation");
                Assert.That(median, Is.EqualTo(Median(present)).Within(1e-9), $"{m.Name} {key} {attribute}: median");
            }
            else
            {
                var count = values.Count(v => Members.State(v) == value);
                Assert.That(support, Is.EqualTo(count), $"{m.Name} {key} {attribute} = {value}: members who hold it");
                Assert.That(probability, Is.EqualTo((double)count / values.Count).Within(0.005));
            }
        }
    }

    private async Task CheckDiscriminationAsync(ModelDefinition m, Members members)
    {
        var bins = (await W.QueryAsync<(long, string, string, double?, double?)>(Current(m, "SegmentCharacteristic", "x.SegmentKey, x.Attribute, x.Value, x.Minimum, x.Maximum")))
            .GroupBy(b => (b.Item2, b.Item3)).ToDictionary(g => g.Key, g => (g.First().Item4, g.First().Item5));
        var rows = await W.QueryAsync<(long, string, string, double, string)>(Current(m, "SegmentDiscrimination", "x.SegmentKey, x.Attribute, x.Value, x.Score, x.Favors"));
        foreach (var (key, attribute, value, score, favors) in rows)
        {
            var (min, max) = bins.GetValueOrDefault((attribute, value));
            bool Holds(object? v) => members.Holds(attribute, v, value, min, max);
            var inside = members.Of(key).ToList();
            var rest = members.All.Where(c => c.Segment != key).ToList();
            var expected = 100 * ((double)inside.Count(c => Holds(c[attribute])) / inside.Count - (double)rest.Count(c => Holds(c[attribute])) / rest.Count);
            Assert.That(score, Is.EqualTo(expected).Within(0.5), $"{m.Name} {key}: discrimination of {attribute} = {value}");
            Assert.That(favors, Is.EqualTo(score >= 0 ? "segment" : "rest"));
        }

        Assert.That(rows, Is.Not.Empty);
    }

    private async Task CheckTraitsAsync(ModelDefinition m, Members members)
    {
        var traits = await W.QueryAsync<(long, string, string, double, double, string)>(
            Current(m, "SegmentTrait", "x.SegmentKey, x.Attribute, x.Value, x.MemberValue, x.PopulationValue, x.Direction") + " AND x.ComparedWithKey IS NULL");
        foreach (var (key, attribute, value, mine, all, direction) in traits)
        {
            if (direction is "high" or "low")
            {
                double Mean(IEnumerable<Members.Case> cases) => cases.Select(c => c[attribute]).Where(v => v is not null).Select(Convert.ToDouble).Average();
                Assert.That(mine, Is.EqualTo(Mean(members.Of(key))).Within(1e-9 * (1 + Math.Abs(mine))), $"{m.Name} {key}: {attribute} mean");
                Assert.That(all, Is.EqualTo(Mean(members.All)).Within(1e-9 * (1 + Math.Abs(all))), $"{attribute}: the population's mean");
            }
            else
            {
                var (share, population) = members.Shares(key, attribute, v => Members.State(v) == value);
                Assert.That(mine, Is.EqualTo(share).Within(0.005), $"{m.Name} {key}: {attribute} = {value}");
                Assert.That(all, Is.EqualTo(population).Within(0.005));
            }
        }

        // The description shows every trait of the name with the members' and the population's figures, as the traits hold them.
        var format = new Pipeline.Publishing.Facts.ValueFormat("USD");
        var described = await W.QueryAsync<(long, string, string, string, double, double, string)>(
            $"SELECT t.SegmentKey, t.Attribute, t.Phrase, s.Description, t.MemberValue, t.PopulationValue, t.Direction FROM seg.vSegmentTrait t JOIN seg.vSegment s ON s.Model = t.Model AND s.SegmentKey = t.SegmentKey WHERE t.Model = '{m.Name}' AND t.InName AND t.ComparedWithKey IS NULL");
        foreach (var (key, attribute, phrase, description, mine, all, direction) in described)
        {
            var share = direction is "over" or "under";
            var unit = share ? new Pipeline.Publishing.Facts.Unit(Pipeline.Publishing.Facts.UnitKind.Percent) : Pipeline.Publishing.Facts.AttributeWords.For(m.Columns.Single(c => c.Name == attribute)).Unit;
            var expected = $"{phrase}: {format.Format(mine, unit, average: !share)} {(share ? "of members" : "on average")} (all customers: {format.Format(all, unit, average: !share)})";
            Assert.That(description, Does.Contain(expected), $"{m.Name} {key}");
        }

        Assert.That(described, Is.Not.Empty);
    }

    [Test]
    public async Task Names_AreUniqueSetsOfTraits_AndNoLabelReadsWrong()
    {
        var segments = await W.QueryAsync<(string, string, string)>("SELECT Model, Name, Description FROM seg.vSegment WHERE NOT IsRetired AND ClusterNode IS NOT NULL ORDER BY Model, SegmentKey");
        foreach (var model in segments.GroupBy(s => s.Item1))
        {
            var sets = model.Select(s => string.Join("|", s.Item2.ToLowerInvariant().Split(", ").Order(StringComparer.Ordinal))).ToList();
            Assert.That(sets, Is.Unique, $"{model.Key}: no two segments share their set of traits");
            Assert.That(model.Count(s => s.Item2 == "Average customers"), Is.LessThanOrEqualTo(1), model.Key);
            TestContext.Out.WriteLine($"{model.Key}:\n  " + string.Join("\n  ", model.Select(s => $"{s.Item2}: {s.Item3}")));
        }

        var labels = (await W.QueryAsync<string>("SELECT Value FROM seg.vSegmentCharacteristic")).Concat(segments.SelectMany(s => new[] { s.Item2, s.Item3 })).ToList();
        Assert.That(labels.Where(l => NegativeZero().IsMatch(l) || OneMonths().IsMatch(l) || NumberedName().IsMatch(l)), Is.Empty);
    }

    [Test]
    public async Task AConstantAttribute_HasNoCharacteristic()
    {
        Assert.That(await W.QueryAsync<long>("SELECT count(DISTINCT EmployeeBand) FROM mining.vMarketSegmentsCase"), Is.EqualTo(new[] { 1L }), "every household is '1-10'");
        Assert.That(await W.QueryAsync<long>("SELECT count(*) FROM seg.vSegmentCharacteristic WHERE Attribute = 'Employee Band'"), Is.EqualTo(new[] { 0L }));
        Assert.That(await W.QueryAsync<long>("SELECT count(*) FROM seg.SegmentDiscrimination WHERE Attribute = 'Employee Band'"), Is.EqualTo(new[] { 0L }));
    }

    [GeneratedRegex(@"(?<![0-9A-Za-z])-\$?0(?![0-9.,])")]
    private static partial Regex NegativeZero();

    [GeneratedRegex(@"(?<![0-9.,])1 months")]
    private static partial Regex OneMonths();

    [GeneratedRegex(@"\(\d+\)$")]
    private static partial Regex NumberedName();

    private static string Current(ModelDefinition m, string table, string columns) =>
        $"SELECT {columns} FROM seg.{table} x JOIN seg.ModelRun r ON r.RunId = x.RunId AND r.IsCurrent WHERE r.Model = '{m.Name}'";

    private static double Median(List<double> sorted)
    {
        var h = (sorted.Count - 1) * 0.5;
        var lo = (int)Math.Floor(h);
        return sorted[lo] + ((h - lo) * (sorted[Math.Min(lo + 1, sorted.Count - 1)] - sorted[lo]));
    }

    private async Task<Members> MembersAsync(ModelDefinition m)
    {
        var described = m.Columns.Where(c => c.Content is ContentType.Discrete or ContentType.Continuous && m.UsageOf(c) != ColumnUsage.Ignore).ToList();
        var select = string.Join(", ", described.Select(c => $"v.\"{c.SourceColumn}\" AS \"{c.Name}\""));
        var rows = await W.QueryAsync<dynamic>($"SELECT s.SegmentKey AS \"$segment\", {select} FROM seg.vCustomerSegment s JOIN {m.CaseView} v ON v.AccountId = s.CustomerId WHERE s.Model = '{m.Name}'");
        return new Members(rows.Select(r => new Members.Case((IDictionary<string, object?>)r)).ToList(), described.ToDictionary(c => c.Name, c => c.Content == ContentType.Continuous));
    }
}
