using System.Globalization;
using System.Text.RegularExpressions;

namespace SegmentMiner.Core.Configuration;

/// <summary>Sizes written in settings (<c>512MB</c>, <c>2.5GB</c>, <c>1GiB</c>), read as whole megabytes.</summary>
public static partial class MemorySize
{
    /// <summary>The default memory limit: the smaller of 25% of the memory this process may use and 2.5 GB.</summary>
    public static long DefaultMegabytes()
    {
        var available = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
        var quarter = available > 0 ? available / 4 / (1024 * 1024) : 2560;
        return Math.Max(256, Math.Min(2560, quarter));
    }

    /// <summary>Warehouse:MemoryLimit in megabytes: the setting when it is a size, else the default.</summary>
    public static long Megabytes(string? setting) => (setting is null ? null : TryParseMegabytes(setting)) ?? DefaultMegabytes();

    /// <summary>The size in megabytes (1024 x 1024 bytes), or null when the text is not a size.</summary>
    public static long? TryParseMegabytes(string text)
    {
        var m = SizePattern().Match(text ?? "");
        if (!m.Success || !double.TryParse(m.Groups[1].Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
        {
            return null;
        }

        var factor = m.Groups[2].Value.ToUpperInvariant() switch
        {
            "KB" or "KIB" => 1.0 / 1024,
            "MB" or "MIB" => 1.0,
            "GB" or "GIB" => 1024.0,
            "TB" or "TIB" => 1024.0 * 1024,
            _ => double.NaN,
        };
        var mb = value * factor;
        return double.IsFinite(mb) && mb < long.MaxValue ? (long)mb : null;
    }

    [GeneratedRegex(@"^\s*(\d+(?:\.\d+)?)\s*([KMGT]i?B)\s*$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex SizePattern();
}
