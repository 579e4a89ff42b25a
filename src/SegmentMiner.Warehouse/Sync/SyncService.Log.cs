using Microsoft.Extensions.Logging;

namespace SegmentMiner.Warehouse.Sync;

/// <summary>What sync says on stderr, as source-generated log methods.</summary>
public sealed partial class SyncService
{
    [LoggerMessage(Level = LogLevel.Warning, Message = "{Message}")]
    private static partial void LogWaiting(ILogger logger, string message);

    [LoggerMessage(Level = LogLevel.Information, Message = "nothing new: {Reason}")]
    private static partial void LogNothingNew(ILogger logger, string reason);





    [LoggerMessage(Level = LogLevel.Debug, Message = "{File}: checked in {Seconds:0.00} s")]
    private static partial void LogChecked(ILogger logger, string file, double seconds);

    [LoggerMessage(Level = LogLevel.Debug, Message = "{File}: rejections written at {Seconds:0.00} s")]
    private static partial void LogRejectionsWritten(ILogger logger, string file, double seconds);

    [LoggerMessage(Level = LogLevel.Debug, Message = "{File}: staged at {Seconds:0.00} s")]
    private static partial void LogStaged(ILogger logger, string file, double seconds);

    [LoggerMessage(Level = LogLevel.Information, Message = "{File}: {Read} rows checked, {Loaded} new versions staged, {Rejected} rejected ({Seconds:0.00} s)")]
    private static partial void LogLoaded(ILogger logger, string file, long read, long loaded, long rejected, double seconds);


    [LoggerMessage(Level = LogLevel.Warning, Message = "could not record the failed batch: {Message}")]
    private static partial void LogNotRecorded(ILogger logger, string message);


    [LoggerMessage(Level = LogLevel.Warning, Message = "{File}: {Count} staged versions corrected (same key and ModifiedAt, other content; this read wins, see ops.Correction)")]
    private static partial void LogCorrections(ILogger logger, string file, long count);


    [LoggerMessage(Level = LogLevel.Information, Message = "features and snapshots: {How} (features {Features:0.00} s, snapshots {Snapshots:0.00} s)")]
    private static partial void LogDerived(ILogger logger, string how, double features, double snapshots);

    [LoggerMessage(Level = LogLevel.Warning, Message = "an earlier sync merged its batch but did not finish features and snapshots: this one rebuilds them whole")]
    private static partial void LogDerivedPending(ILogger logger);

    [LoggerMessage(Level = LogLevel.Debug, Message = "merge: {Step} done at {Seconds:0.00} s")]
    private static partial void LogMerged(ILogger logger, string step, double seconds);

    [LoggerMessage(Level = LogLevel.Debug, Message = "{File}: {Step} done at {Seconds:0.00} s")]
    private static partial void LogStep(ILogger logger, string file, string step, double seconds);
}
