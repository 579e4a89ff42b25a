using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace SegmentMiner.Mining;

/// <summary>
/// K-means assignment with Hamerly's bounds: each case keeps an upper bound on the distance to its centroid and a
/// lower bound on the distance to any other; after the centroids move, the bounds move by the same amounts, and a
/// case whose upper bound stays below its lower bound (or half the distance to the nearest other centroid) cannot
/// change cluster, so its distances are not computed. The assignments are exactly those of the plain algorithm.
/// Used when every input is continuous and present (a discrete input's distance is not a metric the bounds can
/// follow).
/// <para>
/// Made to run in a few milliseconds per iteration over a million cases: the bounds are stored relative to each
/// cluster's accumulated drift, so the pass over every case only reads (a float pair and a cluster per case) and
/// lists, without branches, the cases to re-check; those are re-checked in a second pass with their rows fetched
/// ahead. Distances read the buffer's float values in place and are computed in double against the centroids laid
/// out by attribute, four clusters per vector instruction. The sufficient statistics move only with the cases that
/// change cluster, in fixed chunks added in order, so the result does not depend on the number of threads.
/// </para>
/// </summary>
internal sealed class BoundedAssignment
{
    /// <summary>Cases per unit of parallel work; the partial statistics are added in this fixed order.</summary>
    private const int ChunkSize = 4096;

    /// <summary>Clusters per vector group: three vectors of four doubles.</summary>
    private const int Group = 12;

    private readonly CaseBuffer _b;
    private readonly float[] _x;
    private readonly int _stride;
    private readonly int _d;
    private readonly int[] _assigned;
    private readonly float[] _upper;
    private readonly float[] _lower;
    private readonly float[] _slack;
    private double[] _drift = [];
    private double[] _othersDrift = [];
    private readonly Statistics[] _partial;
    private readonly int[] _changed;
    private double[] _previous = [];
    private Statistics? _stats;

    // Centroids of the current step: by attribute (d rows of kp doubles, padding 0) with their squared norms
    // (padding +inf), and by cluster (k rows of d doubles).
    private double[] _byAttribute = [];
    private double[] _norms = [];
    private double[] _byCluster = [];
    private double[] _origin = [];
    private int _kp;

    private BoundedAssignment(Mixture m, CaseBuffer b, float[] x, int stride)
    {
        _b = b;
        _x = x;
        _stride = stride;
        _d = m.InputContinuous.Length;
        _assigned = new int[b.Count];
        _upper = new float[b.Count];
        _lower = new float[b.Count];
        _slack = new float[b.Count];
        _partial = new Statistics[(b.Count + ChunkSize - 1) / ChunkSize];
        _changed = new int[_partial.Length];

        for (var c = 0; c < _partial.Length; c++)
        {
            _partial[c] = new Statistics(m.K, m.Set.TotalStates, m.Nc);
        }
    }

    public static BoundedAssignment? TryCreate(Mixture m, CaseBuffer b)
    {
        if (m.InputDiscrete.Length > 0 || m.InputContinuous.Length == 0 || m.K < 2 || b.Count == 0)
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

        // The inputs are read in place when they are the buffer's first columns, else copied once.
        var inPlace = true;
        for (var i = 0; i < m.InputContinuous.Length; i++)
        {
            inPlace &= m.InputContinuous[i] == i;
        }

        if (inPlace)
        {
            return new BoundedAssignment(m, b, b.RawValues, b.Nc);
        }

        var d = m.InputContinuous.Length;
        var packed = new float[b.Count * d];
        for (var i = 0; i < b.Count; i++)
        {
            var values = b.Values(i);
            for (var j = 0; j < d; j++)
            {
                packed[(i * d) + j] = values[m.InputContinuous[j]];
            }
        }

        return new BoundedAssignment(m, b, packed, d);
    }

    /// <summary>Cases whose cluster the last step changed (every case, the first time).</summary>
    public long Changed { get; private set; }

