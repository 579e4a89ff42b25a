using System.Security.Cryptography;

namespace SegmentMiner.Warehouse.Sync;

/// <summary>
/// A file drop found under <c>sources/</c>: its entity, its name relative to the sources folder, size, hash and
/// modification time (UTC; null for rows read from a SQL source).
/// </summary>
public sealed record SourceFileInfo(string Entity, string RelativeName, string FullPath, long SizeBytes, string Sha256, DateTime? FileModifiedAt = null)
{
    public bool IsParquet => FullPath.EndsWith(".parquet", StringComparison.OrdinalIgnoreCase);

    public static string HashFile(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }

    /// <summary>The modification time as ops.SourceFile keeps it (microseconds, as both warehouses store them).</summary>
    public static DateTime ModifiedTime(string path)
    {
        var t = File.GetLastWriteTimeUtc(path);
        return new DateTime(t.Ticks - (t.Ticks % 10), DateTimeKind.Utc);
    }
}
