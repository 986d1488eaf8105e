using System.Collections.Concurrent;
using System.Text.Json;
using Hoist.Server.Storage;
using Microsoft.Extensions.Options;

namespace Hoist.Server.Hooks;

/// <summary>
/// Sends the pending post-finish events recorded in the store, from any instance: lists them, POSTs
/// each (signed), deletes it on a 2xx, and backs off on a failure (per event, doubling from
/// Hoist:Hooks:RetryDelay up to MaxRetryDelay, with jitter). Delivery is at least once: two instances,
/// or a crash between the 2xx and the delete, may send an event twice, with the same id.
/// Starts after the server listens, like the sweeper.
/// </summary>
public sealed partial class PostFinishDeliverer(
    IOptions<HookOptions> options,
    StoreCapabilities capabilities,
    HookClient client,
    TimeProvider time,
    IHostApplicationLifetime lifetime,
    ILogger<PostFinishDeliverer> logger) : BackgroundService
{
    /// <summary>The most pending events one pass looks at (in name order, i.e. by id, not by age).</summary>
    private const int PageSize = 1000;

    private readonly SemaphoreSlim _wake = new(0, 1);
    private readonly ConcurrentDictionary<string, (int Failures, DateTimeOffset Next)> _backoff = new(StringComparer.Ordinal);

    private bool Enabled => !string.IsNullOrWhiteSpace(options.Value.PostFinishUrl) && options.Value.Deliver && capabilities.Records is not null;

    /// <summary>Looks at once (a complete on this instance just recorded an event).</summary>
    public void Wake()
    {
        try
        {
            _wake.Release();
        }
        catch (Exception e) when (e is SemaphoreFullException or ObjectDisposedException)
        {
            // Already woken, or shutting down: the event waits in the store for the next pass of any instance.
        }
    }

    /// <summary>One pass over the pending events that are due; answers how many were delivered.</summary>
    public async Task<int> DeliverOnceAsync(CancellationToken cancellationToken)
    {
        var records = capabilities.Records!;
        var delivered = 0;
        var names = await records.ListRecordsAsync(UploadEvents.Folder, PageSize, cancellationToken);
        foreach (var key in _backoff.Keys.Except(names))
        {
            _backoff.TryRemove(key, out _);
        }
        foreach (var name in names)
        {
            if (_backoff.TryGetValue(name, out var wait) && wait.Next > time.GetUtcNow())
            {
                continue;
            }
            var body = await records.GetRecordAsync(UploadEvents.Folder, name, cancellationToken);
            if (body is null)
            {
                _backoff.TryRemove(name, out _);
                continue;
            }
            var id = IdOf(name, body);
            if (await client.DeliverAsync(id, body, cancellationToken))
            {
                await records.DeleteRecordAsync(UploadEvents.Folder, name, cancellationToken);
                _backoff.TryRemove(name, out _);
                delivered++;
                LogDelivered(id);
            }
            else
            {
                var failures = (_backoff.TryGetValue(name, out var before) ? before.Failures : 0) + 1;
                _backoff[name] = (failures, time.GetUtcNow() + DelayAfter(failures));
            }
        }
        return delivered;
    }

    private TimeSpan DelayAfter(int failures)
    {
        var o = options.Value;
        var delay = TimeSpan.FromTicks((long)Math.Min(o.MaxRetryDelay.Ticks, o.RetryDelay.Ticks * Math.Pow(2, Math.Min(failures - 1, 30))));
        return delay * (0.8 + Random.Shared.NextDouble() * 0.4);
    }

    /// <summary>The id inside the record (its name says it too, for a record that cannot be read).</summary>
    private static string IdOf(string name, byte[] body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            if (document.RootElement.TryGetProperty("id", out var id) && id.GetString() is { Length: > 0 } value)
            {
                return value;
            }
        }
        catch (JsonException)
        {
        }
        return Path.GetFileNameWithoutExtension(name);
    }

    /// <summary>How long to sleep: the poll interval, or less when an event backed off is due sooner.</summary>
    private TimeSpan NextWait()
    {
        var wait = options.Value.PollInterval;
        var now = time.GetUtcNow();
        foreach (var (_, (_, next)) in _backoff)
        {
            var until = next - now;
            if (until < wait)
            {
                wait = until;
            }
        }
        return wait < TimeSpan.FromMilliseconds(10) ? TimeSpan.FromMilliseconds(10) : wait;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!Enabled)
        {
            return;
        }
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using (lifetime.ApplicationStarted.Register(() => started.TrySetResult()))
        {
            await started.Task.WaitAsync(stoppingToken);
        }
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await DeliverOnceAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogFailed(e);
            }
            await _wake.WaitAsync(NextWait(), stoppingToken);
        }
    }

    public override void Dispose()
    {
        _wake.Dispose();
        base.Dispose();
    }

    [LoggerMessage(LogLevel.Information, "Delivered post-finish event {EventId}")]
    private partial void LogDelivered(string eventId);

    [LoggerMessage(LogLevel.Warning, "Post-finish delivery pass failed; it runs again at the next poll")]
    private partial void LogFailed(Exception e);
}