    /// <summary>Assigns every case (the first time) or re-checks only the cases whose bounds no longer prove their assignment.</summary>
    public Statistics Step(Mixture m, int threads)
    {
        var k = m.K;
        var d = _d;
        LayOut(m);
        var options = new ParallelOptions { MaxDegreeOfParallelism = threads <= 0 ? Environment.ProcessorCount : threads };
        // A chunk's partial statistics hold only the moves of its changed cases: clear those the last step wrote.
        for (var c = 0; c < _partial.Length; c++)
        {
            if (_changed[c] != 0)
            {
                _partial[c].Clear();
            }
        }

        Array.Clear(_changed);

        if (_stats is null)
        {
            _drift = new double[k];
            _othersDrift = new double[k];
            Parallel.For(0, _partial.Length, options, c => Assign(m, c, full: true, [], []));
            _stats = new Statistics(k, m.Set.TotalStates, m.Nc);
        }
        else
        {
            // Each centroid's move adds to its own drift (the upper bounds of its cases grow by it) and, for every
            // other cluster, to that cluster's "others' drift" (the lower bounds of its cases fall by the largest move
            // of any other centroid).
            var moved = new double[k];
            for (var c = 0; c < k; c++)
            {
                moved[c] = Math.Sqrt(Kernels.SquaredDistance(m.InMean.AsSpan(c * d, d), _previous.AsSpan(c * d, d)));
            }

            var fastest = 0;
            for (var c = 1; c < k; c++)
            {
                if (moved[c] > moved[fastest]) fastest = c;
            }

            var secondMove = 0.0;
            for (var c = 0; c < k; c++)
            {
                if (c != fastest) secondMove = Math.Max(secondMove, moved[c]);
            }

            for (var c = 0; c < k; c++)
            {
                _drift[c] += moved[c];
                _othersDrift[c] += c == fastest ? secondMove : moved[fastest];
            }

            var half = new double[k];
            for (var c = 0; c < k; c++)
            {
                var nearest = double.PositiveInfinity;
                for (var o = 0; o < k; o++)
                {
                    if (o != c)
                    {
                        nearest = Math.Min(nearest, Kernels.SquaredDistance(m.InMean.AsSpan(c * d, d), m.InMean.AsSpan(o * d, d)));
                    }
                }

                half[c] = 0.5 * Math.Sqrt(nearest);
            }

            // A case stays proven while lower - upper (its slack, both stored relative to the drifts at the time)
            // is at least its cluster's own drift plus the others' drift since then.
            var threshold = new float[k];
            for (var c = 0; c < k; c++)
            {
                threshold[c] = Up(_drift[c] + _othersDrift[c]);
            }

            Parallel.For(0, _partial.Length, options, c => Assign(m, c, full: false, half, threshold));
        }

        for (var c = 0; c < _partial.Length; c++)
        {
            if (_changed[c] != 0)
            {
                _stats.Add(_partial[c]);
            }
        }

        Changed = _changed.Sum(c => (long)c);
        _previous = m.InMean.ToArray();
        _stats.Objective = Objective(m, _stats);
        return _stats;
    }

