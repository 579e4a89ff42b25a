using SegmentMiner.Mining;

namespace SegmentMiner.Mining.Tests;

[TestFixture]
public sealed class EngineTests
{
    private static int[] Labels(ClusteringModel model, ICaseSource source) =>
        model.PredictAll(source).Select(p => model.NodeOf(p.Cluster)).ToArray();

    [TestCase(ClusteringMethod.ScalableEm)]
    [TestCase(ClusteringMethod.NonScalableEm)]
    [TestCase(ClusteringMethod.ScalableKMeans)]
    [TestCase(ClusteringMethod.NonScalableKMeans)]
    public void Train_EveryMethod_RecoversPlantedGroups(ClusteringMethod method)
    {
        var (source, truth) = Planted.Make(groups: 4, n: 4000, seed: 11);
        var model = ClusteringModel.Train(Planted.Definition(new ClusteringParameters { ClusterCount = 4, Method = method, SampleSize = 1000 }), source);
        var ari = Planted.AdjustedRand(truth, Labels(model, source));
        TestContext.Out.WriteLine($"{method}: ARI {ari:0.000}, {model.ClusterCount} clusters, {model.Iterations} iterations");
        Assert.That(model.ClusterCount, Is.EqualTo(4));
        Assert.That(ari, Is.GreaterThanOrEqualTo(0.9));
    }

    [Test]
    public void Train_ClusterCountZero_FindsThePlantedCount_OnMostSeeds()
    {
        var found = new List<int>();
        for (var seed = 1; seed <= 5; seed++)
        {
            var (source, _) = Planted.Make(groups: 5, n: 3000, seed: seed);
            var model = ClusteringModel.Train(Planted.Definition(new ClusteringParameters { ClusterCount = 0, ClusterSeed = seed }), source);
            found.Add(model.ClusterCount);
        }

        TestContext.Out.WriteLine("counts found: " + string.Join(", ", found));
        Assert.That(found.Count(k => k == 5), Is.GreaterThanOrEqualTo(4));
    }

    [Test]
    public void Train_NonScalableEm_ObjectiveNeverDecreases()
    {
        var (source, _) = Planted.Make(groups: 4, n: 3000, seed: 3, missing: 0.1);
        var model = ClusteringModel.Train(Planted.Definition(new ClusteringParameters { ClusterCount = 6, Method = ClusteringMethod.NonScalableEm, StoppingTolerance = 0.01 }), source);
        var o = model.Objectives;
        Assert.That(o, Has.Count.GreaterThan(3));
        for (var i = 1; i < o.Count; i++)
        {
            Assert.That(o[i], Is.GreaterThanOrEqualTo(o[i - 1] - (1e-9 * Math.Abs(o[i - 1]))), $"iteration {i}");
        }
    }

    [Test]
    public void Train_SameSeed_SameContent_WithOneThreadOrAll()
    {
        var (source, _) = Planted.Make(groups: 3, n: 5000, seed: 5);
        string Content(int threads)
        {
            var m = ClusteringModel.Train(Planted.Definition(new ClusteringParameters { ClusterCount = 3, ClusterSeed = 9, Threads = threads, SampleSize = 2000 }), source);
            return string.Join("\n", m.Content().SelectMany(n => n.NodeDistribution.Select(d => $"{n.NodeUniqueName}|{n.NodeSupport:R}|{d.AttributeName}|{d.AttributeValue}|{d.Probability:R}|{d.Variance:R}")));
        }

        var one = Content(1);
        Assert.That(Content(0), Is.EqualTo(one));
        Assert.That(Content(1), Is.EqualTo(one));
    }

