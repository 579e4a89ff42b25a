using System.Globalization;

namespace SegmentMiner.Bench;

/// <summary>--name value pairs.</summary>
internal sealed class BenchArgs
{
    private readonly Dictionary<string, string> _values = new(StringComparer.Ordinal);

    public static BenchArgs Parse(string[] args)
    {
        var a = new BenchArgs();
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            a._values[args[i]] = args[i + 1];
        }

        return a;
    }

    public int Get(string name, int fallback) =>
        _values.TryGetValue(name, out var v) ? int.Parse(v, NumberStyles.Integer, CultureInfo.InvariantCulture) : fallback;
}
