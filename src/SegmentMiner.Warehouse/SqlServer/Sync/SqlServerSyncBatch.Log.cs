using Microsoft.Extensions.Logging;

namespace SegmentMiner.Warehouse.SqlServer.Sync;

/// <summary>What a SQL Server sync says on stderr.</summary>
public sealed partial class SqlServerSyncBatch
{
    [LoggerMessage(Level = LogLevel.Information, Message = "nothing new: {Reason}")]
    private static partial void LogNothingNew(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "{File}: {Read} rows checked, {Loaded} new versions staged, {Rejected} rejected ({Seconds:0.00} s)")]
    private static partial void LogLoaded(ILogger logger, string file, long read, long loaded, long rejected, double seconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{File}: {Count} staged versions corrected (same key and ModifiedAt, other content; this read wins, see ops.Correction)")]
    private static partial void LogCorrections(ILogger logger, string file, long count);


    [LoggerMessage(Level = LogLevel.Debug, Message = "merge: {Step} done at {Seconds:0.00} s")]
    private static partial void LogMerged(ILogger logger, string step, double seconds);

    [LoggerMessage(Level = LogLevel.Information, Message = "features and snapshots: {How} (features {Features:0.00} s, snapshots {Snapshots:0.00} s)")]
    private static partial void LogDerived(ILogger logger, string how, double features, double snapshots);

    [LoggerMessage(Level = LogLevel.Warning, Message = "could not record the failed batch: {Message}")]
    private static partial void LogNotRecorded(ILogger logger, string message);
}
