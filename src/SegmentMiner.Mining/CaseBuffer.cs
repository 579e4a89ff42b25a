using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace SegmentMiner.Mining;

/// <summary>
/// Encoded cases, row-major: a state per discrete attribute, a model-space value (NaN = missing) per continuous one,
/// stored as float (z-scores need no more digits, and an iteration reads half the bytes); the arithmetic is in double.
/// </summary>
internal sealed class CaseBuffer
{
    private int[] _states;
    private float[] _values;

    public CaseBuffer(int capacity, int nd, int nc)
    {
        Nd = nd;
        Nc = nc;
        _states = new int[Math.Max(1, capacity) * nd];
        _values = new float[Math.Max(1, capacity) * nc];
        Capacity = Math.Max(1, capacity);
    }

    public int Nd { get; }

    public int Nc { get; }

    public int Count { get; private set; }

    public int Capacity { get; private set; }

    public ReadOnlySpan<int> States(int i) => _states.AsSpan(i * Nd, Nd);

    public ReadOnlySpan<float> Values(int i) => _values.AsSpan(i * Nc, Nc);

    /// <summary>Every case's continuous values, row after row (the array may be longer than Count rows).</summary>
    internal float[] RawValues => _values;

    /// <summary>The continuous values of case i, widened to double.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public void ValuesInto(int i, Span<double> destination)
    {
        var source = Values(i);
        for (var c = 0; c < source.Length; c++)
        {
            destination[c] = source[c];
        }
    }

    /// <summary>Adds a case; grows when <paramref name="grow"/> (non-scalable methods keep every case).</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public void Add(AttributeSet set, object?[] row, bool grow)
    {
        if (Count == Capacity)
        {
            if (!grow)
            {
                throw new InvalidOperationException("buffer full");
            }

            Capacity *= 2;
            Array.Resize(ref _states, Capacity * Nd);
            Array.Resize(ref _values, Capacity * Nc);
        }

        Span<double> values = Nc <= 256 ? stackalloc double[Nc] : new double[Nc];
        set.Encode(row, _states.AsSpan(Count * Nd, Nd), values);
        var target = _values.AsSpan(Count * Nc, Nc);
        for (var c = 0; c < Nc; c++)
        {
            target[c] = (float)values[c];
        }

        Count++;
    }

    public bool IsFull => Count == Capacity;

    public void Clear() => Count = 0;

    /// <summary>A copy of some of the cases (for seeding and candidate models).</summary>
    public CaseBuffer Subset(IReadOnlyList<int> indices)
    {
        var b = new CaseBuffer(indices.Count, Nd, Nc);
        foreach (var i in indices)
        {
            States(i).CopyTo(b._states.AsSpan(b.Count * Nd, Nd));
            Values(i).CopyTo(b._values.AsSpan(b.Count * Nc, Nc));
            b.Count++;
        }

        return b;
    }
}

/// <summary>
/// The expectation step over a buffer, in fixed chunks whose statistics are added up in chunk order, so the
/// result is the same whatever the number of threads.
/// </summary>
internal static class Expectation
{
    internal const int ChunkSize = 2048;

    public static Statistics Run(Mixture m, CaseBuffer b, bool hard, int threads)
    {
        var chunks = (b.Count + ChunkSize - 1) / ChunkSize;
        var partial = new Statistics[chunks];
        var options = new ParallelOptions { MaxDegreeOfParallelism = threads <= 0 ? Environment.ProcessorCount : threads };
        Parallel.For(0, chunks, options, c => partial[c] = Chunk(m, b, hard, c));

        var total = new Statistics(m.K, m.Set.TotalStates, m.Nc);
        foreach (var p in partial)
        {
            total.Add(p);
        }

        return total;
    }

