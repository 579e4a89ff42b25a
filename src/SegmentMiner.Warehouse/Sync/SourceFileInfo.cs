using System.Security.Cryptography;

namespace SegmentMiner.Warehouse.Sync;

/// <summary>A file drop found under <c>sources/</c>: its entity, its name relative to the sources folder, size and hash.</summary>
public sealed record SourceFileInfo(string Entity, string RelativeName, string FullPath, long SizeBytes, string Sha256)
{
    public bool IsParquet => FullPath.EndsWith(".parquet", StringComparison.OrdinalIgnoreCase);

    public static string HashFile(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }
}
