using Microsoft.Extensions.Logging;

namespace SegmentMiner.Pipeline;

/// <summary>Progress as log lines, written at once (not posted to a context), so they stay in order.</summary>
public sealed class LogProgress(ILogger log) : IProgress<string>
{
    public void Report(string value) => log.LogInformation("{Progress}", value);
}
