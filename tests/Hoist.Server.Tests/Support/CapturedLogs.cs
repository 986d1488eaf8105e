using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Hoist.Server.Tests.Support;

/// <summary>
/// A logger provider that keeps every line with the fields of its scopes, as a console formatter
/// with IncludeScopes sees them: add it to a test app (<c>services.AddSingleton&lt;ILoggerProvider&gt;(logs)</c>).
/// </summary>
public sealed class CapturedLogs : ILoggerProvider, ISupportExternalScope
{
    private readonly ConcurrentQueue<Line> _lines = new();
    private IExternalScopeProvider _scopes = new LoggerExternalScopeProvider();

    public IReadOnlyList<Line> Lines => [.. _lines];

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void SetScopeProvider(IExternalScopeProvider scopeProvider) => _scopes = scopeProvider;

    public void Dispose() { }

    /// <summary>A log line: its category, level, message, and the fields of every scope it was written in.</summary>
    public sealed record Line(string Category, LogLevel Level, string Message, IReadOnlyDictionary<string, string?> Scope);

    private sealed class Logger(CapturedLogs logs, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => logs._scopes.Push(state);

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var fields = new Dictionary<string, string?>(StringComparer.Ordinal);
            logs._scopes.ForEachScope((scope, into) =>
            {
                if (scope is IEnumerable<KeyValuePair<string, object?>> pairs)
                {
                    foreach (var (key, value) in pairs)
                    {
                        into[key] = value?.ToString();
                    }
                }
            }, fields);
            logs._lines.Enqueue(new Line(category, logLevel, formatter(state, exception), fields));
        }
    }
}
