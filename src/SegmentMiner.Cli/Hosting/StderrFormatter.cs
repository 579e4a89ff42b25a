using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Console;

namespace SegmentMiner.Cli.Hosting;

/// <summary>
/// One line per entry on stderr: the UTC time, the level when it is not plain information, the message (and an
/// exception's message, never its stack, unless --verbose). Stdout carries only results.
/// </summary>
internal sealed class StderrFormatter() : ConsoleFormatter(Name)
{
    public new const string Name = "segminer";

    public override void Write<TState>(in LogEntry<TState> logEntry, Microsoft.Extensions.Logging.IExternalScopeProvider? scopeProvider, TextWriter textWriter)
    {
        var message = logEntry.Formatter(logEntry.State, logEntry.Exception);
        if (message is null && logEntry.Exception is null)
        {
            return;
        }

        var level = logEntry.LogLevel switch
        {
            LogLevel.Warning => "warning: ",
            LogLevel.Error or LogLevel.Critical => "error: ",
            LogLevel.Debug or LogLevel.Trace => "debug: ",
            _ => "",
        };
        var exception = logEntry.Exception is { } ex ? (logEntry.LogLevel <= LogLevel.Debug ? $"\n{ex}" : $" ({ex.Message})") : "";
        textWriter.Write($"{DateTime.UtcNow:HH:mm:ss} {level}{Core.Identifiers.Printable(message + exception)}\n");
    }
}
