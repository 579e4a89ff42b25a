namespace SegmentMiner.Mining;

/// <summary>
/// K-means assignment with Hamerly's bounds: each case keeps an upper bound on the distance to its centroid and a
/// lower bound on the distance to any other; after the centroids move, the bounds move by the same amounts, and a
/// case whose upper bound stays below its lower bound (or half the distance to the nearest other centroid) cannot
/// change cluster, so its distances are not computed. The sufficient statistics are kept up to date by moving only
/// the cases that change cluster. The assignments are exactly those of the plain algorithm. Used when every input
/// is continuous and present (a discrete input's distance is not a metric the bounds can follow).
/// </summary>
internal sealed class BoundedAssignment
{
    private readonly CaseBuffer _b;
    private readonly int[] _assigned;
    private readonly double[] _upper;
    private readonly double[] _lower;
    private double[] _previous = [];
    private Statistics? _stats;

    private BoundedAssignment(CaseBuffer b)
    {
        _b = b;
        _assigned = new int[b.Count];
        _upper = new double[b.Count];
        _lower = new double[b.Count];
    }

    public static BoundedAssignment? TryCreate(Mixture m, CaseBuffer b)
    {
        if (m.InputDiscrete.Length > 0 || m.InputContinuous.Length == 0 || m.K < 2)
        {
            return null;
        }

        for (var i = 0; i < b.Count; i++)
        {
            var values = b.Values(i);
            foreach (var c in m.InputContinuous)
            {
                if (float.IsNaN(values[c]))
                {
                    return null;
                }
            }
        }

        return new BoundedAssignment(b);
    }

    /// <summary>Assigns every case (the first time) or re-checks only the cases whose bounds no longer prove their assignment.</summary>
    public Statistics Step(Mixture m, int threads)
    {
        var k = m.K;
        var nIn = m.InputContinuous.Length;
        var chunks = (_b.Count + Expectation.ChunkSize - 1) / Expectation.ChunkSize;
        var partial = new Statistics[chunks];
        var options = new ParallelOptions { MaxDegreeOfParallelism = threads <= 0 ? Environment.ProcessorCount : threads };
        if (_stats is null)
        {
            Parallel.For(0, chunks, options, c => partial[c] = Assign(m, c, full: true, [], [], 0, 0, -1));
            _stats = new Statistics(k, m.Set.TotalStates, m.Nc);
        }
        else
        {
            var moved = new double[k];
            for (var c = 0; c < k; c++)
            {
                moved[c] = Math.Sqrt(Kernels.SquaredDistance(m.InMean.AsSpan(c * nIn, nIn), _previous.AsSpan(c * nIn, nIn)));
            }

            // The lower bound of a case in cluster a falls by the largest move of any other centroid.
            var fastest = 0;
            for (var c = 1; c < k; c++)
            {
                if (moved[c] > moved[fastest]) fastest = c;
            }

            var maxMove = moved[fastest];
            var secondMove = 0.0;
            for (var c = 0; c < k; c++)
            {
                if (c != fastest) secondMove = Math.Max(secondMove, moved[c]);
            }

            var half = new double[k];
            for (var c = 0; c < k; c++)
            {
                var nearest = double.PositiveInfinity;
                for (var o = 0; o < k; o++)
                {
                    if (o != c)
                    {
                        nearest = Math.Min(nearest, Kernels.SquaredDistance(m.InMean.AsSpan(c * nIn, nIn), m.InMean.AsSpan(o * nIn, nIn)));
                    }
                }

                half[c] = 0.5 * Math.Sqrt(nearest);
            }

            Parallel.For(0, chunks, options, c => partial[c] = Assign(m, c, full: false, moved, half, maxMove, secondMove, fastest));
        }

        foreach (var p in partial)
        {
            _stats.Add(p);
        }

        _previous = m.InMean.ToArray();
        _stats.Objective = Objective(m, _stats);
        return _stats;
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    private Statistics Assign(Mixture m, int chunk, bool full, double[] moved, double[] half, double maxMove, double secondMove, int fastest)
    {
        var delta = new Statistics(m.K, m.Set.TotalStates, m.Nc);
        var packed = new double[m.PaddedInputs];
        var values = new double[m.Nc];
        var distances = new double[m.K];
        var nIn = m.InputContinuous.Length;
        var end = Math.Min(_b.Count, (chunk + 1) * Expectation.ChunkSize);
        for (var i = chunk * Expectation.ChunkSize; i < end; i++)
        {
            var a = _assigned[i];
            if (!full)
            {
                _upper[i] += moved[a];
                _lower[i] -= a == fastest ? secondMove : maxMove;
                var bound = Math.Max(half[a], _lower[i]);
                if (_upper[i] <= bound)
                {
                    continue;
                }

                _b.ValuesInto(i, values);
                m.GatherInputs(values, packed);
                _upper[i] = Math.Sqrt(Kernels.SquaredDistance(packed.AsSpan(0, nIn), m.InMean.AsSpan(a * nIn, nIn)));
                if (_upper[i] <= bound)
                {
                    continue;
                }
            }
            else
            {
                _b.ValuesInto(i, values);
                m.GatherInputs(values, packed);
            }

            m.Distances(_b.States(i), packed, false, distances);
            var best = 0;
            var second = -1;
            for (var c = 1; c < m.K; c++)
            {
                if (distances[c] < distances[best])
                {
                    second = best;
                    best = c;
                }
                else if (second < 0 || distances[c] < distances[second])
                {
                    second = c;
                }
            }

            _upper[i] = Math.Sqrt(distances[best]);
            _lower[i] = Math.Sqrt(distances[second]);
            if (full || best != a)
            {
                var anyMissing = Kernels.HasNaN(values);
                if (!full)
                {
                    Expectation.Accumulate(m, delta, a, -1.0, _b.States(i), values, anyMissing);
                }

                Expectation.Accumulate(m, delta, best, 1.0, _b.States(i), values, anyMissing);
                _assigned[i] = best;
            }
        }

        return delta;
    }

    /// <summary>The sum of squared distances to the assigned centroids, from the sufficient statistics.</summary>
    private static double Objective(Mixture m, Statistics s)
    {
        var nIn = m.InputContinuous.Length;
        var total = 0.0;
        for (var k = 0; k < m.K; k++)
        {
            for (var i = 0; i < nIn; i++)
            {
                var c = m.InputContinuous[i];
                var at = (k * m.Nc) + c;
                var mean = m.InMean[(k * nIn) + i];
                total += s.SumSquares[at] - (2 * mean * s.Sum[at]) + (s.N[k] * mean * mean);
            }
        }

        return Math.Max(0, total);
    }
}