    [Test]
    public void Content_RootAndClusters_FollowTheDocumentedShape()
    {
        var (source, _) = Planted.Make(groups: 3, n: 2000, seed: 8);
        var model = ClusteringModel.Train(Planted.Definition(new ClusteringParameters { ClusterCount = 3 }), source);
        var content = model.Content();
        var root = content[0];
        Assert.Multiple(() =>
        {
            Assert.That(root.NodeUniqueName, Is.EqualTo("000"));
            Assert.That(root.NodeType, Is.EqualTo(1));
            Assert.That(root.NodeCaption, Is.EqualTo("Cluster Model"));
            Assert.That(root.NodeSupport, Is.EqualTo(2000));
            Assert.That(root.ChildrenCardinality, Is.EqualTo(3));
            Assert.That(root.MsolapNodeScore, Is.EqualTo(model.Bic));
            Assert.That(content.Skip(1).Select(n => n.NodeUniqueName), Is.EqualTo(new[] { "001", "002", "003" }));
            Assert.That(content.Skip(1).Select(n => n.NodeCaption), Is.EqualTo(new[] { "Cluster 1", "Cluster 2", "Cluster 3" }));
            Assert.That(content.Skip(1).All(n => n.NodeType == 5 && n.ParentUniqueName == "000"), Is.True);
            Assert.That(content.Skip(1).Select(n => n.NodeSupport), Is.Ordered.Descending, "clusters come ordered by support");
            Assert.That(content.Skip(1).Sum(n => n.NodeProbability), Is.EqualTo(1).Within(1e-9));
            foreach (var row in root.NodeDistribution)
            {
                Assert.That(row.Probability, Is.EqualTo(row.Support / 2000).Within(1e-12), $"root {row.AttributeName}={row.AttributeValue}: probability = support / cases");
            }

            var colorMissing = root.NodeDistribution.Single(r => r.AttributeName == "Color" && r.AttributeValue == "Missing");
            Assert.That(colorMissing.ValueType, Is.EqualTo(MiningValueType.Missing));
            Assert.That(root.NodeDistribution.Where(r => r.AttributeName == "Spend").Select(r => r.ValueType), Is.EqualTo(new[] { MiningValueType.Missing, MiningValueType.Continuous }));
            Assert.That(content[1].NodeDescription, Is.Not.Empty);
        });
    }

    [Test]
    public void Viewer_Identities_Hold()
    {
        var (source, _) = Planted.Make(groups: 3, n: 2000, seed: 4);
        var model = ClusteringModel.Train(Planted.Definition(new ClusteringParameters { ClusterCount = 3 }), source);
        var cluster = model.Content()[1];
        var characteristics = model.Characteristics("001", 0.0005);
        Assert.That(characteristics.Select(c => c.Frequency), Is.Ordered.Descending);
        foreach (var c in characteristics.Where(c => c.Attributes is "Color" or "Size" or "Channel"))
        {
            var d = cluster.NodeDistribution.Single(r => r.AttributeName == c.Attributes && r.AttributeValue == c.Values);
            Assert.That(c.Frequency, Is.EqualTo(d.Probability).Within(1e-12), "characteristic frequency = the cluster's distribution");
            Assert.That(c.Support, Is.EqualTo(d.Support).Within(1e-9));
        }

        foreach (var (a, b) in new[] { ("001", "002"), ("002", (string?)null) })
        {
            var discrimination = model.Discrimination(a, b);
            Assert.That(discrimination.Max(d => Math.Abs(d.Score)), Is.EqualTo(100).Within(1e-9));
            Assert.That(discrimination.Any(d => d.Score > 0) && discrimination.Any(d => d.Score < 0), Is.True);
        }

        var flipped = model.Discrimination("002", "001").ToDictionary(d => (d.Attributes, d.Values), d => d.Score);
        foreach (var d in model.Discrimination("001", "002"))
        {
            Assert.That(flipped[(d.Attributes, d.Values)], Is.EqualTo(-d.Score).Within(1e-9), "swapping the clusters flips the sign");
        }

        foreach (var p in model.PredictAll(source).Take(200))
        {
            Assert.That(p.Distance, Is.EqualTo(1 - p.Probability).Within(1e-15));
            Assert.That(p.Histogram.Sum(h => h.Probability), Is.EqualTo(1).Within(1e-9));
            Assert.That(p.Histogram.Select(h => h.Probability), Is.Ordered.Descending);
            Assert.That(p.DistanceOf("Cluster 2"), Is.EqualTo(1 - p.ProbabilityOf("Cluster 2")).Within(1e-15));
            Assert.That(p.CaseLikelihood, Is.InRange(0.0, 1.0));
        }

        var profiles = model.Profiles();
        Assert.That(profiles.Where(r => r.NodeUniqueName == "000" && r.Attributes == "Color").Sum(r => r.Probability), Is.EqualTo(1).Within(1e-9));
    }

