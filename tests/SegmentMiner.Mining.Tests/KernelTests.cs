using System.Runtime.Intrinsics;

namespace SegmentMiner.Mining.Tests;

/// <summary>The vector exp is accurate (tier-independence is checked end to end: the Xmla tests train the same model twice).</summary>
[TestFixture]
public sealed class KernelTests
{
    [TestCase(0.0, 1.0)]
    [TestCase(0.5, 0.4795001221869535)]
    [TestCase(1.0, 0.15729920705028513)]
    [TestCase(2.0, 0.004677734981047266)]
    [TestCase(4.0, 1.541725790028002e-08)]
    [TestCase(-1.0, 1.8427007929497148)]
    public void Erfc_HasASmallRelativeError_IntoTheTails(double x, double expected)
    {
        Assert.That(Kernels.Erfc(x), Is.EqualTo(expected).Within(2e-7).Percent.Or.EqualTo(expected).Within(2e-7 * expected));
    }

    [TestCase(0.3, 0.0, 1.0, 0.1)]
    [TestCase(3.0, 0.0, 1.0, 0.1)]
    [TestCase(0.3, 0.0, 1.0, 2.0)]
    [TestCase(2.5, 0.0, 0.5, 1.0)]
    [TestCase(-4.0, 1.0, 0.7, 1.5)]
    public void LogIntervalProbability_IsTheNormalsMassOnTheInterval(double x, double mean, double sd, double width)
    {
        // The mass by Simpson's rule on the density, 2,000 panels.
        const int n = 2000;
        var (a, b) = (x - (width / 2), x + (width / 2));
        double Density(double v) => Math.Exp(-0.5 * Math.Pow((v - mean) / sd, 2)) / (sd * Math.Sqrt(2 * Math.PI));
        var h = (b - a) / n;
        var sum = Density(a) + Density(b);
        for (var i = 1; i < n; i++)
        {
            sum += (i % 2 == 1 ? 4 : 2) * Density(a + (i * h));
        }

        var mass = sum * h / 3;
        Assert.That(Math.Exp(Kernels.LogIntervalProbability(x, mean, sd, width)), Is.EqualTo(mass).Within(0.5).Percent);
        Assert.That(Kernels.LogIntervalProbability(x, mean, sd, width), Is.LessThanOrEqualTo(0), "a probability");
    }

    [Test]
    public void Exp_MatchesMathExp_WithinTwoUlp_AndUnderflowsToZero()
    {
        var random = new Random(3);
        var worst = 0.0;
        for (var i = 0; i < 20_000; i++)
        {
            var x = -random.NextDouble() * (i % 2 == 0 ? 40 : 708);
            var v = Kernels.Exp(Vector256.Create(x, x / 2, x / 3, 0)).ToScalar();
            var expected = Math.Exp(x);
            worst = Math.Max(worst, Math.Abs(v - expected) / expected);
        }

        Assert.That(worst, Is.LessThan(4.5e-16), "relative error (2 ulp is 4.4e-16)");
        Assert.That(Kernels.Exp(Vector256.Create(0.0)).ToScalar(), Is.EqualTo(1.0));
        Assert.That(Kernels.Exp(Vector256.Create(-709.5)).ToScalar(), Is.Zero);
        Assert.That(Kernels.Exp(Vector256.Create(double.NegativeInfinity)).ToScalar(), Is.Zero);
    }
}

