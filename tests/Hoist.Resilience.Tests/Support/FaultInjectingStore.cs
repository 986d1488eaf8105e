using System.Collections.Concurrent;
using Hoist.Server.Storage;

namespace Hoist.Resilience.Tests.Support;

/// <summary>How an injected UploadPart failure happens.</summary>
public enum PartFault
{
    None,
    /// <summary>The store refuses before reading a byte of the body (a connection that will not open, a 503 to Expect: 100-continue).</summary>
    BeforeBody,
    /// <summary>The store fails after half of the body went to it (a connection dropped mid-part): the real store gets the half.</summary>
    MidBody,
}

/// <summary>
/// A decorator over a real store that makes UploadPart fail as a flaky S3 would, with
/// <see cref="StoreErrorCode.Unavailable"/>; every other call passes through. Which calls fail is
/// decided by <paramref name="decide"/> from the call's number (1, 2, ... over all parts) and the
/// part's own try number (1 for its first call).
/// </summary>
public sealed class FaultInjectingStore(IObjectStore inner, Func<int, int, PartFault> decide) : IObjectStore, IDisposable
{
    private readonly ConcurrentDictionary<(string UploadId, int PartNumber), int> _tries = new();
    private int _calls;
    private int _beforeBody;
    private int _midBody;

    /// <summary>Every <paramref name="n"/>th UploadPart call fails, alternately before and in the middle of its body.</summary>
    public static FaultInjectingStore FailingEvery(int n, IObjectStore inner) =>
        new(inner, (call, _) => call % n != 0 ? PartFault.None : (call / n) % 2 == 1 ? PartFault.BeforeBody : PartFault.MidBody);

    /// <summary>The first try of every part fails with <paramref name="fault"/>; later tries pass.</summary>
    public static FaultInjectingStore FailingFirstTries(PartFault fault, IObjectStore inner) =>
        new(inner, (_, partTry) => partTry == 1 ? fault : PartFault.None);

    /// <summary>The first UploadPart call fails with <paramref name="fault"/>; every other call passes.</summary>
    public static FaultInjectingStore FailingFirstCall(PartFault fault, IObjectStore inner) =>
        new(inner, (call, _) => call == 1 ? fault : PartFault.None);

    public int Calls => _calls;
    public int BeforeBodyFaults => _beforeBody;
    public int MidBodyFaults => _midBody;
    public int Faults => _beforeBody + _midBody;

    public async Task<StoredPart> UploadPartAsync(string key, string uploadId, int partNumber, Stream body, long length, byte[]? expectedSha256, CancellationToken cancellationToken)
    {
        var call = Interlocked.Increment(ref _calls);
        var partTry = _tries.AddOrUpdate((uploadId, partNumber), 1, (_, n) => n + 1);
        switch (decide(call, partTry))
        {
            case PartFault.BeforeBody:
                Interlocked.Increment(ref _beforeBody);
                throw new StoreException(StoreErrorCode.Unavailable, $"Injected: the store refused part {partNumber} before its body (call {call}).");
            case PartFault.MidBody:
                Interlocked.Increment(ref _midBody);
                await using (var failing = new FailingStream(body, length / 2, partNumber, call))
                {
                    return await inner.UploadPartAsync(key, uploadId, partNumber, failing, length, expectedSha256, cancellationToken);
                }
            default:
                return await inner.UploadPartAsync(key, uploadId, partNumber, body, length, expectedSha256, cancellationToken);
        }
    }

    public Task<string> CreateMultipartUploadAsync(string key, string? contentType, IReadOnlyDictionary<string, string> metadata, long? partSize, CancellationToken cancellationToken) =>
        inner.CreateMultipartUploadAsync(key, contentType, metadata, partSize, cancellationToken);

    public IAsyncEnumerable<StoredPart> ListPartsAsync(string key, string uploadId, CancellationToken cancellationToken) =>
        inner.ListPartsAsync(key, uploadId, cancellationToken);

