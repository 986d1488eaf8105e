using System.Runtime.CompilerServices;
using Hoist.Server.Storage;

namespace Hoist.Client.Tests.Support;

/// <summary>
/// A real store that can be taken down, the one fault a real store cannot be made to produce on
/// demand: while <see cref="IsDown"/>, every call is refused as <see cref="StoreErrorCode.Unavailable"/>
/// (what the S3 store answers when S3 does not), before it reaches the store. The outage can also
/// begin by itself after a number of stored parts.
/// </summary>
public sealed class OutageStore(IObjectStore inner) : IObjectStore, IDisposable
{
    private int _down;
    private int _refused;
    private int _partsUntilDown = -1;

    public bool IsDown => Volatile.Read(ref _down) == 1;

    public string Location => inner.Location;

    /// <summary>Calls refused since the last <see cref="GoDown"/>.</summary>
    public int Refused => Volatile.Read(ref _refused);

    public void GoDown()
    {
        Volatile.Write(ref _refused, 0);
        Volatile.Write(ref _down, 1);
    }

    public void ComeBack() => Volatile.Write(ref _down, 0);

    /// <summary>The store goes down once <paramref name="parts"/> more parts are stored.</summary>
    public void GoDownAfterParts(int parts) => Volatile.Write(ref _partsUntilDown, parts);

    public Task CheckWritableAsync(CancellationToken cancellationToken) => Checked(() => inner.CheckWritableAsync(cancellationToken));

    public async Task<StoredPart> UploadPartAsync(string key, string uploadId, int partNumber, Stream body, long length, byte[]? expectedSha256, CancellationToken cancellationToken)
    {
        Check();
        var stored = await inner.UploadPartAsync(key, uploadId, partNumber, body, length, expectedSha256, cancellationToken);
        if (Interlocked.Decrement(ref _partsUntilDown) == 0)
        {
            GoDown();
        }
        return stored;
    }

    public Task<string> CreateMultipartUploadAsync(string key, string? contentType, IReadOnlyDictionary<string, string> metadata, long? partSize, CancellationToken cancellationToken) =>
        Checked(() => inner.CreateMultipartUploadAsync(key, contentType, metadata, partSize, cancellationToken));

    public IAsyncEnumerable<StoredPart> ListPartsAsync(string key, string uploadId, CancellationToken cancellationToken) =>
        CheckedAsync(() => inner.ListPartsAsync(key, uploadId, cancellationToken), cancellationToken);

    public Task<CompletedObject> CompleteMultipartUploadAsync(string key, string uploadId, IReadOnlyList<StoredPart> parts, CancellationToken cancellationToken) =>
        Checked(() => inner.CompleteMultipartUploadAsync(key, uploadId, parts, cancellationToken));

    public Task<CompletedObject?> HeadCompletedAsync(string key, CancellationToken cancellationToken) =>
        Checked(() => inner.HeadCompletedAsync(key, cancellationToken));

    public Task AbortMultipartUploadAsync(string key, string uploadId, CancellationToken cancellationToken) =>
        Checked(() => inner.AbortMultipartUploadAsync(key, uploadId, cancellationToken));

    public IAsyncEnumerable<IncompleteUpload> ListMultipartUploadsAsync(string prefix, CancellationToken cancellationToken) =>
        CheckedAsync(() => inner.ListMultipartUploadsAsync(prefix, cancellationToken), cancellationToken);

    public Task<ObjectInfo> PutObjectAsync(string key, Stream body, long length, string? contentType, IReadOnlyDictionary<string, string> metadata, CancellationToken cancellationToken) =>
        Checked(() => inner.PutObjectAsync(key, body, length, contentType, metadata, cancellationToken));

    public async Task<CompletedObject> PutCompletedAsync(string key, Stream body, long length, byte[] expectedSha256, string? contentType, IReadOnlyDictionary<string, string> metadata, CancellationToken cancellationToken)
    {
        // A one-part file's only part, stored whole: counted as a part.
        Check();
        var stored = await inner.PutCompletedAsync(key, body, length, expectedSha256, contentType, metadata, cancellationToken);
        if (Interlocked.Decrement(ref _partsUntilDown) == 0)
        {
            GoDown();
        }
        return stored;
    }

    public Task<ObjectInfo?> HeadObjectAsync(string key, CancellationToken cancellationToken) => Checked(() => inner.HeadObjectAsync(key, cancellationToken));

    public Task<ObjectContent> GetObjectAsync(string key, ByteRange? range, CancellationToken cancellationToken) => Checked(() => inner.GetObjectAsync(key, range, cancellationToken));

    public Task DeleteObjectAsync(string key, CancellationToken cancellationToken) => Checked(() => inner.DeleteObjectAsync(key, cancellationToken));

    public Task<ObjectPage> ListObjectsAsync(string prefix, string? continuationToken, int maxKeys, CancellationToken cancellationToken) =>
        Checked(() => inner.ListObjectsAsync(prefix, continuationToken, maxKeys, cancellationToken));

    public Task<StoredPart> UploadPartCopyAsync(string key, string uploadId, int partNumber, string sourceKey, CancellationToken cancellationToken) =>
        Checked(() => inner.UploadPartCopyAsync(key, uploadId, partNumber, sourceKey, cancellationToken));

    public Task<ScratchObject> PutScratchAsync(string name, Stream body, long length, CancellationToken cancellationToken) =>
        Checked(() => inner.PutScratchAsync(name, body, length, cancellationToken));

    public Task<ObjectContent> GetScratchAsync(string name, CancellationToken cancellationToken) => Checked(() => inner.GetScratchAsync(name, cancellationToken));

    public Task DeleteScratchAsync(string name, CancellationToken cancellationToken) => Checked(() => inner.DeleteScratchAsync(name, cancellationToken));

    public IAsyncEnumerable<ScratchObject> ListScratchAsync(string prefix, CancellationToken cancellationToken) =>
        CheckedAsync(() => inner.ListScratchAsync(prefix, cancellationToken), cancellationToken);

    public void Dispose() => (inner as IDisposable)?.Dispose();

    private void Check()
    {
        if (IsDown)
        {
            Interlocked.Increment(ref _refused);
            throw new StoreException(StoreErrorCode.Unavailable, "Injected: the store is down.");
        }
    }

    private T Checked<T>(Func<T> call)
    {
        Check();
        return call();
    }

    private async IAsyncEnumerable<T> CheckedAsync<T>(Func<IAsyncEnumerable<T>> call, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        Check();
        await foreach (var item in call().WithCancellation(cancellationToken))
        {
            yield return item;
        }
    }
}
