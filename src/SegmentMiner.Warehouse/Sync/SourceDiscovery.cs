using Microsoft.Extensions.Logging;
using SegmentMiner.Core;
using SegmentMiner.Core.Configuration;

namespace SegmentMiner.Warehouse.Sync;

/// <summary>
/// Finds the source files under <c>sources/crm</c>, <c>billing</c> and <c>survey</c> and decides which a sync reads,
/// from what the warehouse recorded of each name (either warehouse): same name, size and modification time is
/// unchanged and not even hashed; otherwise the file is hashed, and read when the hash differs from the last load.
/// </summary>
internal sealed partial class SourceDiscovery(DataFolder folder, SegmentMinerOptions options, ILogger log)
{
    private static readonly string[] Extensions = [".csv", ".parquet"];

    public List<FoundFile> Find(IEnumerable<KnownSourceFile> knownFiles, CancellationToken cancellationToken)
    {
        var known = knownFiles.ToDictionary(r => r.FileName, StringComparer.Ordinal);
        var found = new List<FoundFile>();
        foreach (var sub in new[] { "crm", "billing", "survey" })
        {
            var dir = folder.SourceFolder(sub);
            if (!Directory.Exists(dir))
            {
                continue;
            }

            foreach (var path in Directory.EnumerateFiles(dir).Order(StringComparer.Ordinal))
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (Examine(sub, path, known) is { } file)
                {
                    found.Add(file);
                }
            }
        }

        foreach (var spec in SourceEntities.InLoadOrder.Where(s => s != SourceEntities.FxRates))
        {
            var hasSql = options.Sources.Values.Any(s => s.Entities.ContainsKey(spec.Name));
            if (!hasSql && !found.Any(f => f.Info.Entity == spec.Name))
            {
                LogNoSource(log, spec.Name, spec.Folder);
            }
        }

        return found;
    }

    private FoundFile? Examine(string sub, string path, Dictionary<string, KnownSourceFile> known)
    {
        var name = Path.GetFileName(path);
        var spec = SourceEntities.ForFile(sub, name);
        if (spec is null || !Extensions.Any(e => name.EndsWith(e, StringComparison.OrdinalIgnoreCase)))
        {
            LogIgnored(log, $"{sub}/{name}");
            return null;
        }

        var relative = $"{sub}/{name}";
        var size = new FileInfo(path).Length;
        var modified = SourceFileInfo.ModifiedTime(path);
        known.TryGetValue(relative, out var previous);
        if (previous is not null && previous.SizeBytes == size && previous.FileModifiedAt == modified)
        {
            // Same name, size and modification time: unchanged, and not read again.
            return new FoundFile(new SourceFileInfo(spec.Name, relative, path, size, previous.Sha256, modified), IsNew: false);
        }

        var info = new SourceFileInfo(spec.Name, relative, path, size, SourceFileInfo.HashFile(path), modified);
        var unchanged = previous is not null && previous.Sha256 == info.Sha256;
        if (previous is not null && !unchanged)
        {
            LogChangedFile(log, relative, previous.BatchId);
        }

        return new FoundFile(info, IsNew: !unchanged);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "ignoring {File}: not a source file of the contract")]
    private static partial void LogIgnored(ILogger logger, string file);

    [LoggerMessage(Level = LogLevel.Information, Message = "no {Entity} source in sources/{Folder}/: the features that depend on it stay null")]
    private static partial void LogNoSource(ILogger logger, string entity, string folder);

    [LoggerMessage(Level = LogLevel.Information, Message = "{File} changed since batch {BatchId} loaded it: reading it again whole (versions already staged with the same content stay as they are)")]
    private static partial void LogChangedFile(ILogger logger, string file, long batchId);
}
