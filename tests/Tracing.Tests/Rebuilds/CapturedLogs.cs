using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Tracing.Tests.Rebuilds;

/// <summary>Keeps every log line (with its exception) of a host, so a test can assert what was and was not logged.</summary>
public sealed class CapturedLogs : ILoggerProvider
{
    private readonly ConcurrentQueue<string> _lines = new();

    public IReadOnlyList<string> Lines => _lines.ToArray();

    public ILogger CreateLogger(string category) => new Logger(category, _lines);

    public void Dispose() { }

    private sealed class Logger(string category, ConcurrentQueue<string> lines) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
        public bool IsEnabled(LogLevel level) => level >= LogLevel.Information;

        public void Log<TState>(LogLevel level, EventId id, TState state, Exception? ex, Func<TState, Exception?, string> format) =>
            lines.Enqueue($"{level} {category}: {format(state, ex)} {ex}");
    }
}
