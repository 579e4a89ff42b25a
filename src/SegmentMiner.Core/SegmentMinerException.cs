namespace SegmentMiner.Core;

/// <summary>The root of every error SegmentMiner raises on purpose; the CLI prints its message without a stack trace.</summary>
public class SegmentMinerException : Exception
{
    public SegmentMinerException(string message) : base(message) { }

    public SegmentMinerException(string message, Exception inner) : base(message, inner) { }

    /// <summary>The process exit code the CLI uses for this error.</summary>
    public virtual int ExitCode => 1;
}

/// <summary>A setting is missing or invalid; the message names the setting and the rejected value.</summary>
public sealed class ConfigurationException : SegmentMinerException
{
    public ConfigurationException(IReadOnlyList<string> errors)
        : base("Invalid configuration:" + Environment.NewLine + string.Join(Environment.NewLine, errors.Select(e => "  - " + e)))
    {
        Errors = errors;
    }

    public IReadOnlyList<string> Errors { get; }

    public override int ExitCode => 2;
}
