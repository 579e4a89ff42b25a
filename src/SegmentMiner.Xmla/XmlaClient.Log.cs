using Microsoft.Extensions.Logging;

namespace SegmentMiner.Xmla;

/// <summary>What the XMLA client says on stderr, as source-generated log methods.</summary>
public sealed partial class XmlaClient
{
    [LoggerMessage(Level = LogLevel.Warning, Message = "ending XMLA session {Session} failed: {Message}")]
    private static partial void LogEndSessionFailed(ILogger logger, string session, string message);

    [LoggerMessage(Level = LogLevel.Information, Message = "sent Cancel for XMLA session {Session}")]
    private static partial void LogCancelSent(ILogger logger, string session);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Cancel of XMLA session {Session} failed: {Message}")]
    private static partial void LogCancelFailed(ILogger logger, string session, string message);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Context}: {Warning}")]
    private static partial void LogServerWarning(ILogger logger, string context, string warning);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Context}: {Message}; retry {Attempt} of {Retries} in {Delay} s")]
    private static partial void LogRetry(ILogger logger, string context, string message, int attempt, int retries, double delay);
}
