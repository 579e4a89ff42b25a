using Microsoft.Extensions.Logging;

namespace SegmentMiner.Cli;

/// <summary>Logs, progress and warnings go to stderr, synchronously, one line each; stdout carries only results.</summary>
internal sealed class StderrLoggerProvider(LogLevel minimum) : ILoggerProvider
{
    public ILogger CreateLogger(string categoryName) => new StderrLogger(minimum);

    public void Dispose()
    {
    }

    private sealed class StderrLogger(LogLevel minimum) : ILogger
    {
        private static readonly Lock Gate = new();

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= minimum && logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel))
            {
                return;
            }

            var level = logLevel switch
            {
                LogLevel.Warning => "warning: ",
                LogLevel.Error or LogLevel.Critical => "error: ",
                LogLevel.Debug or LogLevel.Trace => "debug: ",
                _ => "",
            };
            lock (Gate)
            {
                Console.Error.WriteLine($"{DateTime.UtcNow:HH:mm:ss} {level}{formatter(state, exception)}");
            }
        }
    }
}