/// <summary>The bounded K-means step against the plain one, iteration by iteration.</summary>
[TestFixture]
public sealed class BoundedAssignmentTests
{
    [TestCase(true)]
    [TestCase(false)]
    public void EveryStep_AssignsAsThePlainStep_OnOverlappingGroups(bool inputsFirst)
    {
        // Heavily overlapping groups (most cases lie near a boundary, the bounds' hardest case), a predict-only
        // continuous column with missing values and a predict-only discrete one; with inputsFirst false the
        // predict-only column comes first, so the inputs are copied rather than read in place.
        var rng = new Random(5);
        var inputs = Enumerable.Range(0, 7).Select(d => $"x{d}").ToArray();
        var columns = inputsFirst ? ["Id", .. inputs, "target", "label"] : new[] { "Id", "target", "label" }.Concat(inputs).ToArray();
        var rows = Enumerable.Range(0, 9000).Select(i =>
        {
            var g = i % 5;
            var row = new object?[columns.Length];
            row[0] = (long)i;
            for (var c = 1; c < columns.Length; c++)
            {
                row[c] = columns[c] switch
                {
                    "target" => i % 7 == 0 ? null : g + rng.NextDouble(),
                    "label" => g % 2 == 0 ? "even" : "odd",
                    _ => (g * 0.4) + (rng.NextDouble() * 3),
                };
            }

            return row;
        }).ToList();
        var definition = new MiningModelDefinition("bounds",
            [new MiningColumn("Id", MiningDataType.Long, ContentType.Key, ColumnUsage.Key),
             .. columns.Skip(1).Select(c => c switch
             {
                 "target" => new MiningColumn(c, MiningDataType.Double, ContentType.Continuous, ColumnUsage.PredictOnly),
                 "label" => new MiningColumn(c, MiningDataType.Text, ContentType.Discrete, ColumnUsage.PredictOnly),
                 _ => new MiningColumn(c, MiningDataType.Double, ContentType.Continuous),
             })],
            new ClusteringParameters { ClusterCount = 6, Method = ClusteringMethod.NonScalableKMeans });
        var set = StructureBuilder.Build(definition, rows, columns);
        var buffer = new CaseBuffer(rows.Count, set.Discrete.Length, set.Continuous.Length);
        foreach (var r in rows)
        {
            buffer.Add(set, r, grow: false);
        }

        var m = new Mixture(6, set);
        for (var k = 0; k < 6; k++)
        {
            m.Weight[k] = 1.0 / 6;
            var values = new double[set.Continuous.Length];
            buffer.ValuesInto(k * 11, values);
            for (var c = 0; c < set.Continuous.Length; c++)
            {
                m.Mean[(k * set.Continuous.Length) + c] = double.IsNaN(values[c]) ? 0 : values[c];
                m.Var[(k * set.Continuous.Length) + c] = 1;
                m.PMissing[(k * set.Continuous.Length) + c] = 0.1;
            }
        }

        m.Prepare();
        Assert.That(m.InputContinuous, Has.Length.EqualTo(7));
        Assert.That(m.InputContinuous[0], inputsFirst ? Is.EqualTo(0) : Is.Not.EqualTo(0));
        var bounded = BoundedAssignment.TryCreate(m, buffer)!;
        Assert.That(bounded, Is.Not.Null);
        var moved = 0L;
        for (var it = 0; it < 40; it++)
        {
            var plain = Expectation.Run(m, buffer, hard: true, threads: 1);
            var fast = bounded.Step(m, threads: 0);
            Assert.That(fast.N, Is.EqualTo(plain.N), $"cluster sizes, iteration {it + 1}");
            Assert.That(fast.StateWeight, Is.EqualTo(plain.StateWeight), $"discrete counts, iteration {it + 1}");
            Assert.That(fast.Existing, Is.EqualTo(plain.Existing), $"existing counts, iteration {it + 1}");
            Assert.That(fast.Sum, Is.EqualTo(plain.Sum).Within(1e-6), $"sums, iteration {it + 1}");
            Assert.That(fast.Objective, Is.EqualTo(plain.Objective).Within(1e-9 * plain.Objective), $"objective, iteration {it + 1}");
            if (it > 0)
            {
                moved += bounded.Changed;
            }

            m.Maximize(fast);
        }

        Assert.That(moved, Is.GreaterThan(100), "the centroids kept moving cases between clusters (the bounds were exercised)");
    }
}

/// <summary>The vector log-joint (clusters side by side) against the one-cluster-at-a-time loop.</summary>
[TestFixture]
public sealed class LogJointTests
{
    [TestCase(3)]
    [TestCase(13)]
    public void VectorPath_EqualsTheScalarLoop(int clusters)
    {
        var rng = new Random(clusters);
        var columns = new[] { "Id", "c0", "s0", "c1", "c2", "s1", "c3", "c4", "c5", "c6", "s2" };
        var rows = Enumerable.Range(0, 400).Select(i => new object?[] { (long)i }
            .Concat(columns.Skip(1).Select(c => c[0] == 'c' ? (object?)(rng.NextDouble() * 5) : $"v{rng.Next(4)}")).ToArray()).ToList();
        var definition = new MiningModelDefinition("joint",
            [new MiningColumn("Id", MiningDataType.Long, ContentType.Key, ColumnUsage.Key),
             .. columns.Skip(1).Select(c => c[0] == 'c' ? new MiningColumn(c, MiningDataType.Double, ContentType.Continuous) : new MiningColumn(c, MiningDataType.Text, ContentType.Discrete))],
            new ClusteringParameters { ClusterCount = clusters });
        var set = StructureBuilder.Build(definition, rows, columns);
        var buffer = new CaseBuffer(rows.Count, set.Discrete.Length, set.Continuous.Length);
        rows.ForEach(r => buffer.Add(set, r, grow: false));
        var m = new Mixture(clusters, set);
        for (var k = 0; k < clusters; k++)
        {
            m.Weight[k] = rng.NextDouble() + 0.1;
            for (var s = 0; s < set.TotalStates; s++) m.StateProb[(k * set.TotalStates) + s] = rng.NextDouble() + 0.01;
            for (var c = 0; c < set.Continuous.Length; c++)
            {
                m.Mean[(k * set.Continuous.Length) + c] = rng.NextDouble() * 2;
                m.Var[(k * set.Continuous.Length) + c] = rng.NextDouble() + 0.2;
                m.PMissing[(k * set.Continuous.Length) + c] = 0.05;
            }
        }

        m.Prepare();
        var nIn = m.InputContinuous.Length;
        Assert.That(m.PaddedInputs, Is.Not.EqualTo(nIn), "an unpadded span takes the scalar loop");
        var values = new double[set.Continuous.Length];
        var padded = new double[m.PaddedInputs];
        var fast = new double[clusters];
        var slow = new double[clusters];
        for (var i = 0; i < buffer.Count; i++)
        {
            buffer.ValuesInto(i, values);
            m.GatherInputs(values, padded);
            m.LogJoint(buffer.States(i), padded, false, fast);
            m.LogJoint(buffer.States(i), padded.AsSpan(0, nIn), false, slow);
            for (var k = 0; k < clusters; k++)
            {
                Assert.That(fast[k], Is.EqualTo(slow[k]).Within(1e-11 * Math.Max(1, Math.Abs(slow[k]))), $"case {i}, cluster {k}");
            }
        }
    }
}

