using Microsoft.Extensions.Logging;

namespace SegmentMiner.Bench;

/// <summary>With --verbose, the sync's step timings go to stderr.</summary>
internal sealed class StderrLogger : ILogger
{
    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
        Console.Error.WriteLine($"{DateTime.UtcNow:HH:mm:ss.fff} {formatter(state, exception)}");
}
