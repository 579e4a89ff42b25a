using SegmentMiner.Core;

namespace SegmentMiner.Warehouse.Sync;

/// <summary>What one source (a file, or a SQL source's rows) gave a batch.</summary>
internal sealed record FileLoad(string Entity, string Kind, long Read, long Loaded, long Rejected);

/// <summary>The per-entity counts a sync reports, from the files found and the loads done (both warehouses).</summary>
internal static class SyncSummary
{
    public static List<EntityCounts> Of(List<FoundFile> files, List<FileLoad> loads) =>
        SourceEntities.InLoadOrder.Select(s =>
        {
            var l = loads.Where(x => x.Entity == s.Name).ToList();
            var read = l.Sum(x => x.Read);
            var rejected = l.Sum(x => x.Rejected);
            var loaded = l.Sum(x => x.Loaded);
            return new EntityCounts(s.Name, l.Count(x => x.Kind == "file"), files.Count(f => f.Info.Entity == s.Name && !f.IsNew), read, loaded, read - rejected - loaded, rejected);
        }).ToList();
}