    /// <summary>The centroids in the two layouts the distances read.</summary>
    private void LayOut(Mixture m)
    {
        var k = m.K;
        var d = _d;
        _kp = ((k + Group - 1) / Group) * Group;
        _byAttribute = new double[d * _kp];
        _norms = new double[_kp];
        Array.Fill(_norms, double.PositiveInfinity);
        _byCluster = m.InMean.ToArray();
        _origin = new double[d];
        for (var c = 0; c < k; c++)
        {
            var norm = 0.0;
            for (var j = 0; j < d; j++)
            {
                var v = m.InMean[(c * d) + j];
                _byAttribute[(j * _kp) + c] = v;
                norm += v * v;
            }

            _norms[c] = norm;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Assign(Mixture m, int chunk, bool full, double[] half, float[] threshold)
    {
        var delta = _partial[chunk];
        var values = new double[m.Nc];
        Span<double> distances = stackalloc double[_kp];
        var first = chunk * ChunkSize;
        var end = Math.Min(_b.Count, first + ChunkSize);
        if (full)
        {
            for (var i = first; i < end; i++)
            {
                Nearest(m, i, distances, delta, values, full: true);
            }

            _changed[chunk] = end - first;
            return;
        }

        // 1. List the cases whose bounds no longer prove their cluster: slack below its cluster's drift since the
        //    start, eight cases per vector compare (reading a float and a cluster per case, writing nothing).
        var listed = _lists.Value!;
        var drift = _drift;
        var others = _othersDrift;
        var count = List(first, end, threshold, listed);

        // 2. Tighten their upper bounds to the true distance (rows fetched ahead); keep those still unproven.
        var unproven = 0;
        for (var t = 0; t < count; t++)
        {
            if (t + Ahead < count)
            {
                Prefetch(listed[t + Ahead]);
            }

            var i = listed[t];
            var a = _assigned[i];
            var bound = Math.Max(half[a], _lower[i] - others[a]);
            if (_upper[i] + drift[a] <= bound)
            {
                continue; // proven by half the distance to the nearest other centroid
            }

            var upper = Math.Sqrt(ToCentroid(_x.AsSpan(i * _stride, _d), a));
            _upper[i] = Up(upper - drift[a]);
            _slack[i] = Down((double)_lower[i] - _upper[i]);
            listed[unproven] = i;
            unproven += upper > bound ? 1 : 0;
        }

        // 3. Compare those with every centroid.
        var changed = 0;
        for (var t = 0; t < unproven; t++)
        {
            if (t + Ahead < unproven)
            {
                Prefetch(listed[t + Ahead]);
            }

            changed += Nearest(m, listed[t], distances, delta, values, full: false);
        }

        _changed[chunk] = changed;
    }

    /// <summary>Writes the indices of the cases in [first, end) whose slack is below their cluster's threshold; returns how many.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private unsafe int List(int first, int end, float[] threshold, int[] listed)
    {
        var count = 0;
        var i = first;
        if (Avx2.IsSupported)
        {
            fixed (float* slack = _slack)
            fixed (int* assigned = _assigned)
            fixed (float* t = threshold)
            {
                for (; i + 8 <= end; i += 8)
                {
                    var limit = Avx2.GatherVector256(t, Avx.LoadVector256(assigned + i), 4);
                    var mask = (uint)Avx.MoveMask(Avx.CompareLessThan(Avx.LoadVector256(slack + i), limit));
                    while (mask != 0)
                    {
                        listed[count++] = i + BitOperations.TrailingZeroCount(mask);
                        mask &= mask - 1;
                    }
                }
            }
        }

        for (; i < end; i++)
        {
            listed[count] = i;
            count += _slack[i] < threshold[_assigned[i]] ? 1 : 0;
        }

        return count;
    }

    /// <summary>A float at least <paramref name="v"/> (a bound rounded outwards).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float Up(double v) => MathF.BitIncrement((float)v);

    /// <summary>A float at most <paramref name="v"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float Down(double v) => MathF.BitDecrement((float)v);

    /// <summary>
    /// The nearest cluster, its squared distance and the second smallest squared distance, without branches (which
    /// cluster is nearer is a coin toss for the cases re-checked). Padding lanes hold +inf.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (int Best, double Nearest, double RunnerUp) TwoNearest(Span<double> distances, int k)
    {
        if (Vector256.IsHardwareAccelerated && (distances.Length & 3) == 0)
        {
            ref var pd = ref MemoryMarshal.GetReference(distances);
            var lanes = distances.Length;
            var min = Vector256.LoadUnsafe(ref pd);
            for (var g = 4; g < lanes; g += 4)
            {
                min = Vector256.Min(min, Vector256.LoadUnsafe(ref pd, (nuint)g));
            }

            var nearest = HorizontalMin(min);
            var target = Vector256.Create(nearest);
            var best = int.MaxValue;
            for (var g = lanes - 4; g >= 0; g -= 4)
            {
                var mask = Vector256.Equals(Vector256.LoadUnsafe(ref pd, (nuint)g), target).ExtractMostSignificantBits();
                best = mask != 0 ? g + BitOperations.TrailingZeroCount(mask) : best;
            }

            var index = Vector256.Create(0L, 1L, 2L, 3L).AsDouble();
            var chosen = Vector256.Create((long)best).AsDouble();
            var infinity = Vector256.Create(double.PositiveInfinity);
            var second = infinity;
            for (var g = 0; g < lanes; g += 4)
            {
                var lane = (Vector256.Create((long)g).AsInt64() + index.AsInt64()).AsDouble();
                var values = Vector256.ConditionalSelect(Vector256.Equals(lane.AsInt64(), chosen.AsInt64()).AsDouble(), infinity, Vector256.LoadUnsafe(ref pd, (nuint)g));
                second = Vector256.Min(second, values);
            }

            return (best, nearest, HorizontalMin(second));
        }

        var b = 0;
        for (var c = 1; c < k; c++)
        {
            if (distances[c] < distances[b]) b = c;
        }

        var r = double.PositiveInfinity;
        for (var c = 0; c < k; c++)
        {
            if (c != b && distances[c] < r) r = distances[c];
        }

        return (b, distances[b], r);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static double HorizontalMin(Vector256<double> v)
    {
        var m = Vector128.Min(v.GetLower(), v.GetUpper());
        return Math.Min(m.ToScalar(), m.GetElement(1));
    }

    /// <summary>Rows fetched ahead of the re-check.</summary>
    private const int Ahead = 8;

    private readonly ThreadLocal<int[]> _lists = new(() => new int[ChunkSize]);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private unsafe void Prefetch(int i)
    {
        if (Sse.IsSupported)
        {
            fixed (float* p = &_x[i * _stride])
            {
                Sse.Prefetch0(p);
                Sse.Prefetch0((byte*)p + 64);
            }
        }
    }

    /// <summary>Assigns case i to its nearest centroid, sets both bounds, and moves its statistics if its cluster changed (returns 1 then).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int Nearest(Mixture m, int i, Span<double> distances, Statistics delta, double[] values, bool full)
    {
        Distances(i, distances);

        var (best, nearest, runnerUp) = TwoNearest(distances, m.K);
        _upper[i] = Up(Math.Sqrt(nearest) - _drift[best]);
        _lower[i] = Down(Math.Sqrt(runnerUp) + _othersDrift[best]);
        _slack[i] = Down((double)_lower[i] - _upper[i]);
        var a = _assigned[i];
        if (full || best != a)
        {
            _b.ValuesInto(i, values);
            var anyMissing = Kernels.HasNaN(values);
            if (!full)
            {
                Expectation.Accumulate(m, delta, a, -1.0, _b.States(i), values, anyMissing);
            }

            Expectation.Accumulate(m, delta, best, 1.0, _b.States(i), values, anyMissing);
            _assigned[i] = best;
            return 1;
        }

        return 0;
    }

    /// <summary>The squared distance of a case to one centroid.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private double ToCentroid(ReadOnlySpan<float> x, int cluster) => SquaredDistance(x, _byCluster.AsSpan(cluster * _d, _d));

    /// <summary>|x - c|^2 of float values against double ones (c all zeros gives |x|^2).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static double SquaredDistance(ReadOnlySpan<float> x, ReadOnlySpan<double> c)
    {
        ref var px = ref MemoryMarshal.GetReference(x);
        ref var pc = ref MemoryMarshal.GetReference(c);
        var n = x.Length;
        var j = 0;
        var sum = 0.0;
        if (Vector256.IsHardwareAccelerated && n >= 8)
        {
            var s0 = Vector256<double>.Zero;
            var s1 = Vector256<double>.Zero;
            for (; j <= n - 8; j += 8)
            {
                var (lo, hi) = Vector256.Widen(Vector256.LoadUnsafe(ref px, (nuint)j));
                var t0 = lo - Vector256.LoadUnsafe(ref pc, (nuint)j);
                var t1 = hi - Vector256.LoadUnsafe(ref pc, (nuint)j + 4);
                s0 = MultiplyAdd(t0, t0, s0);
                s1 = MultiplyAdd(t1, t1, s1);
            }

            sum = Vector256.Sum(s0 + s1);
        }

        for (; j < n; j++)
        {
            var t = x[j] - Unsafe.Add(ref pc, j);
            sum += t * t;
        }

        return sum;
    }

    /// <summary>
    /// Squared distances of case i to every centroid (padding clusters get +inf): |x|^2 - 2 x.c + |c|^2, clusters
    /// twelve at a time, with the attributes split between two sets of accumulators to shorten the dependency chains.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Distances(int i, Span<double> result)
    {
        var x = _x.AsSpan(i * _stride, _d);
        var norm = SquaredDistance(x, _origin);
        if (Vector256.IsHardwareAccelerated)
        {
            ref var rows = ref MemoryMarshal.GetArrayDataReference(_byAttribute);
            ref var target = ref MemoryMarshal.GetReference(result);
            ref var norms = ref MemoryMarshal.GetArrayDataReference(_norms);
            var kp = _kp;
            var n = Vector256.Create(norm);
            var two = Vector256.Create(2.0);
            for (var g = 0; g < kp; g += Group)
            {
                var a0 = Vector256<double>.Zero;
                var a1 = Vector256<double>.Zero;
                var a2 = Vector256<double>.Zero;
                var b0 = Vector256<double>.Zero;
                var b1 = Vector256<double>.Zero;
                var b2 = Vector256<double>.Zero;
                var j = 0;
                for (; j + 1 < x.Length; j += 2)
                {
                    var u = Vector256.Create((double)x[j]);
                    var v = Vector256.Create((double)x[j + 1]);
                    var at = (nuint)((j * kp) + g);
                    var bt = at + (nuint)kp;
                    a0 = MultiplyAdd(u, Vector256.LoadUnsafe(ref rows, at), a0);
                    a1 = MultiplyAdd(u, Vector256.LoadUnsafe(ref rows, at + 4), a1);
                    a2 = MultiplyAdd(u, Vector256.LoadUnsafe(ref rows, at + 8), a2);
                    b0 = MultiplyAdd(v, Vector256.LoadUnsafe(ref rows, bt), b0);
                    b1 = MultiplyAdd(v, Vector256.LoadUnsafe(ref rows, bt + 4), b1);
                    b2 = MultiplyAdd(v, Vector256.LoadUnsafe(ref rows, bt + 8), b2);
                }

                if (j < x.Length)
                {
                    var u = Vector256.Create((double)x[j]);
                    var at = (nuint)((j * kp) + g);
                    a0 = MultiplyAdd(u, Vector256.LoadUnsafe(ref rows, at), a0);
                    a1 = MultiplyAdd(u, Vector256.LoadUnsafe(ref rows, at + 4), a1);
                    a2 = MultiplyAdd(u, Vector256.LoadUnsafe(ref rows, at + 8), a2);
                }

                Vector256.Max(n - (two * (a0 + b0)) + Vector256.LoadUnsafe(ref norms, (nuint)g), Vector256<double>.Zero).StoreUnsafe(ref target, (nuint)g);
                Vector256.Max(n - (two * (a1 + b1)) + Vector256.LoadUnsafe(ref norms, (nuint)(g + 4)), Vector256<double>.Zero).StoreUnsafe(ref target, (nuint)(g + 4));
                Vector256.Max(n - (two * (a2 + b2)) + Vector256.LoadUnsafe(ref norms, (nuint)(g + 8)), Vector256<double>.Zero).StoreUnsafe(ref target, (nuint)(g + 8));
            }

            return;
        }

        for (var c = 0; c < _kp; c++)
        {
            var dot = 0.0;
            for (var j = 0; j < x.Length; j++)
            {
                dot += x[j] * _byAttribute[(j * _kp) + c];
            }

            result[c] = Math.Max(norm - (2 * dot) + _norms[c], 0);
        }
    }

    /// <summary>a * b + c, fused where the hardware has it (the same choice on every call, whatever the JIT tier).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<double> MultiplyAdd(Vector256<double> a, Vector256<double> b, Vector256<double> c) =>
        Fma.IsSupported ? Fma.MultiplyAdd(a, b, c) : (a * b) + c;

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
