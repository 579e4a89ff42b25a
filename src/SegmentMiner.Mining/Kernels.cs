using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace SegmentMiner.Mining;

/// <summary>
/// The inner loops of the expectation step over packed, contiguous values: two independent 256-bit accumulators
/// and no bounds checks. Plain multiply and add (no fused multiply-add), so a machine gives the same bits whatever
/// the thread count.
/// </summary>
internal static class Kernels
{
    /// <summary>Sum of (x - c)^2.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double SquaredDistance(ReadOnlySpan<double> x, ReadOnlySpan<double> c)
    {
        ref var px = ref MemoryMarshal.GetReference(x);
        ref var pc = ref MemoryMarshal.GetReference(c);
        var n = x.Length;
        var i = 0;
        var sum = 0.0;
        if (Vector256.IsHardwareAccelerated && n >= 4)
        {
            var a0 = Vector256<double>.Zero;
            var a1 = Vector256<double>.Zero;
            for (; i <= n - 8; i += 8)
            {
                var d0 = Vector256.LoadUnsafe(ref px, (nuint)i) - Vector256.LoadUnsafe(ref pc, (nuint)i);
                var d1 = Vector256.LoadUnsafe(ref px, (nuint)(i + 4)) - Vector256.LoadUnsafe(ref pc, (nuint)(i + 4));
                a0 += d0 * d0;
                a1 += d1 * d1;
            }

            for (; i <= n - 4; i += 4)
            {
                var d0 = Vector256.LoadUnsafe(ref px, (nuint)i) - Vector256.LoadUnsafe(ref pc, (nuint)i);
                a0 += d0 * d0;
            }

            sum = Vector256.Sum(a0 + a1);
        }

        for (; i < n; i++)
        {
            var d = Unsafe.Add(ref px, i) - Unsafe.Add(ref pc, i);
            sum += d * d;
        }

        return sum;
    }

    /// <summary>Sum of norm - (x - mean)^2 * inv: the Gaussian log densities of existing values.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double GaussianLogDensity(ReadOnlySpan<double> x, ReadOnlySpan<double> mean, ReadOnlySpan<double> norm, ReadOnlySpan<double> inv)
    {
        ref var px = ref MemoryMarshal.GetReference(x);
        ref var pm = ref MemoryMarshal.GetReference(mean);
        ref var pn = ref MemoryMarshal.GetReference(norm);
        ref var pi = ref MemoryMarshal.GetReference(inv);
        var n = x.Length;
        var i = 0;
        var sum = 0.0;
        if (Vector256.IsHardwareAccelerated && n >= 4)
        {
            var a0 = Vector256<double>.Zero;
            var a1 = Vector256<double>.Zero;
            for (; i <= n - 8; i += 8)
            {
                var d0 = Vector256.LoadUnsafe(ref px, (nuint)i) - Vector256.LoadUnsafe(ref pm, (nuint)i);
                var d1 = Vector256.LoadUnsafe(ref px, (nuint)(i + 4)) - Vector256.LoadUnsafe(ref pm, (nuint)(i + 4));
                a0 += Vector256.LoadUnsafe(ref pn, (nuint)i) - (d0 * d0 * Vector256.LoadUnsafe(ref pi, (nuint)i));
                a1 += Vector256.LoadUnsafe(ref pn, (nuint)(i + 4)) - (d1 * d1 * Vector256.LoadUnsafe(ref pi, (nuint)(i + 4)));
            }

            for (; i <= n - 4; i += 4)
            {
                var d0 = Vector256.LoadUnsafe(ref px, (nuint)i) - Vector256.LoadUnsafe(ref pm, (nuint)i);
                a0 += Vector256.LoadUnsafe(ref pn, (nuint)i) - (d0 * d0 * Vector256.LoadUnsafe(ref pi, (nuint)i));
            }

            sum = Vector256.Sum(a0 + a1);
        }

        for (; i < n; i++)
        {
            var d = Unsafe.Add(ref px, i) - Unsafe.Add(ref pm, i);
            sum += Unsafe.Add(ref pn, i) - (d * d * Unsafe.Add(ref pi, i));
        }

        return sum;
    }

    /// <summary>
    /// Squared distances from x (padded to blocks of four) to K centroids stored block by block, cluster by cluster
    /// within a block (<paramref name="blocked"/>[((block * K) + k) * 4 + lane]).
    /// </summary>
    public static void BlockedSquaredDistances(ReadOnlySpan<double> x, ReadOnlySpan<double> blocked, int k, Span<double> result)
    {
        Span<Vector256<double>> acc = stackalloc Vector256<double>[k];
        ref var px = ref MemoryMarshal.GetReference(x);
        ref var pc = ref MemoryMarshal.GetReference(blocked);
        ref var pa = ref MemoryMarshal.GetReference(acc);
        var blocks = x.Length / 4;
        for (var b = 0; b < blocks; b++)
        {
            var xv = Vector256.LoadUnsafe(ref px, (nuint)(b * 4));
            var baseIndex = (nuint)(b * k * 4);
            for (var c = 0; c < k; c++)
            {
                var d = xv - Vector256.LoadUnsafe(ref pc, baseIndex + (nuint)(c * 4));
                ref var a = ref Unsafe.Add(ref pa, c);
                a += d * d;
            }
        }

        for (var c = 0; c < k; c++)
        {
            result[c] = Vector256.Sum(Unsafe.Add(ref pa, c));
        }
    }