    [Test]
    public void KMeans_Prediction_IsHard()
    {
        var (source, _) = Planted.Make(groups: 3, n: 1500, seed: 4);
        var model = ClusteringModel.Train(Planted.Definition(new ClusteringParameters { ClusterCount = 3, Method = ClusteringMethod.NonScalableKMeans }), source);
        var p = model.PredictAll(source).First();
        Assert.That(p.Probability, Is.EqualTo(1));
        Assert.That(p.Distance, Is.Zero);
        Assert.That(p.Histogram, Has.Count.EqualTo(1));
    }

    [Test]
    public void ModelFile_SaveAndLoad_PredictsIdentically()
    {
        var (source, _) = Planted.Make(groups: 3, n: 2000, seed: 2);
        var model = ClusteringModel.Train(Planted.Definition(new ClusteringParameters { ClusterCount = 3 }), source);
        using var stream = new MemoryStream();
        ModelFile.Save(model, stream);
        stream.Position = 0;
        var loaded = ModelFile.Load(stream);
        Assert.That(loaded.PredictAll(source).ToList(), Is.EqualTo(model.PredictAll(source).ToList()).Using<ClusterPrediction>((x, y) =>
            x.Cluster == y.Cluster && x.Probability.Equals(y.Probability) && x.CaseLikelihood.Equals(y.CaseLikelihood) && x.Histogram.SequenceEqual(y.Histogram)));
        string Describe(ClusteringModel m) => string.Join("\n", m.Content().Select(n => $"{n.NodeUniqueName}|{n.NodeSupport:R}|{n.NodeDescription}|" +
            string.Join(";", n.NodeDistribution.Select(d => $"{d.AttributeValue}:{d.Probability:R}:{d.Variance:R}"))));
        Assert.That(Describe(loaded), Is.EqualTo(Describe(model)));
    }

    [TestCase("CLUSTER_COUNT", "-1", "CLUSTER_COUNT: -1 is out of range 0 to 1000")]
    [TestCase("CLUSTERING_METHOD", "5", "CLUSTERING_METHOD: 5 is out of range 1 to 4")]
    [TestCase("SAMPLE_SIZE", "50", "SAMPLE_SIZE: 50 is out of range")]
    [TestCase("MODELLING_CARDINALITY", "0", "MODELLING_CARDINALITY: 0 is out of range 1 to 50")]
    [TestCase("STOPPING_TOLERANCE", "0", "STOPPING_TOLERANCE: 0 must be more than 0")]
    [TestCase("MAXIMUM_STATES", "1", "MAXIMUM_STATES: 1 is out of range")]
    [TestCase("NOT_A_PARAMETER", "1", "NOT_A_PARAMETER: not a Microsoft_Clustering parameter")]
    public void Parameters_OutOfRange_NameTheParameterAndRange(string name, string value, string message)
    {
        var ex = Assert.Throws<MiningException>(() => ClusteringParameters.FromPairs([new(name, value)]));
        Assert.That(ex!.Message, Does.Contain(message));
    }

    [Test]
    public void Parameters_Defaults_AreTheDocumentedOnes() =>
        Assert.That(new ClusteringParameters().ToString(), Is.EqualTo(
            "CLUSTER_COUNT=10,CLUSTER_SEED=0,CLUSTERING_METHOD=1,MAXIMUM_INPUT_ATTRIBUTES=255,MAXIMUM_STATES=100,MINIMUM_SUPPORT=1,MODELLING_CARDINALITY=10,SAMPLE_SIZE=50000,STOPPING_TOLERANCE=10"));

