namespace Hoist.Server.Storage;

/// <summary>
/// Retries a part or object upload that the store refused as <see cref="StoreErrorCode.Unavailable"/>
/// before reading a byte of its body: a connection to the store that would not open, or a 503
/// SlowDown answered to Expect: 100-continue. The body is still whole, so trying again here spares
/// the client from sending the whole part again.
/// <para>
/// Nothing else is retried. A body the store began to read cannot be replayed (it streams, it is
/// never buffered): that failure goes back to the client as a 503, and the client sends the part
/// again. The other calls pass straight through: the S3 SDK already retries its own calls (standard
/// mode, with backoff and jitter) and the FileSystemStore has no transient errors; a second layer of
/// retries would only multiply the attempts and hold the client's request longer.
/// </para>
/// <para>
/// It also watches every call for how long the store has been failing (<see cref="Outage"/>): an
/// outage begins with an <see cref="StoreErrorCode.Unavailable"/> and ends with any answer of the
/// store. Each Unavailable it lets through carries the Retry-After that fits the outage so far
/// (<see cref="RetryAfterOf"/>), so that clients wait longer the longer the store is down.
/// </para>
/// </summary>
public sealed partial class RetryingStore(IObjectStore inner, StoreRetryOptions options, TimeProvider time, ILogger<RetryingStore> logger)
    : IObjectStore
{
    private const string RetryAfterKey = "Hoist.RetryAfterSeconds";

    /// <summary>The store outage as this instance sees it.</summary>
    public StoreOutage Outage { get; } = new(time);

    /// <summary>The Retry-After an Unavailable that went through a RetryingStore asks for; 1 s for any other.</summary>
    public static TimeSpan RetryAfterOf(StoreException e) =>
        e.Data[RetryAfterKey] is int seconds ? TimeSpan.FromSeconds(seconds) : StoreOutage.MinRetryAfter;

    public string Location => inner.Location;

    public Task CheckWritableAsync(CancellationToken cancellationToken) => inner.CheckWritableAsync(cancellationToken);

    public Task<StoredPart> UploadPartAsync(string key, string uploadId, int partNumber, Stream body, long length, byte[]? expectedSha256, CancellationToken cancellationToken) =>
        WithUnreadBodyAsync(body, $"part {partNumber} of {key}",
            unread => inner.UploadPartAsync(key, uploadId, partNumber, unread, length, expectedSha256, cancellationToken), cancellationToken);

    public Task<ObjectInfo> PutObjectAsync(string key, Stream body, long length, string? contentType, IReadOnlyDictionary<string, string> metadata, CancellationToken cancellationToken) =>
        WithUnreadBodyAsync(body, key,
            unread => inner.PutObjectAsync(key, unread, length, contentType, metadata, cancellationToken), cancellationToken);

    public Task<CompletedObject> PutCompletedAsync(string key, Stream body, long length, byte[] expectedSha256, string? contentType, IReadOnlyDictionary<string, string> metadata, CancellationToken cancellationToken) =>
        WithUnreadBodyAsync(body, key,
            unread => inner.PutCompletedAsync(key, unread, length, expectedSha256, contentType, metadata, cancellationToken), cancellationToken);

    public Task<string> CreateMultipartUploadAsync(string key, string? contentType, IReadOnlyDictionary<string, string> metadata, long? partSize, CancellationToken cancellationToken) =>
        ObserveAsync(() => inner.CreateMultipartUploadAsync(key, contentType, metadata, partSize, cancellationToken));

    public Task<StoredPart> UploadPartCopyAsync(string key, string uploadId, int partNumber, string sourceKey, CancellationToken cancellationToken) =>
        inner.UploadPartCopyAsync(key, uploadId, partNumber, sourceKey, cancellationToken);

    public IAsyncEnumerable<StoredPart> ListPartsAsync(string key, string uploadId, CancellationToken cancellationToken) =>
        ObserveAsync(inner.ListPartsAsync(key, uploadId, cancellationToken));

    public Task<CompletedObject> CompleteMultipartUploadAsync(string key, string uploadId, IReadOnlyList<StoredPart> parts, CancellationToken cancellationToken) =>
        ObserveAsync(() => inner.CompleteMultipartUploadAsync(key, uploadId, parts, cancellationToken));

    public Task<CompletedObject?> HeadCompletedAsync(string key, CancellationToken cancellationToken) =>
        ObserveAsync(() => inner.HeadCompletedAsync(key, cancellationToken));

    public Task AbortMultipartUploadAsync(string key, string uploadId, CancellationToken cancellationToken) =>
        ObserveAsync(async () =>
        {
            await inner.AbortMultipartUploadAsync(key, uploadId, cancellationToken);
            return true;
        });

    public IAsyncEnumerable<IncompleteUpload> ListMultipartUploadsAsync(string prefix, CancellationToken cancellationToken) =>
        ObserveAsync(inner.ListMultipartUploadsAsync(prefix, cancellationToken));

    public Task<ObjectInfo?> HeadObjectAsync(string key, CancellationToken cancellationToken) =>
        ObserveAsync(() => inner.HeadObjectAsync(key, cancellationToken));

    public Task<ObjectContent> GetObjectAsync(string key, ByteRange? range, CancellationToken cancellationToken) =>
        ObserveAsync(() => inner.GetObjectAsync(key, range, cancellationToken));

    public Task DeleteObjectAsync(string key, CancellationToken cancellationToken) =>
        ObserveAsync(async () =>
        {
            await inner.DeleteObjectAsync(key, cancellationToken);
            return true;
        });

    public Task<ObjectPage> ListObjectsAsync(string prefix, string? continuationToken, int maxKeys, CancellationToken cancellationToken) =>
        ObserveAsync(() => inner.ListObjectsAsync(prefix, continuationToken, maxKeys, cancellationToken));

    public Task<ScratchObject> PutScratchAsync(string name, Stream body, long length, CancellationToken cancellationToken) =>
        WithUnreadBodyAsync(body, $"scratch object {name}",
            unread => inner.PutScratchAsync(name, unread, length, cancellationToken), cancellationToken);

    public Task<ObjectContent> GetScratchAsync(string name, CancellationToken cancellationToken) =>
        inner.GetScratchAsync(name, cancellationToken);

    public Task DeleteScratchAsync(string name, CancellationToken cancellationToken) =>
        inner.DeleteScratchAsync(name, cancellationToken);

    public IAsyncEnumerable<ScratchObject> ListScratchAsync(string prefix, CancellationToken cancellationToken) =>
        inner.ListScratchAsync(prefix, cancellationToken);

    private async Task<T> WithUnreadBodyAsync<T>(Stream body, string what, Func<Stream, Task<T>> call, CancellationToken cancellationToken)
    {
        var watched = new ReadWatchingStream(body);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await ObserveAsync(() => call(watched));
            }
            catch (StoreException e) when (e.Code == StoreErrorCode.Unavailable && !watched.WasRead && attempt < options.MaxAttempts)
            {
                var delay = options.DelayBefore(attempt + 1);
                LogRetry(what, attempt + 1, options.MaxAttempts, delay, e.Message);
                await Task.Delay(delay, time, cancellationToken);
            }
        }
    }

    /// <summary>One store call, watched: an Unavailable begins (or continues) the outage and gets its Retry-After; any other answer ends it.</summary>
    private async Task<T> ObserveAsync<T>(Func<Task<T>> call)
    {
        try
        {
            var result = await call();
            Outage.Answered();
            return result;
        }
        catch (StoreException e)
        {
            Observe(e);
            throw;
        }
    }

    private async IAsyncEnumerable<T> ObserveAsync<T>(IAsyncEnumerable<T> items)
    {
        await using var enumerator = items.GetAsyncEnumerator();
        while (true)
        {
            bool more;
            try
            {
                more = await enumerator.MoveNextAsync();
            }
            catch (StoreException e)
            {
                Observe(e);
                throw;
            }
            Outage.Answered();
            if (!more)
            {
                yield break;
            }
            yield return enumerator.Current;
        }
    }

    private void Observe(StoreException e)
    {
        if (e.Code != StoreErrorCode.Unavailable)
        {
            Outage.Answered();
            return;
        }
        Outage.Failed();
        e.Data[RetryAfterKey] = (int)Outage.RetryAfter.TotalSeconds;
    }

    [LoggerMessage(LogLevel.Warning, "The store refused {What} before reading its body ({Reason}); attempt {Attempt} of {MaxAttempts} in {Delay}")]
    private partial void LogRetry(string what, int attempt, int maxAttempts, TimeSpan delay, string reason);

    /// <summary>A pass-through view of a request body that remembers whether anyone asked it for bytes.</summary>
    private sealed class ReadWatchingStream(Stream inner) : ForwardOnlyReadStream
    {
        public bool WasRead { get; private set; }

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            WasRead = true;
            return inner.ReadAsync(buffer, cancellationToken);
        }

        public override int Read(byte[] buffer, int offset, int count)
        {
            WasRead = true;
            return inner.Read(buffer, offset, count);
        }
    }
}

