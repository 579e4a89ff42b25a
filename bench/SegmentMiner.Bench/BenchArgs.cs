using System.Globalization;

namespace SegmentMiner.Bench;

/// <summary>--name value pairs.</summary>
internal sealed class BenchArgs
{
    private readonly Dictionary<string, string> _values = new(StringComparer.Ordinal);

    public static BenchArgs Parse(string[] args)
    {
        var a = new BenchArgs();
        for (var i = 0; i + 1 < args.Length; i++)
        {
            if (args[i].StartsWith("--", StringComparison.Ordinal) && !args[i + 1].StartsWith("--", StringComparison.Ordinal))
            {
                a._values[args[i]] = args[++i];
            }
        }

        return a;
    }

    public string? GetText(string name) => _values.TryGetValue(name, out var v) ? v : null;

    public int Get(string name, int fallback) =>
        _values.TryGetValue(name, out var v) ? int.Parse(v, NumberStyles.Integer, CultureInfo.InvariantCulture) : fallback;
}
