using SegmentMiner.Mining;

namespace SegmentMiner.Mining.Tests;

/// <summary>Synthetic cases with planted groups: discrete and continuous attributes, some values missing.</summary>
internal static class Planted
{
    public static readonly string[] Columns = ["Id", "Color", "Size", "Channel", "Spend", "Visits", "Tenure"];

    public static (CaseSource Source, int[] Truth) Make(int groups, int n, int seed, double missing = 0.05)
    {
        var rng = new Random(seed);
        string[][] states = [["red", "green", "blue", "black", "white"], ["S", "M", "L", "XL"], ["web", "store", "phone", "partner"]];
        var rows = new List<object?[]>();
        var truth = new int[n];
        for (var i = 0; i < n; i++)
        {
            var g = i % groups;
            truth[i] = g;
            var row = new object?[Columns.Length];
            row[0] = i + 1;
            for (var a = 0; a < 3; a++)
            {
                var s = states[a];
                var dominant = (g + a) % s.Length;
                row[1 + a] = rng.NextDouble() < 0.75 ? s[dominant] : s[rng.Next(s.Length)];
            }

            row[4] = 100.0 + (g * 60.0) + (Normal(rng) * 15.0);
            row[5] = (long)Math.Round(Math.Max(0, 5 + (((g * 7) % 20) * 1.5) + (Normal(rng) * 2)));
            row[6] = 12.0 * ((g % 3) + 1) + (Normal(rng) * 3.0);
            for (var c = 1; c < row.Length; c++)
            {
                if (rng.NextDouble() < missing) row[c] = null;
            }

            rows.Add(row);
        }

        return (CaseSource.From(Columns, rows), truth);
    }

    public static MiningModelDefinition Definition(ClusteringParameters parameters) => new("planted",
    [
        new MiningColumn("Id", MiningDataType.Long, ContentType.Key, ColumnUsage.Key),
        new MiningColumn("Color", MiningDataType.Text, ContentType.Discrete),
        new MiningColumn("Size", MiningDataType.Text, ContentType.Discrete),
        new MiningColumn("Channel", MiningDataType.Text, ContentType.Discrete),
        new MiningColumn("Spend", MiningDataType.Double, ContentType.Continuous),
        new MiningColumn("Visits", MiningDataType.Long, ContentType.Continuous),
        new MiningColumn("Tenure", MiningDataType.Double, ContentType.Continuous),
    ], parameters);

    private static double Normal(Random rng) => Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());

    /// <summary>Adjusted Rand index of two labelings.</summary>
    public static double AdjustedRand(IReadOnlyList<int> a, IReadOnlyList<int> b)
    {
        var table = new Dictionary<(int, int), long>();
        var rowSums = new Dictionary<int, long>();
        var colSums = new Dictionary<int, long>();
        for (var i = 0; i < a.Count; i++)
        {
            table[(a[i], b[i])] = table.GetValueOrDefault((a[i], b[i])) + 1;
            rowSums[a[i]] = rowSums.GetValueOrDefault(a[i]) + 1;
            colSums[b[i]] = colSums.GetValueOrDefault(b[i]) + 1;
        }

        static double C2(long x) => x * (x - 1) / 2.0;
        var index = table.Values.Sum(C2);
        var rows = rowSums.Values.Sum(C2);
        var cols = colSums.Values.Sum(C2);
        var expected = rows * cols / C2(a.Count);
        var max = (rows + cols) / 2;
        return (index - expected) / (max - expected);
    }
}