/// <summary>
/// How long the store has been failing, as one server instance sees it: from the first
/// <see cref="StoreErrorCode.Unavailable"/> after an answer until the next answer. Clients are asked to
/// wait (Retry-After) a quarter of the outage so far, at least 1 s and at most 30 s: a blip costs them a
/// second, a long outage is not hammered by every client of every instance.
/// </summary>
public sealed class StoreOutage(TimeProvider time)
{
    public static readonly TimeSpan MinRetryAfter = TimeSpan.FromSeconds(1);
    public static readonly TimeSpan MaxRetryAfter = TimeSpan.FromSeconds(30);

    /// <summary>UTC ticks of the outage's first failure; 0 while the store answers.</summary>
    private long _since;

    /// <summary>How long the current outage has lasted; zero when there is none.</summary>
    public TimeSpan Length => Volatile.Read(ref _since) is var since and > 0
        ? TimeSpan.FromTicks(Math.Max(0, time.GetUtcNow().UtcTicks - since))
        : TimeSpan.Zero;

    /// <summary>The wait to ask of clients now: a quarter of <see cref="Length"/>, in whole seconds from 1 to 30.</summary>
    public TimeSpan RetryAfter => TimeSpan.FromSeconds(Math.Clamp(Math.Ceiling(Length.TotalSeconds / 4), MinRetryAfter.TotalSeconds, MaxRetryAfter.TotalSeconds));

    /// <summary>A call failed as Unavailable: the outage begins, unless it is already on.</summary>
    public void Failed() => Interlocked.CompareExchange(ref _since, time.GetUtcNow().UtcTicks, 0);

    /// <summary>The store answered: the outage, if any, is over.</summary>
    public void Answered()
    {
        if (Volatile.Read(ref _since) != 0)
        {
            Interlocked.Exchange(ref _since, 0);
        }
    }
}