    /// <summary>One chunk's statistics. Fully optimized from the first call: a training run may be only a few iterations long.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    private static Statistics Chunk(Mixture m, CaseBuffer b, bool hard, int c)
    {
        var s = new Statistics(m.K, m.Set.TotalStates, m.Nc);
        var scores = new double[m.K];
        var soft = !hard && Vector256.IsHardwareAccelerated ? new SoftAccumulator(m) : null;
        var packed = new double[m.PaddedInputs];
        var values = new double[m.Nc];
        var end = Math.Min(b.Count, (c + 1) * ChunkSize);
        for (var i = c * ChunkSize; i < end; i++)
        {
            var states = b.States(i);
            b.ValuesInto(i, values);
            var missing = m.GatherInputs(values, packed);
            var anyMissing = missing || Kernels.HasNaN(values);
            if (hard)
            {
                m.Distances(states, packed, missing, scores);
                var best = 0;
                for (var k = 1; k < m.K; k++)
                {
                    if (scores[k] < scores[best]) best = k;
                }

                s.Objective += scores[best];
                Accumulate(m, s, best, 1.0, states, values, anyMissing);
            }
            else
            {
                m.LogJoint(states, packed, missing, scores);
                var max = double.NegativeInfinity;
                for (var k = 0; k < m.K; k++)
                {
                    if (scores[k] > max) max = scores[k];
                }

                var sum = Kernels.ExpShifted(scores, max);

                s.Objective += max + Math.Log(sum);
                if (soft is not null)
                {
                    soft.Add(scores, sum, states, values);
                    continue;
                }

                for (var k = 0; k < m.K; k++)
                {
                    var r = scores[k] / sum;
                    if (r > 1e-12)
                    {
                        Accumulate(m, s, k, r, states, values, anyMissing);
                    }
                }
            }
        }

        soft?.WriteTo(s);
        return s;
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    internal static void Accumulate(Mixture m, Statistics s, int k, double r, ReadOnlySpan<int> states, ReadOnlySpan<double> values, bool anyMissing)
    {
        s.N[k] += r;
        var baseState = k * m.Set.TotalStates;
        for (var j = 0; j < states.Length; j++)
        {
            s.StateWeight[baseState + m.Set.Offsets[j] + states[j]] += r;
        }

        var baseC = k * m.Nc;
        Kernels.AccumulateMoments(values, anyMissing, r, s.Existing.AsSpan(baseC, m.Nc), s.Sum.AsSpan(baseC, m.Nc), s.SumSquares.AsSpan(baseC, m.Nc));
    }
}

/// <summary>
/// A chunk's soft (EM) statistics laid out by attribute: every cluster's weight of one state or one continuous
/// attribute side by side, so a case's responsibilities are added four clusters per vector instruction instead of
/// one cluster at a time. The sums are the same, added in the same order; <see cref="WriteTo"/> moves them into the
/// cluster-major statistics at the end of the chunk.
/// </summary>
internal sealed class SoftAccumulator
{
    private readonly int _k;
    private readonly int _kp;
    private readonly int _nc;
    private readonly int _states;
    private readonly int[] _offsets;
    private readonly double[] _r;
    private readonly double[] _n;
    private readonly double[] _stateWeight;
    private readonly double[] _existing;
    private readonly double[] _sum;
    private readonly double[] _sumSquares;

    public SoftAccumulator(Mixture m)
    {
        _k = m.K;
        _kp = (m.K + 3) & ~3;
        _nc = m.Nc;
        _states = m.Set.TotalStates;
        _offsets = m.Set.Offsets;
        _r = new double[_kp];
        _n = new double[_kp];
        _stateWeight = new double[_states * _kp];
        _existing = new double[_nc * _kp];
        _sum = new double[_nc * _kp];
        _sumSquares = new double[_nc * _kp];
    }

    /// <summary>Adds a case with responsibilities weights[k] / total (those at or below 1e-12 are left out, as one at a time).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Add(ReadOnlySpan<double> weights, double total, ReadOnlySpan<int> states, ReadOnlySpan<double> values)
    {
        for (var k = 0; k < _k; k++)
        {
            var r = weights[k] / total;
            _r[k] = r > 1e-12 ? r : 0;
        }

        var kp = _kp;
        ref var pr = ref MemoryMarshal.GetArrayDataReference(_r);
        ref var pn = ref MemoryMarshal.GetArrayDataReference(_n);
        for (var g = 0; g < kp; g += 4)
        {
            (Vector256.LoadUnsafe(ref pn, (nuint)g) + Vector256.LoadUnsafe(ref pr, (nuint)g)).StoreUnsafe(ref pn, (nuint)g);
        }

        ref var pw = ref MemoryMarshal.GetArrayDataReference(_stateWeight);
        for (var j = 0; j < states.Length; j++)
        {
            var row = (nuint)((_offsets[j] + states[j]) * kp);
            for (var g = 0; g < kp; g += 4)
            {
                var at = row + (nuint)g;
                (Vector256.LoadUnsafe(ref pw, at) + Vector256.LoadUnsafe(ref pr, (nuint)g)).StoreUnsafe(ref pw, at);
            }
        }

        ref var pe = ref MemoryMarshal.GetArrayDataReference(_existing);
        ref var ps = ref MemoryMarshal.GetArrayDataReference(_sum);
        ref var pq = ref MemoryMarshal.GetArrayDataReference(_sumSquares);
        for (var c = 0; c < _nc; c++)
        {
            var x = values[c];
            if (double.IsNaN(x))
            {
                continue;
            }

            var xv = Vector256.Create(x);
            var row = (nuint)(c * kp);
            for (var g = 0; g < kp; g += 4)
            {
                var at = row + (nuint)g;
                var rv = Vector256.LoadUnsafe(ref pr, (nuint)g);
                var rx = rv * xv;
                (Vector256.LoadUnsafe(ref pe, at) + rv).StoreUnsafe(ref pe, at);
                (Vector256.LoadUnsafe(ref ps, at) + rx).StoreUnsafe(ref ps, at);
                (Vector256.LoadUnsafe(ref pq, at) + (rx * xv)).StoreUnsafe(ref pq, at);
            }
        }
    }

    /// <summary>Adds the chunk's sums into cluster-major statistics.</summary>
    public void WriteTo(Statistics s)
    {
        for (var k = 0; k < _k; k++)
        {
            s.N[k] += _n[k];
            for (var st = 0; st < _states; st++)
            {
                s.StateWeight[(k * _states) + st] += _stateWeight[(st * _kp) + k];
            }

            for (var c = 0; c < _nc; c++)
            {
                s.Existing[(k * _nc) + c] += _existing[(c * _kp) + k];
                s.Sum[(k * _nc) + c] += _sum[(c * _kp) + k];
                s.SumSquares[(k * _nc) + c] += _sumSquares[(c * _kp) + k];
            }
        }
    }
}
