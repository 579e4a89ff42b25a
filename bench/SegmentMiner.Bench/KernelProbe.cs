using System.Diagnostics;
using SegmentMiner.Mining;

namespace SegmentMiner.Bench;

/// <summary>Times the E-step kernels of the engine separately (a development probe: `segminer-bench kernels`).</summary>
internal static class KernelProbe
{
    public static int Run(int n, int d, int k)
    {
        var rng = new Random(1);
        var columns = new[] { "Id" }.Concat(Enumerable.Range(0, d).Select(a => $"x{a}")).ToArray();
        var rows = Enumerable.Range(0, n).Select(i => new object?[] { (long)i }.Concat(Enumerable.Range(0, d).Select(_ => (object?)rng.NextDouble())).ToArray()).ToList();
        var definition = new MiningModelDefinition("probe",
            [new MiningColumn("Id", MiningDataType.Long, ContentType.Key, ColumnUsage.Key), .. columns.Skip(1).Select(c => new MiningColumn(c, MiningDataType.Double, ContentType.Continuous))],
            new ClusteringParameters { ClusterCount = k, Method = ClusteringMethod.NonScalableKMeans, ModellingCardinality = 1 });
        var set = StructureBuilder.Build(definition, rows, columns);
        var buffer = new CaseBuffer(n, set.Discrete.Length, set.Continuous.Length);
        foreach (var r in rows) buffer.Add(set, r, grow: false);
        var m = new Mixture(k, set);
        for (var c = 0; c < k; c++) { m.Weight[c] = 1.0 / k; for (var v = 0; v < set.Continuous.Length; v++) { m.Mean[(c * set.Continuous.Length) + v] = rng.NextDouble(); m.Var[(c * set.Continuous.Length) + v] = 1; m.PMissing[(c * set.Continuous.Length) + v] = 0.01; } }
        m.Prepare();
        var sink = 0.0;
        var w = Stopwatch.StartNew();
        foreach (var (hard, threads) in new[] { (true, 1), (false, 1), (true, 0), (false, 0) })
        {
            var times = new List<double>();
            for (var r = 0; r < 7; r++)
            {
                w.Restart();
                var st = Expectation.Run(m, buffer, hard, threads);
                times.Add(w.Elapsed.TotalMilliseconds);
                sink += st.Objective;
            }

            times.Sort();
            Console.WriteLine($"e-step {(hard ? "hard" : "soft")} {(threads == 1 ? "1 thread " : "all cores")} best {times[0],8:0.0} ms, median {times[3],8:0.0} ms of 7 {sink:E1}");
        }

        return 0;
    }
}
