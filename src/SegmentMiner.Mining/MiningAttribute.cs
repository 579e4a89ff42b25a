using System.Globalization;

namespace SegmentMiner.Mining;

/// <summary>
/// A modelled attribute after the structure pass: its states (state 0 is always Missing) for a discrete,
/// discretized or existence-only attribute, or its population statistics for a continuous one.
/// </summary>
public sealed class MiningAttribute
{
    public required string Name { get; init; }

    public required ContentType Content { get; init; }

    public required MiningDataType DataType { get; init; }

    public bool IsInput { get; set; }

    public bool ExistenceOnly { get; init; }

    /// <summary>For an item of a nested table: the nested key this attribute stands for.</summary>
    public string? NestedKey { get; init; }

    /// <summary>State labels; index 0 is "Missing". Empty for continuous attributes.</summary>
    public string[] States { get; init; } = [];

    /// <summary>Discretized: the bucket boundaries (bucket i holds values in [Cuts[i-1], Cuts[i])).</summary>
    public double[] Cuts { get; init; } = [];

    /// <summary>Continuous: mean and standard deviation of the existing values (z-score normalization).</summary>
    public double Mean { get; init; }

    public double StdDev { get; init; } = 1;

    public bool Normalized { get; init; }

    /// <summary>
    /// Continuous: 1 when every training value is a whole number (counts, days, scores), else 0. A cluster's variance
    /// never falls below that rounding's own (resolution squared over 12): a Gaussian narrower than the values' grain
    /// is a spike on one value, whose likelihood grows without bound, not a group of cases.
    /// </summary>
    public double Resolution { get; init; }

    /// <summary>Continuous and discretized: the smallest and largest training value (NaN when none was seen).</summary>
    public double Minimum { get; init; } = double.NaN;

    public double Maximum { get; init; } = double.NaN;

    public bool IsContinuous => Content == ContentType.Continuous && !ExistenceOnly;

    public MiningValueType StateValueType(int state) =>
        state == 0 ? MiningValueType.Missing
        : ExistenceOnly ? MiningValueType.Existing
        : Content == ContentType.Discretized ? MiningValueType.Discretized
        : MiningValueType.Discrete;

    /// <summary>The state of a raw value (0 = Missing, which also takes states beyond MAXIMUM_STATES).</summary>
    internal int StateOf(object? value, Dictionary<string, int> lookup)
    {
        if (NestedKey is not null)
        {
            // A nested item exists when the case's nested table holds its key; an absent row is simply Missing.
            return value is HashSet<string> items && items.Contains(NestedKey) ? 1 : 0;
        }

        if (value is null or DBNull)
        {
            return 0;
        }

        if (ExistenceOnly)
        {
            return 1;
        }

        if (Cuts.Length > 0 || Content == ContentType.Discretized && DataType != MiningDataType.Text)
        {
            var x = Values.ToDouble(value);
            if (double.IsNaN(x))
            {
                return 0;
            }

            var i = Array.BinarySearch(Cuts, x);
            return 1 + (i >= 0 ? i + 1 : ~i);
        }

        return lookup.TryGetValue(Values.Key(value), out var s) ? s : 0;
    }

    /// <summary>The model-space value of a continuous attribute (z-score when normalized), NaN when missing.</summary>
    internal double Scale(object? value)
    {
        var x = Values.ToDouble(value);
        return Normalized ? (x - Mean) / StdDev : x;
    }

    /// <summary>Back from model space to the attribute's own units.</summary>
    public double Unscale(double z) => Normalized ? (z * StdDev) + Mean : z;

    public double UnscaleVariance(double v) => Normalized ? v * StdDev * StdDev : v;
}

/// <summary>Conversions of raw values, culture-invariant.</summary>
internal static class Values
{
    private static readonly DateTime Epoch = new(1899, 12, 30, 0, 0, 0, DateTimeKind.Unspecified);

    public static double ToDouble(object? v) => v switch
    {
        null or DBNull => double.NaN,
        double d => d,
        float f => f,
        decimal m => (double)m,
        int i => i,
        long l => l,
        short s => s,
        byte b => b,
        bool b => b ? 1 : 0,
        DateTime t => (t - Epoch).TotalDays,
        DateOnly d => d.DayNumber - DateOnly.FromDateTime(Epoch).DayNumber,
        string s when double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var x) => x,
        string => double.NaN,
        IConvertible c => c.ToDouble(CultureInfo.InvariantCulture),
        _ => double.NaN,
    };

    public static string Key(object v) => v switch
    {
        string s => s,
        bool b => b ? "True" : "False",
        DateTime t => t.ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture),
        DateOnly d => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => v.ToString() ?? "",
    };

    public static string Number(double x, MiningDataType type) =>
        type == MiningDataType.Long ? Math.Round(x).ToString(CultureInfo.InvariantCulture) : x.ToString("0.####", CultureInfo.InvariantCulture);
}
