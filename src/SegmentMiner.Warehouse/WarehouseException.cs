using SegmentMiner.Core;

namespace SegmentMiner.Warehouse;

/// <summary>A warehouse operation failed; the message says which file, setting or step.</summary>
public sealed class WarehouseException : SegmentMinerException
{
    public WarehouseException(string message) : base(message) { }

    public WarehouseException(string message, Exception inner) : base(message, inner) { }
}

/// <summary>Another process holds the warehouse for writing longer than <c>Sync:LockTimeout</c>.</summary>
public sealed class WarehouseLockedException : SegmentMinerException
{
    public WarehouseLockedException(string message) : base(message) { }

    public override int ExitCode => 3;
}
