using Microsoft.Extensions.Logging;

namespace SegmentMiner.Pipeline.Publishing;

/// <summary>What publish says on stderr, as source-generated log methods.</summary>
public sealed partial class PublishService
{
    [LoggerMessage(Level = LogLevel.Information, Message = "{Line}")]
    private static partial void LogLine(ILogger logger, string line);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Model}: run {Run} is current again; the next publish of a new processing replaces it")]
    private static partial void LogRestored(ILogger logger, string model, long run);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Model}: already published as run {Run} (same processing, same definition): nothing to do")]
    private static partial void LogAlreadyPublished(ILogger logger, string model, long run);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Model}: reading the model from the {Server} server")]
    private static partial void LogReading(ILogger logger, string model, string server);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Model}: {Clusters} clusters, {Cases:N0} cases scored; describing the segments from their members")]
    private static partial void LogScored(ILogger logger, string model, int clusters, int cases);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Model}: segment {Key} renamed from '{Old}' to '{New}': the old name no longer holds for its members")]
    private static partial void LogRenamed(ILogger logger, string model, long key, string old, string @new);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Model}: run {Run} published and current ({Kept} segments kept, {Revived} revived, {New} new, {Retired} retired)")]
    private static partial void LogPublished(ILogger logger, string model, long run, int kept, int revived, int @new, int retired);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Model}: {Notice}")]
    private static partial void LogNotice(ILogger logger, string model, string notice);

    [LoggerMessage(Level = LogLevel.Information, Message = "wrote the {Files} current seg views as Parquet to {Folder} (Publish:ExportFolder) for report tools")]
    private static partial void LogExported(ILogger logger, int files, string folder);

    [LoggerMessage(Level = LogLevel.Information, Message = "product personas: portfolio rewritten ({Golden} golden personas)")]
    private static partial void LogPortfolio(ILogger logger, int golden);

    [LoggerMessage(Level = LogLevel.Warning, Message = "the persona map and portfolio were not rebuilt after the failed model ({Reason}); the next publish rebuilds them")]
    private static partial void LogMapsNotRebuilt(ILogger logger, string reason);
}
