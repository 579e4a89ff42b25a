using System.Globalization;
using System.Text;
using SegmentMiner.Mining;

namespace SegmentMiner.Mining.Tests;

/// <summary>
/// The Analysis Services Targeted Mailing tutorial's TM_Clustering model, rebuilt on the real vTargetMail data
/// from ../shared (skipped when that folder is absent), trained on all 18,484 rows with the published columns
/// and default parameters.
/// </summary>
[TestFixture]
public sealed class AdventureWorksTests
{
    private static string? DataFile()
    {
        var dir = new DirectoryInfo(TestContext.CurrentContext.TestDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "SegmentMiner.sln")))
        {
            dir = dir.Parent;
        }

        var file = dir?.Parent is null ? null : Path.Combine(dir.Parent.FullName, "shared", "data", "adventureworks", "vTargetMail.csv");
        return file is not null && File.Exists(file) ? file : null;
    }

    private static readonly string[] Discrete =
        ["CommuteDistance", "EnglishEducation", "EnglishOccupation", "Gender", "GeographyKey", "HouseOwnerFlag", "MaritalStatus",
         "NumberCarsOwned", "NumberChildrenAtHome", "Region", "TotalChildren"];

    [Test]
    public void TmClustering_OnVTargetMail_RootMarginalsExact_TenClusters_PublishedShapes()
    {
        var file = DataFile();
        if (file is null)
        {
            Assert.Ignore("../shared/data/adventureworks/vTargetMail.csv is not present beside the repository; the real-data test needs it");
        }

        var (definition, source, header, rows) = TmClustering(file!, new ClusteringParameters());

        var model = ClusteringModel.Train(definition, source);
        var content = model.Content();
        var root = content[0];

        Assert.That(model.ClusterCount, Is.EqualTo(10));
        Assert.That(root.NodeSupport, Is.EqualTo(18484));
        foreach (var attribute in Discrete.Append("BikeBuyer"))
        {
            var i = Array.IndexOf(header, attribute);
            var expected = rows.GroupBy(r => r[i]).ToDictionary(g => g.Key, g => (double)g.Count());
            var actual = root.NodeDistribution.Where(d => d.AttributeName == attribute && d.ValueType != MiningValueType.Missing)
                .ToDictionary(d => d.AttributeValue, d => d.Support);
            var missing = root.NodeDistribution.Single(d => d.AttributeName == attribute && d.ValueType == MiningValueType.Missing).Support;
            if (expected.Count <= 100)
            {
                Assert.That(actual, Is.EqualTo(expected), $"root marginals of {attribute}");
                Assert.That(missing, Is.Zero);
            }
            else
            {
                // MAXIMUM_STATES (100) keeps the most popular states; the others count as Missing.
                Assert.That(actual, Has.Count.EqualTo(100), attribute);
                Assert.That(actual.All(kv => expected[kv.Key] == kv.Value), Is.True, $"kept states of {attribute} have their exact counts");
                Assert.That(actual.Values.Min(), Is.GreaterThanOrEqualTo(expected.Values.OrderDescending().ElementAt(99)), "the most popular are kept");
                Assert.That(missing, Is.EqualTo(rows.Count - actual.Values.Sum()));
            }
        }

        var ages = rows.Select(r => double.Parse(r[Array.IndexOf(header, "Age")], CultureInfo.InvariantCulture)).ToList();
        var mean = ages.Average();
        var ageRow = root.NodeDistribution.Single(d => d.AttributeName == "Age" && d.ValueType == MiningValueType.Continuous);
        Assert.That(double.Parse(ageRow.AttributeValue, CultureInfo.InvariantCulture), Is.EqualTo(mean).Within(1e-9));
        Assert.That(ageRow.Variance, Is.EqualTo(ages.Sum(a => (a - mean) * (a - mean)) / ages.Count).Within(1e-6), "variance with denominator n");

        var report = new StringBuilder();
        var frequent = new Dictionary<(string, string), double>();
        foreach (var node in content.Skip(1))
        {
            report.AppendLine(CultureInfo.InvariantCulture, $"{node.NodeUniqueName} {node.NodeCaption}: support {node.NodeSupport:0}, {node.NodeDescription}");
            foreach (var c in model.Characteristics(node.NodeUniqueName).Take(8))
            {
                report.AppendLine(CultureInfo.InvariantCulture, $"    {c.Attributes} = {c.Values}: {c.Frequency:0.000} ({c.Support:0})");
                frequent[(c.Attributes, c.Values)] = Math.Max(frequent.GetValueOrDefault((c.Attributes, c.Values)), c.Frequency);
            }
        }

        TestContext.Out.WriteLine(report.ToString());
        var d12 = model.Discrimination("001", "002");
        TestContext.Out.WriteLine("discrimination 001 vs 002: " + string.Join("; ", d12.Take(6).Select(d => $"{d.Attributes}={d.Values} {d.Score:0.0}")));

        // Loose checks against the published TM_Clustering result (cluster numbers differ; shapes should not).
        Assert.Multiple(() =>
        {
            Assert.That(frequent.GetValueOrDefault(("NumberCarsOwned", "2")), Is.GreaterThan(0.6), "a cluster dominated by 2 cars (published: 0.83)");
            Assert.That(frequent.GetValueOrDefault(("NumberCarsOwned", "0")), Is.GreaterThan(0.5), "a cluster dominated by no car (published: 0.58)");
            Assert.That(frequent.GetValueOrDefault(("Region", "North America")), Is.GreaterThan(0.95), "a North American cluster (published: about 1.0)");
            Assert.That(frequent.GetValueOrDefault(("NumberChildrenAtHome", "0")), Is.GreaterThan(0.95), "a cluster without children at home (published: about 1.0)");
            Assert.That(d12.Max(d => Math.Abs(d.Score)), Is.EqualTo(100).Within(1e-9));
        });
    }

    [Test]
    public void TmClustering_ClusterCountZero_ChoosesTheSameCount_WhateverClusterSeed()
    {
        var file = DataFile();
        if (file is null)
        {
            Assert.Ignore("../shared/data/adventureworks/vTargetMail.csv is not present beside the repository; the real-data test needs it");
        }

        var (definition, source, _, _) = TmClustering(file!, new ClusteringParameters { ClusterCount = 0 });
        var counts = new[] { 0, 1, 2, 3, 42 }
            .Select(seed => ClusteringModel.ChooseClusterCount(definition with { Parameters = definition.Parameters with { ClusterSeed = seed } }, source))
            .ToList();
        TestContext.Out.WriteLine($"TM_Clustering columns, CLUSTER_COUNT = 0: counts {string.Join(", ", counts)}");
        Assert.That(counts.Distinct(), Has.Exactly(1).Items, string.Join(", ", counts));
    }

    /// <summary>TM_Clustering's published columns over vTargetMail, as an engine definition and its cases.</summary>
    private static (MiningModelDefinition Definition, ICaseSource Source, string[] Header, List<string[]> Rows) TmClustering(string file, ClusteringParameters parameters)
    {
        var (header, rows) = ReadCsv(file);
        var columns = new List<MiningColumn>
        {
            new("CustomerKey", MiningDataType.Long, ContentType.Key, ColumnUsage.Key),
            new("Age", MiningDataType.Long, ContentType.Continuous),
            new("YearlyIncome", MiningDataType.Double, ContentType.Continuous),
            new("BikeBuyer", MiningDataType.Long, ContentType.Discrete, ColumnUsage.Predict),
        };
        columns.AddRange(Discrete.Select(d => new MiningColumn(d, MiningDataType.Text, ContentType.Discrete)));
        var typed = rows.Select(r => header.Select((h, i) => (object?)(r[i].Length == 0 ? null : h is "Age" or "YearlyIncome" or "CustomerKey"
            ? double.Parse(r[i], CultureInfo.InvariantCulture) : r[i])).ToArray()).ToList();
        return (new MiningModelDefinition("TM_Clustering", columns, parameters), CaseSource.From(header, typed), header, rows);
    }

    /// <summary>RFC 4180 reading, enough for the shared CSV files.</summary>
    internal static (string[] Header, List<string[]> Rows) ReadCsv(string path)
    {
        var rows = new List<string[]>();
        var field = new StringBuilder();
        var record = new List<string>();
        var quoted = false;
        var text = File.ReadAllText(path);
        for (var i = 0; i < text.Length; i++)
        {
            var ch = text[i];
            if (quoted)
            {
                if (ch == '"' && i + 1 < text.Length && text[i + 1] == '"') { field.Append('"'); i++; }
                else if (ch == '"') quoted = false;
                else field.Append(ch);
            }
            else if (ch == '"') quoted = true;
            else if (ch == ',') { record.Add(field.ToString()); field.Clear(); }
            else if (ch == '\n')
            {
                record.Add(field.ToString().TrimEnd('\r'));
                field.Clear();
                rows.Add(record.ToArray());
                record.Clear();
            }
            else field.Append(ch);
        }

        if (field.Length > 0 || record.Count > 0)
        {
            record.Add(field.ToString());
            rows.Add(record.ToArray());
        }

        return (rows[0], rows.Skip(1).ToList());
    }
}
