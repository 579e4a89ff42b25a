namespace SegmentMiner.Pipeline.Personas;

/// <summary>
/// Finds the personas that recur across products: complete-linkage agglomeration of every product's personas by
/// the distance of their member profiles (<see cref="Publishing.ClusterProfile.DistanceTo"/>), where a group never
/// holds two personas of one product and two groups merge only while every pair across them is within
/// <see cref="MaximumDistance"/>. A group spanning two or more products is a golden persona; one persona may be
/// golden with the personas of many products (one-to-many), never with two of the same product.
/// </summary>
public static class GoldenPersonaMatcher
{
    /// <summary>
    /// The largest distance at which two personas count as the same kind of person: 0.25 is three quarters alike
    /// on average over their attributes, as the same archetype is across products and different ones are not.
    /// </summary>
    public const double MaximumDistance = 0.25;

    public static IReadOnlyList<GoldenPersona> Match(IReadOnlyList<ProductPersona> personas, double maximumDistance = MaximumDistance)
    {
        var n = personas.Count;
        var distance = new double[n, n];
        for (var i = 0; i < n; i++)
        {
            for (var j = i + 1; j < n; j++)
            {
                distance[i, j] = distance[j, i] = personas[i].Profile.DistanceTo(personas[j].Profile);
            }
        }

        var groups = Enumerable.Range(0, n).Select(i => new List<int> { i }).ToList();
        while (Closest(groups, personas, distance) is { } pair && pair.Distance <= maximumDistance)
        {
            groups[pair.A].AddRange(groups[pair.B]);
            groups.RemoveAt(pair.B);
        }

        return groups.Where(g => g.Select(i => personas[i].Product).Distinct(StringComparer.Ordinal).Count() >= 2)
            .Select(g => new GoldenPersona(g.Select(i => personas[i]).OrderBy(p => p.Product, StringComparer.Ordinal).ToList()))
            .OrderByDescending(g => g.Members.Sum(m => m.Members))
            .ToList();
    }

    /// <summary>The two groups with disjoint products whose farthest members are nearest; null when none can merge.</summary>
    private static (int A, int B, double Distance)? Closest(List<List<int>> groups, IReadOnlyList<ProductPersona> personas, double[,] distance)
    {
        (int, int, double)? best = null;
        for (var a = 0; a < groups.Count; a++)
        {
            for (var b = a + 1; b < groups.Count; b++)
            {
                if (groups[a].Any(i => groups[b].Any(j => personas[i].Product == personas[j].Product)))
                {
                    continue;
                }

                var farthest = groups[a].Max(i => groups[b].Max(j => distance[i, j]));
                if (best is null || farthest < best.Value.Item3)
                {
                    best = (a, b, farthest);
                }
            }
        }

        return best;
    }
}
