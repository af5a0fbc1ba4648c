using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Likeness.Api.Tests.Gemini;

/// <summary>A logger provider that keeps every message (Trace and up), with exceptions, for assertions.</summary>
public sealed class GeminiLogCapture : ILoggerProvider
{
    private readonly ConcurrentQueue<GeminiLogEntry> _entries = new();

    public IReadOnlyList<GeminiLogEntry> Entries => _entries.ToArray();

    public string AllText => string.Join("\n", _entries.Select(e => e.ToString()));

    public ILogger CreateLogger(string categoryName) => new Logger(categoryName, _entries);

    public void Dispose() { }

    private sealed class Logger(string category, ConcurrentQueue<GeminiLogEntry> entries) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
        public bool IsEnabled(LogLevel logLevel) => true;
        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            entries.Enqueue(new GeminiLogEntry(category, logLevel, formatter(state, exception), exception));
    }
}

public sealed record GeminiLogEntry(string Category, LogLevel Level, string Message, Exception? Exception)
{
    public override string ToString() => $"{Level} {Category}: {Message}{(Exception is null ? "" : "\n" + Exception)}";
}
