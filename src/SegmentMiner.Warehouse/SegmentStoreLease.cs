using SegmentMiner.Warehouse.Publishing;

namespace SegmentMiner.Warehouse;

/// <summary>A segment store with what must be released when the writer is done (the DuckDB writer lock).</summary>
public sealed class SegmentStoreLease(ISegmentStore store, IDisposable? writerLock) : IDisposable
{
    public ISegmentStore Store => store;

    public void Dispose() => writerLock?.Dispose();
}
