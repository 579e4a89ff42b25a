using SegmentMiner.Core.Mining;

namespace SegmentMiner.Pipeline.Publishing;

/// <summary>A cluster's profile: per attribute, its state probabilities, or for a continuous one its presence, mean and spread.</summary>
public sealed class ClusterProfile
{
    public Dictionary<string, Dictionary<string, double>> Discrete { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, (double Existing, double Mean, double StdDev)> Continuous { get; } = new(StringComparer.Ordinal);

    /// <summary>Profiles by node (or segment key) from profile rows.</summary>
    public static Dictionary<string, ClusterProfile> From(IEnumerable<ProfileRow> rows, Func<ProfileRow, string> key)
    {
        var result = new Dictionary<string, ClusterProfile>(StringComparer.Ordinal);
        var list = rows.ToList();
        var continuous = list.Where(r => r.Mean is not null).Select(r => (key(r), r.Attributes)).ToHashSet();
        foreach (var r in list)
        {
            if (!result.TryGetValue(key(r), out var p))
            {
                result[key(r)] = p = new ClusterProfile();
            }

            if (r.Mean is { } mean)
            {
                p.Continuous[r.Attributes] = (r.Probability, mean, r.StdDev ?? 0);
            }
            else if (!continuous.Contains((key(r), r.Attributes)))
            {
                if (!p.Discrete.TryGetValue(r.Attributes, out var states))
                {
                    p.Discrete[r.Attributes] = states = new Dictionary<string, double>(StringComparer.Ordinal);
                }

                states[r.Values] = r.Probability;
            }
        }

        return result;
    }

    /// <summary>
    /// How different two clusters are, 0 (the same) to 1: the mean over shared attributes of the total variation
    /// distance of discrete distributions, and for continuous ones the larger of the presence difference and the
    /// Hellinger distance of the two Gaussians.
    /// </summary>
    public double DistanceTo(ClusterProfile other)
    {
        var sum = 0.0;
        var count = 0;
        foreach (var (attribute, states) in Discrete)
        {
            if (other.Discrete.TryGetValue(attribute, out var theirs))
            {
                sum += 0.5 * states.Keys.Union(theirs.Keys).Sum(s => Math.Abs(states.GetValueOrDefault(s) - theirs.GetValueOrDefault(s)));
                count++;
            }
        }

        foreach (var (attribute, (existing, mean, sd)) in Continuous)
        {
            if (other.Continuous.TryGetValue(attribute, out var theirs))
            {
                var v1 = Math.Max(sd * sd, 1e-12);
                var v2 = Math.Max(theirs.StdDev * theirs.StdDev, 1e-12);
                var bc = Math.Sqrt(2 * Math.Sqrt(v1 * v2) / (v1 + v2)) * Math.Exp(-(mean - theirs.Mean) * (mean - theirs.Mean) / (4 * (v1 + v2)));
                sum += Math.Max(Math.Abs(existing - theirs.Existing), Math.Sqrt(Math.Max(0, 1 - bc)));
                count++;
            }
        }

        return count == 0 ? 1 : Math.Clamp(sum / count, 0, 1);
    }
}

/// <summary>
/// Matches this run's clusters to the previous run's segments: the one-to-one assignment with the least total
/// distance (Hungarian method), keeping only pairs at least <see cref="MinimumSimilarity"/> alike.
/// </summary>
public static class SegmentMatcher
{
    /// <summary>Below this similarity (1 - distance) a cluster is a new segment, not an old one moved.</summary>
    public const double MinimumSimilarity = 0.6;

    /// <returns>For each new cluster index, the matched previous index and similarity, or null.</returns>
    public static (int Previous, double Similarity)?[] Match(IReadOnlyList<ClusterProfile> current, IReadOnlyList<ClusterProfile> previous)
    {
        var result = new (int, double)?[current.Count];
        if (current.Count == 0 || previous.Count == 0)
        {
            return result;
        }

        var n = Math.Max(current.Count, previous.Count);
        var cost = new double[n, n];
        for (var i = 0; i < n; i++)
        {
            for (var j = 0; j < n; j++)
            {
                cost[i, j] = i < current.Count && j < previous.Count ? current[i].DistanceTo(previous[j]) : 1.0;
            }
        }

        var assignment = Hungarian(cost);
        for (var i = 0; i < current.Count; i++)
        {
            var j = assignment[i];
            if (j < previous.Count && 1 - cost[i, j] >= MinimumSimilarity)
            {
                result[i] = (j, 1 - cost[i, j]);
            }
        }

        return result;
    }

    /// <summary>The minimum-cost perfect assignment of a square matrix (rows to columns), O(n^3).</summary>
    public static int[] Hungarian(double[,] a)
    {
        var n = a.GetLength(0);
        var u = new double[n + 1];
        var v = new double[n + 1];
        var p = new int[n + 1];
        var way = new int[n + 1];
        for (var i = 1; i <= n; i++)
        {
            p[0] = i;
            var j0 = 0;
            var minv = Enumerable.Repeat(double.PositiveInfinity, n + 1).ToArray();
            var used = new bool[n + 1];
            do
            {
                used[j0] = true;
                var i0 = p[j0];
                var delta = double.PositiveInfinity;
                var j1 = 0;
                for (var j = 1; j <= n; j++)
                {
                    if (!used[j])
                    {
                        var cur = a[i0 - 1, j - 1] - u[i0] - v[j];
                        if (cur < minv[j])
                        {
                            minv[j] = cur;
                            way[j] = j0;
                        }

                        if (minv[j] < delta)
                        {
                            delta = minv[j];
                            j1 = j;
                        }
                    }
                }

                for (var j = 0; j <= n; j++)
                {
                    if (used[j])
                    {
                        u[p[j]] += delta;
                        v[j] -= delta;
                    }
                    else
                    {
                        minv[j] -= delta;
                    }
                }

                j0 = j1;
            }
            while (p[j0] != 0);

            do
            {
                var j1 = way[j0];
                p[j0] = p[j1];
                j0 = j1;
            }
            while (j0 != 0);
        }

        var rowToColumn = new int[n];
        for (var j = 1; j <= n; j++)
        {
            rowToColumn[p[j] - 1] = j - 1;
        }

        return rowToColumn;
    }
}
