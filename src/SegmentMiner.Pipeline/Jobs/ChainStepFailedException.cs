using SegmentMiner.Core;

namespace SegmentMiner.Pipeline.Jobs;

/// <summary>A step of the chain failed: the exit code says which (11 sync, 12 process, 13 publish), the message why.</summary>
public sealed class ChainStepFailedException(string job, int exitCode, string message, Exception inner) : SegmentMinerException(message, inner)
{
    public string Job { get; } = job;

    public override int ExitCode => exitCode;
}
