namespace SegmentMiner.Pipeline.Publishing.Facts;

/// <summary>
/// Bins a continuous attribute from the population's actual values. A value held by at least
/// <see cref="PointShare"/> of the population is a bin of its own ("12 invoices", "0%"); the values between such
/// points are cut at their quantiles into about <see cref="Target"/> bins in all, at round numbers. A constant
/// attribute has no bins. Integer-valued attributes get inclusive ranges of the values held ("3–5 invoices"); others
/// get "under X", "X–Y" (X up to, not including, Y) and "X and over".
/// </summary>
public static class Binning
{
    public const double PointShare = 0.2;

    public const int Target = 5;

    /// <summary>The bins of the sorted non-missing values; empty when there are fewer than two distinct values.</summary>
    public static IReadOnlyList<Bin> Build(double[] sorted, Unit unit, ValueFormat format)
    {
        var distinct = Distinct(sorted);
        if (distinct.Count < 2)
        {
            return [];
        }

        var integer = sorted.All(v => v == Math.Floor(v));
        var heavy = distinct.Where(d => d.Count >= PointShare * sorted.Length).Select(d => d.Value).ToHashSet();
        var runs = Runs(distinct, heavy);
        var free = runs.Where(r => !r.Point).Sum(r => r.Values.Sum(v => v.Count));
        var raw = new List<(double Min, double Max)>();
        foreach (var run in runs)
        {
            if (run.Point)
            {
                raw.Add((run.Values[0].Value, run.Values[0].Value));
                continue;
            }

            var count = run.Values.Sum(v => v.Count);
            var parts = Math.Clamp((int)Math.Round((double)Target * count / Math.Max(free, 1)), 1, run.Values.Count);
            raw.AddRange(Split(run.Values, parts).Select(p => (p[0].Value, p[^1].Value)));
        }

        return Label(raw, integer, unit, format);
    }

    private static List<(double Value, int Count)> Distinct(double[] sorted)
    {
        var result = new List<(double, int)>();
        for (var i = 0; i < sorted.Length;)
        {
            var j = i;
            while (j < sorted.Length && sorted[j] == sorted[i])
            {
                j++;
            }

            result.Add((sorted[i], j - i));
            i = j;
        }

        return result;
    }

    private sealed record Run(bool Point, List<(double Value, int Count)> Values);

    private static List<Run> Runs(List<(double Value, int Count)> distinct, HashSet<double> heavy)
    {
        var runs = new List<Run>();
        foreach (var d in distinct)
        {
            if (heavy.Contains(d.Value))
            {
                runs.Add(new Run(true, [d]));
            }
            else if (runs.Count > 0 && !runs[^1].Point)
            {
                runs[^1].Values.Add(d);
            }
            else
            {
                runs.Add(new Run(false, [d]));
            }
        }

        return runs;
    }

    /// <summary>Splits a run of distinct values into <paramref name="parts"/> groups of about equal counts.</summary>
    private static List<List<(double Value, int Count)>> Split(List<(double Value, int Count)> values, int parts)
    {
        var total = values.Sum(v => v.Count);
        var groups = new List<List<(double, int)>> { new() };
        var seen = 0;
        for (var i = 0; i < values.Count; i++)
        {
            var left = values.Count - i;
            var boundary = (double)total * groups.Count / parts;
            if (groups[^1].Count > 0 && groups.Count < parts && (seen >= boundary || left <= parts - groups.Count))
            {
                groups.Add([]);
            }

            groups[^1].Add(values[i]);
            seen += values[i].Count;
        }

        return groups;
    }

    private static List<Bin> Label(List<(double Min, double Max)> raw, bool integer, Unit unit, ValueFormat format)
    {
        var bins = new List<Bin>();
        for (var i = 0; i < raw.Count; i++)
        {
            var (min, max) = raw[i];
            string label;
            if (min == max)
            {
                label = format.Bare(min, unit) + ValueFormat.Words(unit, min);
            }
            else if (integer)
            {
                label = Range(format.Bare(min, unit), format.Bare(max, unit), min < 0) + ValueFormat.Words(unit, max);
            }
            else
            {
                var lower = i == 0 ? (double?)null : Nice(raw[i - 1].Max, min);
                var upper = i == raw.Count - 1 ? (double?)null : Nice(max, raw[i + 1].Min);
                label = (lower, upper) switch
                {
                    (null, { } u) => "under " + format.Bare(u, unit),
                    ({ } l, null) => format.Bare(l, unit) + " and over",
                    ({ } l, { } u) => Range(format.Bare(l, unit), format.Bare(u, unit), l < 0),
                    _ => format.Bare(min, unit) + " and over",
                } + ValueFormat.Words(unit, 2);
            }

            bins.Add(new Bin(min, max, label));
        }

        return Unique(bins);
    }

    private static string Range(string low, string high, bool negative) => negative ? low + " to " + high : low + "–" + high;

    /// <summary>The roundest number in (<paramref name="below"/>, <paramref name="above"/>]: fewest significant digits.</summary>
    public static double Nice(double below, double above)
    {
        var magnitude = Math.Max(Math.Abs(below), Math.Abs(above));
        if (magnitude == 0)
        {
            return above;
        }

        var top = Math.Floor(Math.Log10(magnitude));
        // Steps 1000, 500, 100, 50, 10, 5, 1, 0.5, ...: the first that has a multiple in the interval.
        for (var e = top; e > top - 12; e--)
        {
            foreach (var s in new[] { Math.Pow(10, e), 5 * Math.Pow(10, e - 1) })
            {
                var x = (Math.Floor(below / s) + 1) * s;
                if (x > below && x <= above)
                {
                    return Math.Round(x, 12);
                }
            }
        }

        return above;
    }

    /// <summary>Two bins whose rounded labels coincide keep the exact bounds of their values instead.</summary>
    private static List<Bin> Unique(List<Bin> bins)
    {
        var duplicated = bins.GroupBy(b => b.Label).Where(g => g.Count() > 1).SelectMany(g => g).ToHashSet();
        return bins.Select(b => duplicated.Contains(b) ? b with { Label = Exact(b) } : b).ToList();
    }

    private static string Exact(Bin b) =>
        b.Minimum.ToString("G6", System.Globalization.CultureInfo.InvariantCulture) + " to " + b.Maximum.ToString("G6", System.Globalization.CultureInfo.InvariantCulture);
}