    [Test]
    public void MaximumStates_FoldsRareStatesIntoMissing()
    {
        var (source, _) = Planted.Make(groups: 2, n: 500, seed: 1, missing: 0);
        var model = ClusteringModel.Train(Planted.Definition(new ClusteringParameters { ClusterCount = 2, MaximumStates = 2 }), source);
        var color = model.Attributes.Attributes.Single(a => a.Name == "Color");
        Assert.That(color.States, Has.Length.EqualTo(3), "Missing and the two most popular states");
        var root = model.Content()[0].NodeDistribution.Where(r => r.AttributeName == "Color").ToList();
        Assert.That(root.Sum(r => r.Support), Is.EqualTo(500));
        Assert.That(root[0].Support, Is.GreaterThan(0), "the other states count as Missing");
    }

    [Test]
    public void NotNullColumn_WithANull_FailsAndNamesTheColumn()
    {
        var (source, _) = Planted.Make(groups: 2, n: 300, seed: 1, missing: 0.1);
        var d = Planted.Definition(new ClusteringParameters { ClusterCount = 2 });
        d = d with { Columns = d.Columns.Select(c => c.Name == "Size" ? c with { NotNull = true } : c).ToList() };
        var ex = Assert.Throws<MiningException>(() => ClusteringModel.Train(d, source));
        Assert.That(ex!.Message, Does.Contain("'Size' is NOT NULL"));
    }

    [Test]
    public void Discretized_EqualAreas_PutsSimilarCountsInEachBucket()
    {
        var (source, _) = Planted.Make(groups: 2, n: 1000, seed: 1, missing: 0);
        var d = Planted.Definition(new ClusteringParameters { ClusterCount = 2 });
        d = d with { Columns = d.Columns.Select(c => c.Name == "Spend" ? c with { Content = ContentType.Discretized, Discretization = DiscretizationMethod.EqualAreas, BucketCount = 4 } : c).ToList() };
        var model = ClusteringModel.Train(d, source);
        var rows = model.Content()[0].NodeDistribution.Where(r => r.AttributeName == "Spend" && r.ValueType == MiningValueType.Discretized).ToList();
        Assert.That(rows, Has.Count.EqualTo(4));
        Assert.That(rows.All(r => r.Support is >= 240 and <= 260), Is.True, string.Join(", ", rows.Select(r => $"{r.AttributeValue}: {r.Support}")));
        Assert.That(rows[0].AttributeValue, Does.StartWith("< "));
    }
}

[TestFixture]
public sealed class NestedTableTests
{
    [Test]
    public void NestedItems_BecomeExistenceAttributes_AndShapeTheClusters()
    {
        var rng = new Random(3);
        string[] products = ["Core", "Analytics", "Automation", "Integrations", "Support", "Training", "Mobile", "Api"];
        var rows = new List<object?[]>();
        var truth = new List<int>();
        for (var i = 0; i < 3000; i++)
        {
            var g = i % 3;
            var owned = products.Where((p, j) => rng.NextDouble() < (j / 3 == g || (g == 2 && j >= 6) ? 0.85 : 0.05)).Select(p => (object?)p).ToList();
            rows.Add([i, rng.NextDouble() < 0.5 ? "x" : "y", owned]);
            truth.Add(g);
        }

        var source = CaseSource.From(["Id", "Noise", "Products"], rows);
        var definition = new MiningModelDefinition("nested",
        [
            new MiningColumn("Id", MiningDataType.Long, ContentType.Key, ColumnUsage.Key),
            new MiningColumn("Noise", MiningDataType.Text, ContentType.Discrete),
            new MiningColumn("Products", MiningDataType.Text, ContentType.Table),
        ], new ClusteringParameters { ClusterCount = 3 });

        var model = ClusteringModel.Train(definition, source);

        var root = model.Content()[0].NodeDistribution;
        var core = root.Where(r => r.AttributeName == "Products(Core)").ToList();
        Assert.That(core.Select(r => r.AttributeValue), Is.EqualTo(new[] { "Missing", "Existing" }));
        Assert.That(core[1].ValueType, Is.EqualTo(MiningValueType.Existing));
        Assert.That(core[1].Support, Is.EqualTo(rows.Count(r => ((List<object?>)r[2]!).Contains("Core"))), "root counts of a nested item are exact");
        Assert.That(model.Attributes.Attributes.Count(a => a.NestedKey is not null), Is.EqualTo(products.Length));
        var labels = model.PredictAll(source).Select(p => model.NodeOf(p.Cluster)).ToArray();
        Assert.That(Planted.AdjustedRand(truth, labels), Is.GreaterThanOrEqualTo(0.9));

        using var stream = new MemoryStream();
        ModelFile.Save(model, stream);
        stream.Position = 0;
        Assert.That(ModelFile.Load(stream).PredictAll(source).Select(p => p.Cluster), Is.EqualTo(model.PredictAll(source).Select(p => p.Cluster)));
    }
}