    /// <summary>existing += r, sum += r x, sumSquares += r x^2 for every value that is not missing (NaN).</summary>
    public static void AccumulateMoments(ReadOnlySpan<double> x, bool anyMissing, double r, Span<double> existing, Span<double> sum, Span<double> sumSquares)
    {
        var n = x.Length;
        ref var px = ref MemoryMarshal.GetReference(x);
        var i = 0;
        if (Vector256.IsHardwareAccelerated && n >= 4 && !anyMissing)
        {
            ref var pe = ref MemoryMarshal.GetReference(existing);
            ref var ps = ref MemoryMarshal.GetReference(sum);
            ref var pq = ref MemoryMarshal.GetReference(sumSquares);
            var rv = Vector256.Create(r);
            for (; i <= n - 4; i += 4)
            {
                var v = Vector256.LoadUnsafe(ref px, (nuint)i);
                var rx = rv * v;
                (Vector256.LoadUnsafe(ref pe, (nuint)i) + rv).StoreUnsafe(ref pe, (nuint)i);
                (Vector256.LoadUnsafe(ref ps, (nuint)i) + rx).StoreUnsafe(ref ps, (nuint)i);
                (Vector256.LoadUnsafe(ref pq, (nuint)i) + (rx * v)).StoreUnsafe(ref pq, (nuint)i);
            }
        }

        for (; i < n; i++)
        {
            var v = Unsafe.Add(ref px, i);
            if (!double.IsNaN(v))
            {
                existing[i] += r;
                sum[i] += r * v;
                sumSquares[i] += r * v * v;
            }
        }
    }

    public static bool HasNaN(ReadOnlySpan<double> x)
    {
        foreach (var v in x)
        {
            if (double.IsNaN(v)) return true;
        }

        return false;
    }

    /// <summary>Per cluster, the sum of norm - (x - mean)^2 * inv over blocked parameters (see <see cref="BlockedSquaredDistances"/>).</summary>
    public static void BlockedGaussianLogDensities(
        ReadOnlySpan<double> x, ReadOnlySpan<double> mean, ReadOnlySpan<double> norm, ReadOnlySpan<double> inv, int k, Span<double> result)
    {
        Span<Vector256<double>> acc = stackalloc Vector256<double>[k];
        ref var px = ref MemoryMarshal.GetReference(x);
        ref var pm = ref MemoryMarshal.GetReference(mean);
        ref var pn = ref MemoryMarshal.GetReference(norm);
        ref var pi = ref MemoryMarshal.GetReference(inv);
        ref var pa = ref MemoryMarshal.GetReference(acc);
        var blocks = x.Length / 4;
        for (var b = 0; b < blocks; b++)
        {
            var xv = Vector256.LoadUnsafe(ref px, (nuint)(b * 4));
            var baseIndex = (nuint)(b * k * 4);
            for (var c = 0; c < k; c++)
            {
                var at = baseIndex + (nuint)(c * 4);
                var d = xv - Vector256.LoadUnsafe(ref pm, at);
                ref var a = ref Unsafe.Add(ref pa, c);
                a += Vector256.LoadUnsafe(ref pn, at) - (d * d * Vector256.LoadUnsafe(ref pi, at));
            }
        }

        for (var c = 0; c < k; c++)
        {
            result[c] = Vector256.Sum(Unsafe.Add(ref pa, c));
        }
    }

    /// <summary>Replaces each score by exp(score - max) and returns their sum.</summary>
    public static double ExpShifted(Span<double> scores, double max)
    {
        var n = scores.Length;
        ref var p = ref MemoryMarshal.GetReference(scores);
        var i = 0;
        var sum = 0.0;
        if (Vector256.IsHardwareAccelerated)
        {
            var shift = Vector256.Create(max);
            var acc = Vector256<double>.Zero;
            for (; i <= n - 4; i += 4)
            {
                var e = Vector256.Exp(Vector256.LoadUnsafe(ref p, (nuint)i) - shift);
                e.StoreUnsafe(ref p, (nuint)i);
                acc += e;
            }

            sum = Vector256.Sum(acc);
        }

        for (; i < n; i++)
        {
            var e = Math.Exp(Unsafe.Add(ref p, i) - max);
            Unsafe.Add(ref p, i) = e;
            sum += e;
        }

        return sum;
    }
}
