using MathNet.Numerics;
using MathNet.Numerics.Distributions;

namespace SegmentMiner.Pipeline.Publishing.Facts;

/// <summary>A test's outcome: its two-sided p-value and the effect size (Cohen's h for shares, d for means), signed.</summary>
public readonly record struct TestResult(double PValue, double Effect);

/// <summary>
/// The tests that decide whether a difference between a segment and the rest is real: the two-proportion z-test
/// (pooled) with Cohen's h for a state's share, Welch's t-test with Cohen's d (pooled standard deviation) for a mean.
/// </summary>
public static class Significance
{
    /// <summary>An effect this large stands for "every member differs" (a difference with no spread on either side).</summary>
    public const double MaximumEffect = 10;

    public static TestResult Proportions(long x1, long n1, long x2, long n2)
    {
        if (n1 == 0 || n2 == 0)
        {
            return new TestResult(1, 0);
        }

        var p1 = (double)x1 / n1;
        var p2 = (double)x2 / n2;
        var h = (2 * Math.Asin(Math.Sqrt(p1))) - (2 * Math.Asin(Math.Sqrt(p2)));
        var pooled = (double)(x1 + x2) / (n1 + n2);
        var se = Math.Sqrt(pooled * (1 - pooled) * ((1.0 / n1) + (1.0 / n2)));
        if (se == 0)
        {
            return new TestResult(1, 0);
        }

        var z = (p1 - p2) / se;
        return new TestResult(SpecialFunctions.Erfc(Math.Abs(z) / Math.Sqrt(2)), h);
    }

    public static TestResult Means(in Moments a, in Moments b)
    {
        if (a.Count < 2 || b.Count < 2)
        {
            return new TestResult(1, 0);
        }

        var va = a.Variance;
        var vb = b.Variance;
        var diff = a.Mean - b.Mean;
        var pooled = Math.Sqrt((((a.Count - 1) * va) + ((b.Count - 1) * vb)) / (a.Count + b.Count - 2));
        if (pooled == 0)
        {
            return diff == 0 ? new TestResult(1, 0) : new TestResult(0, Math.Sign(diff) * MaximumEffect);
        }

        var d = Math.Clamp(diff / pooled, -MaximumEffect, MaximumEffect);
        var sa = va / a.Count;
        var sb = vb / b.Count;
        var se = Math.Sqrt(sa + sb);
        if (se == 0)
        {
            return new TestResult(diff == 0 ? 1 : 0, d);
        }

        var t = diff / se;
        var df = (sa + sb) * (sa + sb) / ((sa * sa / (a.Count - 1)) + (sb * sb / (b.Count - 1)));
        var p = 2 * StudentT.CDF(0, 1, Math.Max(df, 1), -Math.Abs(t));
        return new TestResult(Math.Clamp(p, 0, 1), d);
    }
}
