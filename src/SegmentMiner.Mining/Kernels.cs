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
    [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)]
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
    [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)]
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

    /// <summary>existing += r, sum += r x, sumSquares += r x^2 for every value that is not missing (NaN).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
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

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static bool HasNaN(ReadOnlySpan<double> x)
    {
        foreach (var v in x)
        {
            if (double.IsNaN(v)) return true;
        }

        return false;
    }

    private static readonly double[] ExpCoefficients = Enumerable.Range(0, 14).Select(k => 1.0 / Factorial(k)).ToArray();

    private static double Factorial(int k) => k <= 1 ? 1 : k * Factorial(k - 1);

    /// <summary>
    /// exp(x) for x &lt;= 0, four at a time, with plain multiplies and adds only. The runtime's Vector256.Exp may fuse
    /// multiply-adds in one compilation tier and not in another, so the same model trained early and late in a process
    /// came out different in the last bits; this one gives the same bits whatever the tier (within 2 ulp of Math.Exp).
    /// Cody-Waite reduction x = n ln2 + r, |r| &lt;= ln2/2, a degree-13 Taylor polynomial, then scaling by 2^n.
    /// Below -708 the result is 0, as exp underflows there.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static Vector256<double> Exp(Vector256<double> x)
    {
        const double log2E = 1.4426950408889634;
        const double ln2Hi = 0.693145751953125;
        const double ln2Lo = 1.4286068203094173e-06;
        var underflow = Vector256.LessThan(x, Vector256.Create(-708.0));
        x = Vector256.Max(x, Vector256.Create(-708.0));
        var n = Vector256.Floor((x * Vector256.Create(log2E)) + Vector256.Create(0.5));
        var r = (x - (n * Vector256.Create(ln2Hi))) - (n * Vector256.Create(ln2Lo));
        // Estrin's scheme: the same polynomial in five dependent steps instead of Horner's thirteen.
        var c = ExpCoefficients;
        var r2 = r * r;
        var r4 = r2 * r2;
        var r8 = r4 * r4;
        var q0 = Vector256.Create(c[0]) + (Vector256.Create(c[1]) * r);
        var q1 = Vector256.Create(c[2]) + (Vector256.Create(c[3]) * r);
        var q2 = Vector256.Create(c[4]) + (Vector256.Create(c[5]) * r);
        var q3 = Vector256.Create(c[6]) + (Vector256.Create(c[7]) * r);
        var q4 = Vector256.Create(c[8]) + (Vector256.Create(c[9]) * r);
        var q5 = Vector256.Create(c[10]) + (Vector256.Create(c[11]) * r);
        var q6 = Vector256.Create(c[12]) + (Vector256.Create(c[13]) * r);
        var low = (q0 + (q1 * r2)) + ((q2 + (q3 * r2)) * r4);
        var high = (q4 + (q5 * r2)) + (q6 * r4);
        var poly = low + (high * r8);

        var scale = Vector256.ShiftLeft(Vector256.ConvertToInt64(n) + Vector256.Create(1023L), 52).AsDouble();
        return Vector256.ConditionalSelect(underflow, Vector256<double>.Zero, poly * scale);
    }

    /// <summary>Replaces each score by exp(score - max) and returns their sum.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
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
                var e = Exp(Vector256.LoadUnsafe(ref p, (nuint)i) - shift);
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

    /// <summary>
    /// result[k] = bias[k] + sum_i a[k, i] * x[i] for every cluster k, where a is row-major (padded rows of
    /// x.Length). Four clusters at a time keep their accumulators in registers and read each block of x once per group.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void AffineRows(ReadOnlySpan<double> x, ReadOnlySpan<double> a, ReadOnlySpan<double> bias, int k, Span<double> result)
    {
        var n = x.Length;
        ref var px = ref MemoryMarshal.GetReference(x);
        ref var pa = ref MemoryMarshal.GetReference(a);
        var c = 0;
        for (; c <= k - 4; c += 4)
        {
            var a0 = Vector256<double>.Zero;
            var a1 = Vector256<double>.Zero;
            var a2 = Vector256<double>.Zero;
            var a3 = Vector256<double>.Zero;
            var r0 = (nuint)(c * n);
            var r1 = r0 + (nuint)n;
            var r2 = r1 + (nuint)n;
            var r3 = r2 + (nuint)n;
            for (var i = 0; i < n; i += 4)
            {
                var xv = Vector256.LoadUnsafe(ref px, (nuint)i);
                a0 += Vector256.LoadUnsafe(ref pa, r0 + (nuint)i) * xv;
                a1 += Vector256.LoadUnsafe(ref pa, r1 + (nuint)i) * xv;
                a2 += Vector256.LoadUnsafe(ref pa, r2 + (nuint)i) * xv;
                a3 += Vector256.LoadUnsafe(ref pa, r3 + (nuint)i) * xv;
            }

            result[c] = bias[c] + Vector256.Sum(a0);
            result[c + 1] = bias[c + 1] + Vector256.Sum(a1);
            result[c + 2] = bias[c + 2] + Vector256.Sum(a2);
            result[c + 3] = bias[c + 3] + Vector256.Sum(a3);
        }

        for (; c < k; c++)
        {
            var a0 = Vector256<double>.Zero;
            var r0 = (nuint)(c * n);
            for (var i = 0; i < n; i += 4)
            {
                var xv = Vector256.LoadUnsafe(ref px, (nuint)i);
                a0 += Vector256.LoadUnsafe(ref pa, r0 + (nuint)i) * xv;
            }

            result[c] = bias[c] + Vector256.Sum(a0);
        }
    }

    /// <summary>
    /// log P(x - w/2 &lt; X &lt; x + w/2) for X ~ N(mean, sd^2): the midpoint rule when the interval is narrow against
    /// sd (exact in log space far into the tails), the difference of the normal CDF otherwise.
    /// </summary>
    public static double LogIntervalProbability(double x, double mean, double sd, double width)
    {
        var w = width / sd;
        var z = (x - mean) / sd;
        if (w <= 0.5)
        {
            return (-0.5 * z * z) - (0.5 * Math.Log(2 * Math.PI)) + Math.Log(w);
        }

        var (lo, hi) = (z - (w / 2), z + (w / 2));
        var p = lo >= 0 ? 0.5 * (Erfc(lo / Math.Sqrt(2)) - Erfc(hi / Math.Sqrt(2)))
            : hi <= 0 ? 0.5 * (Erfc(-hi / Math.Sqrt(2)) - Erfc(-lo / Math.Sqrt(2)))
            : 1 - (0.5 * Erfc(-lo / Math.Sqrt(2))) - (0.5 * Erfc(hi / Math.Sqrt(2)));
        return Math.Log(Math.Max(p, 1e-300));
    }

    /// <summary>The complementary error function, with a relative error below 1.2e-7 everywhere (Chebyshev fit).</summary>
    public static double Erfc(double x)
    {
        var z = Math.Abs(x);
        var t = 1 / (1 + (0.5 * z));
        double[] c = [-1.26551223, 1.00002368, 0.37409196, 0.09678418, -0.18628806, 0.27886807, -1.13520398, 1.48851587, -0.82215223, 0.17087277];
        var poly = 0.0;
        for (var i = c.Length - 1; i >= 0; i--)
        {
            poly = c[i] + (t * poly);
        }

        var r = t * Math.Exp((-z * z) + poly);
        return x >= 0 ? r : 2 - r;
    }
}
