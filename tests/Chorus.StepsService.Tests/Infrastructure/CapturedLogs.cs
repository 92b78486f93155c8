using System.Collections.Concurrent;
using System.Diagnostics;

namespace Chorus.StepsService.Tests.Infrastructure;

/// <summary>Keeps every log message of a service, so a test can read what the service says it did.</summary>
internal sealed class CapturedLogs : ILoggerProvider
{
    private readonly ConcurrentQueue<string> _messages = new();

    public IReadOnlyList<string> Messages => [.. _messages];

    public ILogger CreateLogger(string categoryName) => new Logger(_messages);

    /// <summary>Waits (at most <paramref name="limit"/>, 20 s by default) for a message that satisfies <paramref name="match"/>.</summary>
    public async Task<string> WaitForAsync(Func<string, bool> match, TimeSpan? limit = null)
    {
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < (limit ?? TimeSpan.FromSeconds(20)))
        {
            if (_messages.FirstOrDefault(match) is { } found)
                return found;
            await Task.Delay(20);
        }
        Assert.Fail("No such log message; the service logged:\n" + string.Join('\n', _messages));
        return "";
    }

    public void Dispose()
    {
    }

    private sealed class Logger(ConcurrentQueue<string> messages) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
                messages.Enqueue(formatter(state, exception));
        }
    }
}
