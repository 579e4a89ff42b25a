namespace SegmentMiner.Pipeline.Publishing.Facts;

/// <summary>Exact summaries of sorted values: quantiles interpolated between order statistics (as DuckDB's quantile_cont and numpy's default).</summary>
public static class Quantiles
{
    public static double Of(double[] sorted, double q)
    {
        if (sorted.Length == 0)
        {
            return double.NaN;
        }

        var h = (sorted.Length - 1) * q;
        var lo = (int)Math.Floor(h);
        var hi = Math.Min(lo + 1, sorted.Length - 1);
        return sorted[lo] + ((h - lo) * (sorted[hi] - sorted[lo]));
    }

    public static Summary Summarize(string attribute, double[] sorted, long cases)
    {
        var m = new Moments();
        foreach (var v in sorted)
        {
            m.Add(v);
        }

        return sorted.Length == 0
            ? new Summary(attribute, 0, 0, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN)
            : new Summary(attribute, sorted.Length, cases == 0 ? 0 : (double)sorted.Length / cases, m.Mean, m.StdDev, sorted[0], Of(sorted, 0.25), Of(sorted, 0.5), Of(sorted, 0.75), sorted[^1]);
    }
}