    public Task<CompletedObject> CompleteMultipartUploadAsync(string key, string uploadId, IReadOnlyList<StoredPart> parts, CancellationToken cancellationToken) =>
        inner.CompleteMultipartUploadAsync(key, uploadId, parts, cancellationToken);

    public Task AbortMultipartUploadAsync(string key, string uploadId, CancellationToken cancellationToken) =>
        inner.AbortMultipartUploadAsync(key, uploadId, cancellationToken);

    public IAsyncEnumerable<IncompleteUpload> ListMultipartUploadsAsync(string prefix, CancellationToken cancellationToken) =>
        inner.ListMultipartUploadsAsync(prefix, cancellationToken);

    public Task<ObjectInfo> PutObjectAsync(string key, Stream body, long length, string? contentType, IReadOnlyDictionary<string, string> metadata, CancellationToken cancellationToken) =>
        inner.PutObjectAsync(key, body, length, contentType, metadata, cancellationToken);

    public Task<CompletedObject> PutCompletedAsync(string key, Stream body, long length, byte[] expectedSha256, string? contentType, IReadOnlyDictionary<string, string> metadata, CancellationToken cancellationToken) =>
        inner.PutCompletedAsync(key, body, length, expectedSha256, contentType, metadata, cancellationToken);

    public Task<ObjectInfo?> HeadObjectAsync(string key, CancellationToken cancellationToken) => inner.HeadObjectAsync(key, cancellationToken);

    public string Location => inner.Location;

    public Task CheckWritableAsync(CancellationToken cancellationToken) => inner.CheckWritableAsync(cancellationToken);

    public Task<CompletedObject?> HeadCompletedAsync(string key, CancellationToken cancellationToken) => inner.HeadCompletedAsync(key, cancellationToken);

    public Task<ObjectContent> GetObjectAsync(string key, ByteRange? range, CancellationToken cancellationToken) => inner.GetObjectAsync(key, range, cancellationToken);

    public Task DeleteObjectAsync(string key, CancellationToken cancellationToken) => inner.DeleteObjectAsync(key, cancellationToken);

    public Task<ObjectPage> ListObjectsAsync(string prefix, string? continuationToken, int maxKeys, CancellationToken cancellationToken) =>
        inner.ListObjectsAsync(prefix, continuationToken, maxKeys, cancellationToken);

    public Task<StoredPart> UploadPartCopyAsync(string key, string uploadId, int partNumber, string sourceKey, CancellationToken cancellationToken) =>
        inner.UploadPartCopyAsync(key, uploadId, partNumber, sourceKey, cancellationToken);

    public Task<ScratchObject> PutScratchAsync(string name, Stream body, long length, CancellationToken cancellationToken) =>
        inner.PutScratchAsync(name, body, length, cancellationToken);

    public Task<ObjectContent> GetScratchAsync(string name, CancellationToken cancellationToken) => inner.GetScratchAsync(name, cancellationToken);

    public Task DeleteScratchAsync(string name, CancellationToken cancellationToken) => inner.DeleteScratchAsync(name, cancellationToken);

    public IAsyncEnumerable<ScratchObject> ListScratchAsync(string prefix, CancellationToken cancellationToken) => inner.ListScratchAsync(prefix, cancellationToken);

    public void Dispose() => (inner as IDisposable)?.Dispose();

    /// <summary>Passes the first <paramref name="failAfter"/> bytes of the body on, then fails as a dropped store connection.</summary>
    private sealed class FailingStream(Stream inner, long failAfter, int partNumber, int call) : Stream
    {
        private long _passed;

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => _passed; set => throw new NotSupportedException(); }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            var left = failAfter - _passed;
            if (left <= 0)
            {
                throw new StoreException(StoreErrorCode.Unavailable, $"Injected: the store connection dropped after {_passed} bytes of part {partNumber} (call {call}).");
            }
            var n = await inner.ReadAsync(buffer[..(int)Math.Min(buffer.Length, left)], cancellationToken);
            _passed += n;
            return n;
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer, offset, count).GetAwaiter().GetResult();
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
