using SegmentMiner.Core.Configuration;

namespace SegmentMiner.Warehouse.Sync;

/// <summary>
/// The rule that stops a batch when a file is mostly bad (both warehouses): more rejected rows than
/// Sync:MaxRejectedRows and a larger share than Sync:MaxRejectedFraction. A few bad rows are rejected and kept; a
/// file that is mostly bad is more likely a wrong file or a broken export than bad data.
/// </summary>
internal static class RejectionLimit
{
    public static bool Exceeded(SyncOptions sync, long read, long rejected) =>
        rejected > sync.MaxRejectedRows && (double)rejected / read > sync.MaxRejectedFraction;

    public static WarehouseException Error(SyncOptions sync, string file, long read, long rejected, IEnumerable<(long Line, string Reason)> samples) =>
        new($"{file}: {rejected} of {read} rows rejected ({(double)rejected / read:P1}), more than Sync:MaxRejectedFraction ({sync.MaxRejectedFraction:P1}) and more than Sync:MaxRejectedRows ({sync.MaxRejectedRows}); " +
            "the batch is not applied. First rejections: " + string.Join("; ", samples.Select(s => $"line {s.Line}: {s.Reason}")));
}