/// <summary>The E-step's soft statistics (added across clusters by attribute) against one cluster at a time.</summary>
[TestFixture]
public sealed class SoftStatisticsTests
{
    [Test]
    public void SoftStep_AddsTheSameStatistics_AsOneClusterAtATime()
    {
        var rng = new Random(8);
        var columns = new[] { "Id", "c0", "s0", "c1", "s1", "c2" };
        var rows = Enumerable.Range(0, 5000).Select(i => new object?[]
        {
            (long)i, rng.NextDouble() * 4, $"v{rng.Next(3)}", i % 9 == 0 ? null : rng.NextDouble(), i % 13 == 0 ? null : $"w{rng.Next(5)}", rng.NextDouble() * 2,
        }).ToList();
        var definition = new MiningModelDefinition("soft",
            [new MiningColumn("Id", MiningDataType.Long, ContentType.Key, ColumnUsage.Key),
             .. columns.Skip(1).Select(c => c[0] == 'c' ? new MiningColumn(c, MiningDataType.Double, ContentType.Continuous) : new MiningColumn(c, MiningDataType.Text, ContentType.Discrete))],
            new ClusteringParameters { ClusterCount = 5 });
        var set = StructureBuilder.Build(definition, rows, columns);
        var buffer = new CaseBuffer(rows.Count, set.Discrete.Length, set.Continuous.Length);
        rows.ForEach(r => buffer.Add(set, r, grow: false));
        var m = new Mixture(5, set);
        for (var k = 0; k < 5; k++)
        {
            m.Weight[k] = 0.2;
            for (var s = 0; s < set.TotalStates; s++) m.StateProb[(k * set.TotalStates) + s] = rng.NextDouble() + 0.05;
            for (var c = 0; c < set.Continuous.Length; c++)
            {
                m.Mean[(k * set.Continuous.Length) + c] = rng.NextDouble() - 0.5;
                m.Var[(k * set.Continuous.Length) + c] = 0.5 + rng.NextDouble();
                m.PMissing[(k * set.Continuous.Length) + c] = 0.1;
            }
        }

        m.Prepare();
        var fast = Expectation.Run(m, buffer, hard: false, threads: 0);

        var expected = new Statistics(5, set.TotalStates, set.Continuous.Length);
        var values = new double[set.Continuous.Length];
        var scores = new double[5];
        for (var i = 0; i < buffer.Count; i++)
        {
            buffer.ValuesInto(i, values);
            m.LogJoint(buffer.States(i), values, scores);
            var max = scores.Max();
            var total = scores.Sum(x => Math.Exp(x - max));
            for (var k = 0; k < 5; k++)
            {
                Expectation.Accumulate(m, expected, k, Math.Exp(scores[k] - max) / total, buffer.States(i), values, values.Any(double.IsNaN));
            }
        }

        Assert.That(fast.N, Is.EqualTo(expected.N).Within(1e-9));
        Assert.That(fast.StateWeight, Is.EqualTo(expected.StateWeight).Within(1e-9));
        Assert.That(fast.Existing, Is.EqualTo(expected.Existing).Within(1e-9));
        Assert.That(fast.Sum, Is.EqualTo(expected.Sum).Within(1e-9));
        Assert.That(fast.SumSquares, Is.EqualTo(expected.SumSquares).Within(1e-9));
        Assert.That(fast.N.Sum(), Is.EqualTo(buffer.Count).Within(1e-6));
    }
}
