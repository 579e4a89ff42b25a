using Microsoft.Extensions.Logging;

namespace SegmentMiner.Cli.Commands;

internal static class LogExtensions
{
    /// <summary>A plain progress line on stderr.</summary>
    public static void LogInformationText(this ILogger log, string text) => log.LogInformation("{Text}", text);
}
