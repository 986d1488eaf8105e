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
/// </summary>
public sealed partial class RetryingStore(IObjectStore inner, StoreRetryOptions options, TimeProvider time, ILogger<RetryingStore> logger)
    : IObjectStore
{
    public string Location => inner.Location;

    public Task CheckWritableAsync(CancellationToken cancellationToken) => inner.CheckWritableAsync(cancellationToken);

    public Task<StoredPart> UploadPartAsync(string key, string uploadId, int partNumber, Stream body, long length, byte[]? expectedSha256, CancellationToken cancellationToken) =>
        WithUnreadBodyAsync(body, $"part {partNumber} of {key}",
            unread => inner.UploadPartAsync(key, uploadId, partNumber, unread, length, expectedSha256, cancellationToken), cancellationToken);

    public Task<ObjectInfo> PutObjectAsync(string key, Stream body, long length, string? contentType, IReadOnlyDictionary<string, string> metadata, CancellationToken cancellationToken) =>
        WithUnreadBodyAsync(body, key,
            unread => inner.PutObjectAsync(key, unread, length, contentType, metadata, cancellationToken), cancellationToken);

    public Task<string> CreateMultipartUploadAsync(string key, string? contentType, IReadOnlyDictionary<string, string> metadata, CancellationToken cancellationToken) =>
        inner.CreateMultipartUploadAsync(key, contentType, metadata, cancellationToken);

    public Task<StoredPart> UploadPartCopyAsync(string key, string uploadId, int partNumber, string sourceKey, CancellationToken cancellationToken) =>
        inner.UploadPartCopyAsync(key, uploadId, partNumber, sourceKey, cancellationToken);

    public IAsyncEnumerable<StoredPart> ListPartsAsync(string key, string uploadId, CancellationToken cancellationToken) =>
        inner.ListPartsAsync(key, uploadId, cancellationToken);

    public Task<CompletedObject> CompleteMultipartUploadAsync(string key, string uploadId, IReadOnlyList<PartReference> parts, CancellationToken cancellationToken) =>
        inner.CompleteMultipartUploadAsync(key, uploadId, parts, cancellationToken);

    public Task<CompletedObject?> HeadCompletedAsync(string key, CancellationToken cancellationToken) =>
        inner.HeadCompletedAsync(key, cancellationToken);

    public Task AbortMultipartUploadAsync(string key, string uploadId, CancellationToken cancellationToken) =>
        inner.AbortMultipartUploadAsync(key, uploadId, cancellationToken);

    public IAsyncEnumerable<IncompleteUpload> ListMultipartUploadsAsync(string prefix, CancellationToken cancellationToken) =>
        inner.ListMultipartUploadsAsync(prefix, cancellationToken);

    public Task<ObjectInfo?> HeadObjectAsync(string key, CancellationToken cancellationToken) =>
        inner.HeadObjectAsync(key, cancellationToken);

    public Task<ObjectContent> GetObjectAsync(string key, ByteRange? range, CancellationToken cancellationToken) =>
        inner.GetObjectAsync(key, range, cancellationToken);

    public Task DeleteObjectAsync(string key, CancellationToken cancellationToken) =>
        inner.DeleteObjectAsync(key, cancellationToken);

    public Task<ObjectPage> ListObjectsAsync(string prefix, string? continuationToken, int maxKeys, CancellationToken cancellationToken) =>
        inner.ListObjectsAsync(prefix, continuationToken, maxKeys, cancellationToken);

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
                return await call(watched);
            }
            catch (StoreException e) when (e.Code == StoreErrorCode.Unavailable && !watched.WasRead && attempt < options.MaxAttempts)
            {
                var delay = options.DelayBefore(attempt + 1);
                LogRetry(what, attempt + 1, options.MaxAttempts, delay, e.Message);
                await Task.Delay(delay, time, cancellationToken);
            }
        }
    }

    [LoggerMessage(LogLevel.Warning, "The store refused {What} before reading its body ({Reason}); attempt {Attempt} of {MaxAttempts} in {Delay}")]
    private partial void LogRetry(string what, int attempt, int maxAttempts, TimeSpan delay, string reason);

    /// <summary>A pass-through view of a request body that remembers whether anyone asked it for bytes.</summary>
    private sealed class ReadWatchingStream(Stream inner) : Stream
    {
        public bool WasRead { get; private set; }

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            WasRead = true;
            return inner.ReadAsync(buffer, cancellationToken);
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override int Read(byte[] buffer, int offset, int count)
        {
            WasRead = true;
            return inner.Read(buffer, offset, count);
        }

        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