[TestFixture]
public sealed class DataReaderSourceTests
{
    [Test]
    public void DataReaderSource_TrainsLikeTheSameRowsInMemory()
    {
        var (source, _) = Planted.Make(groups: 3, n: 1000, seed: 6);
        var rows = source.Read().ToList();
        System.Data.IDataReader Open()
        {
            var table = new System.Data.DataTable();
            foreach (var c in Planted.Columns)
            {
                table.Columns.Add(c, typeof(object));
            }

            foreach (var r in rows)
            {
                table.Rows.Add(r.Select(v => v ?? DBNull.Value).ToArray());
            }

            return table.CreateDataReader();
        }

        var definition = Planted.Definition(new ClusteringParameters { ClusterCount = 3 });
        var fromReader = ClusteringModel.Train(definition, new DataReaderCaseSource(Planted.Columns, Open));
        var inMemory = ClusteringModel.Train(definition, source);
        Assert.That(fromReader.PredictAll(source).Select(p => p.Probability), Is.EqualTo(inMemory.PredictAll(source).Select(p => p.Probability)));
    }
}

[TestFixture]
public sealed class KMeansBoundsTests
{
    [Test]
    public void NumericKMeans_WithBounds_ReachesTheFixedPointOfPlainAssignment_AndIsThreadIndependent()
    {
        var rng = new Random(12);
        var columns = new[] { "Id", "a", "b", "c", "d", "e" };
        var rows = Enumerable.Range(0, 6000).Select(i =>
        {
            var g = i % 4;
            return new object?[] { i }.Concat(Enumerable.Range(0, 5).Select(d => (object?)((g * (d % 2 == 0 ? 1.5 : -1.0)) + (rng.NextDouble() * 3)))).ToArray();
        }).ToList();
        var source = CaseSource.From(columns, rows);
        MiningModelDefinition Definition(int threads) => new("numeric",
            [new MiningColumn("Id", MiningDataType.Long, ContentType.Key, ColumnUsage.Key), .. columns.Skip(1).Select(c => new MiningColumn(c, MiningDataType.Double, ContentType.Continuous))],
            new ClusteringParameters { ClusterCount = 4, Method = ClusteringMethod.NonScalableKMeans, StoppingTolerance = 0.5, Threads = threads });

        var model = ClusteringModel.Train(Definition(0), source);

        // At convergence each centroid is the mean of the cases nearest to it (plain, unbounded assignment).
        var predicted = model.PredictAll(source).Select(p => model.NodeOf(p.Cluster)).ToArray();
        var content = model.Content();
        for (var node = 0; node < model.ClusterCount; node++)
        {
            var members = rows.Where((r, i) => predicted[i] == node).ToList();
            Assert.That(content[node + 1].NodeSupport, Is.EqualTo(members.Count), $"cluster {node + 1} support");
            var meanA = members.Average(r => (double)r[1]!);
            var centroidA = double.Parse(content[node + 1].NodeDistribution.Single(d => d.AttributeName == "a" && d.ValueType == MiningValueType.Continuous).AttributeValue, System.Globalization.CultureInfo.InvariantCulture);
            Assert.That(centroidA, Is.EqualTo(meanA).Within(1e-9 * Math.Max(1, Math.Abs(meanA))));
        }

        var single = ClusteringModel.Train(Definition(1), source);
        Assert.That(single.Content().Select(n => n.NodeSupport), Is.EqualTo(content.Select(n => n.NodeSupport)));
    }
}
