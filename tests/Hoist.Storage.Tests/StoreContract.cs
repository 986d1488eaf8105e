using System.Security.Cryptography;
using Hoist.Server.Storage;

namespace Hoist.Storage.Tests;

/// <summary>
/// What every <see cref="IObjectStore"/> promises, written once and run unchanged against each
/// store. Each test works under a key scope of its own, so tests never see each other's objects.
/// </summary>
public abstract partial class StoreContract(StoreFixture fixture) : IDisposable
{
    protected const int MiB = 1024 * 1024;
    protected const int MinPart = 5 * MiB;

    protected static readonly IReadOnlyDictionary<string, string> NoMetadata = new Dictionary<string, string>();

    private readonly string _scope = $"t-{Guid.NewGuid():N}/";
    private readonly CancellationTokenSource _timeout = new(TimeSpan.FromMinutes(3));

    protected IObjectStore Store => fixture.Store;

    protected StoreFixture Fixture => fixture;

    protected CancellationToken Ct => _timeout.Token;

    /// <summary>A key in this test's own scope.</summary>
    protected string Key(string name) => _scope + name;

    protected string Scope => _scope;

    public void Dispose()
    {
        _timeout.Dispose();
        GC.SuppressFinalize(this);
    }

    /// <summary>
    /// Starts an upload whose parts are planned at <see cref="MinPart"/> bytes, as Hoist plans them, so a
    /// store that places parts by the plan (the file system store) runs every contract test that way;
    /// parts of other sizes still go through, as the contract says. <c>partSize: null</c> gives no plan.
    /// </summary>
    protected Task<string> CreateUploadAsync(string key, long? partSize = MinPart) =>
        Store.CreateMultipartUploadAsync(key, null, NoMetadata, partSize, Ct);

    protected Task<StoredPart> UploadPartAsync(string key, string uploadId, int partNumber, byte[] bytes, byte[]? expectedSha256 = null) =>
        Store.UploadPartAsync(key, uploadId, partNumber, TestData.Body(bytes), bytes.Length, expectedSha256, Ct);

    protected Task<List<StoredPart>> ListPartsAsync(string key, string uploadId) =>
        Store.ListPartsAsync(key, uploadId, Ct).ToListAsync(Ct).AsTask();

    protected Task<List<IncompleteUpload>> ListUploadsAsync(string prefix) =>
        Store.ListMultipartUploadsAsync(prefix, Ct).ToListAsync(Ct).AsTask();

    protected Task<CompletedObject> CompleteAsync(string key, string uploadId, params StoredPart[] parts) =>
        Store.CompleteMultipartUploadAsync(key, uploadId, parts, Ct);

    protected Task<ObjectInfo> PutAsync(string key, byte[] bytes, string? contentType = null, IReadOnlyDictionary<string, string>? metadata = null) =>
        Store.PutObjectAsync(key, TestData.Body(bytes), bytes.Length, contentType, metadata ?? NoMetadata, Ct);

    /// <summary>The object's bytes (or a range of them), read from the store's stream.</summary>
    protected async Task<byte[]> ReadAsync(string key, ByteRange? range = null)
    {
        await using var content = await Store.GetObjectAsync(key, range, Ct);
        using var buffer = new MemoryStream();
        await content.Body.CopyToAsync(buffer, Ct);
        return buffer.ToArray();
    }

    /// <summary>An upload holding two full-size parts (seeded 1 and 2), ready to complete.</summary>
    protected async Task<(string Key, string UploadId, StoredPart[] Parts)> TwoPartUploadAsync()
    {
        var key = Key("two-parts.bin");
        var uploadId = await CreateUploadAsync(key);
        var parts = await Task.WhenAll(
            UploadPartAsync(key, uploadId, 1, TestData.Bytes(1, MinPart)),
            UploadPartAsync(key, uploadId, 2, TestData.Bytes(2, MinPart)));
        return (key, uploadId, parts);
    }

    protected static async Task<StoreException> AssertStoreErrorAsync(StoreErrorCode expected, Func<Task> action)
    {
        StoreException error;
        try
        {
            await action();
            throw new Xunit.Sdk.XunitException($"Expected the store to refuse with {expected}, but the call succeeded.");
        }
        catch (StoreException e)
        {
            error = e;
        }
        Assert.True(error.Code == expected, $"Expected {expected}, but the store answered {error.Code}: {error.Message}");
        return error;
    }

    protected static byte[] Sha256(byte[] bytes) => SHA256.HashData(bytes);

    /// <summary>The ETag this store gives a part of these bytes: the MD5 on S3, half the SHA-256 on the file system store (docs/store-contract.md).</summary>
    protected string PartETag(ReadOnlySpan<byte> bytes) => fixture.TestStore.PartETag(bytes);

    /// <summary>The multipart ETag of these part bodies on this store: MD5 of the binary part ETags, then "-N".</summary>
    protected string MultipartETag(IEnumerable<byte[]> parts) => TestData.MultipartETag(parts.Select(p => Convert.FromHexString(PartETag(p))).ToList());

    /// <summary>Compares bytes fast (xunit's collection diff is slow on megabytes) and says where they part.</summary>
    protected static void AssertSameBytes(byte[] expected, byte[] actual)
    {
        var common = expected.AsSpan().CommonPrefixLength(actual);
        Assert.True(common == expected.Length && common == actual.Length,
            $"Expected {expected.Length} bytes, got {actual.Length}; they differ from byte {common}.");
    }
}
