namespace SegmentMiner.Pipeline.Publishing.Facts;

/// <summary>Count, mean and sum of squared deviations of a set of values, added one at a time (Welford) or subtracted whole.</summary>
public struct Moments
{
    public long Count;
    public double Mean;
    public double M2;

    public void Add(double x)
    {
        Count++;
        var d = x - Mean;
        Mean += d / Count;
        M2 += d * (x - Mean);
    }

    /// <summary>The sample variance (n - 1); 0 under two values.</summary>
    public readonly double Variance => Count < 2 ? 0 : Math.Max(M2 / (Count - 1), 0);

    public readonly double StdDev => Math.Sqrt(Variance);

    /// <summary>The moments of <paramref name="whole"/> without the values of <paramref name="part"/>.</summary>
    public static Moments Without(in Moments whole, in Moments part)
    {
        var n = whole.Count - part.Count;
        if (n <= 0)
        {
            return default;
        }

        var mean = ((whole.Mean * whole.Count) - (part.Mean * part.Count)) / n;
        var m2 = whole.M2 - part.M2 - (part.Count * (part.Mean - whole.Mean) * (part.Mean - whole.Mean)) - (n * (mean - whole.Mean) * (mean - whole.Mean));
        return new Moments { Count = n, Mean = mean, M2 = Math.Max(m2, 0) };
    }
}
