using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;

namespace Hoist.Resilience.Tests.Support;

public sealed record LogEntry(string Category, LogLevel Level, string Message);

/// <summary>A logger provider that keeps every entry, for tests that check what the server logged.</summary>
public sealed class LogCapture : ILoggerProvider
{
    public ConcurrentQueue<LogEntry> Entries { get; } = new();

    public ILogger CreateLogger(string categoryName) => new Logger(categoryName, Entries);

    public void Dispose() { }

    private sealed class Logger(string category, ConcurrentQueue<LogEntry> entries) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            entries.Enqueue(new LogEntry(category, logLevel, formatter(state, exception)));
    }
}

public sealed record Measurement(object? Scope, string Instrument, long Value);

/// <summary>Listens to the server's "Hoist.Server" meters; measurements carry their meter's scope (the app's IMeterFactory).</summary>
public sealed class MetricCapture : IDisposable
{
    private readonly MeterListener _listener = new();

    public MetricCapture()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == "Hoist.Server")
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, _, _) =>
        {
            Measurements.Enqueue(new Measurement(instrument.Meter.Scope, instrument.Name, value));
            Recorded?.Invoke();
        });
        _listener.Start();
    }

    public ConcurrentQueue<Measurement> Measurements { get; } = new();

    /// <summary>Called after each measurement (from the thread that made it).</summary>
    public Action? Recorded { get; set; }

    /// <summary>The sum of an instrument's measurements made through one meter factory.</summary>
    public long Sum(object scope, string instrument) =>
        Measurements.Where(m => ReferenceEquals(m.Scope, scope) && m.Instrument == instrument).Sum(m => m.Value);

    /// <summary>Waits (really) until an instrument's sum reaches <paramref name="atLeast"/>.</summary>
    public async Task WaitForAsync(object scope, string instrument, long atLeast, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (Sum(scope, instrument) < atLeast)
        {
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"{instrument} reached {Sum(scope, instrument)}, not {atLeast}, within {timeout}.");
            }
            await Task.Delay(20);
        }
    }

    public void Dispose() => _listener.Dispose();
}
