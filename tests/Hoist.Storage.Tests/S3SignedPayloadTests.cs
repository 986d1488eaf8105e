using System.Security.Cryptography;
using Hoist.Server.Storage;

namespace Hoist.Storage.Tests;

/// <summary>
/// On S3, a part whose SHA-256 is declared is sent signed with it as x-amz-content-sha256, and the
/// store (Ceph RGW here) checks the bytes itself: the refusal is S3's own XAmzContentSHA256Mismatch,
/// not Hoist's check (docs/store-contract.md, "S3Store"). Keys that need escaping must still sign.
/// </summary>
public sealed class S3SignedPayloadTests(S3StoreFixture fixture) : IClassFixture<S3StoreFixture>, IDisposable
{
    private static readonly IReadOnlyDictionary<string, string> NoMetadata = new Dictionary<string, string>();
    private readonly CancellationTokenSource _timeout = new(TimeSpan.FromMinutes(2));
    private readonly string _scope = $"signed-{Guid.NewGuid():N}/";

    private CancellationToken Ct => _timeout.Token;

    public void Dispose() => _timeout.Dispose();

    [Theory]
    [InlineData("plain.bin")]
    [InlineData("a folder/späce é ü+plus~tilde%percent(1)!*'&=,;@$.bin")]
    [InlineData("日本語/ファイル 名.txt")]
    public async Task The_store_refuses_a_part_that_does_not_match_its_declared_SHA256_and_keeps_the_earlier_one(string name)
    {
        var key = _scope + name;
        var store = fixture.Store;
        var uploadId = await store.CreateMultipartUploadAsync(key, null, NoMetadata, 5 * 1024 * 1024, Ct);
        var earlier = TestData.Bytes(1, 70_000);
        var stored = await store.UploadPartAsync(key, uploadId, 1, TestData.Body(earlier), earlier.Length, SHA256.HashData(earlier), Ct);
        Assert.Equal((TestData.Md5Hex(earlier), Convert.ToBase64String(SHA256.HashData(earlier))), (stored.ETag, stored.ChecksumSha256));

        var declared = TestData.Bytes(2, 70_000);
        var altered = (byte[])declared.Clone();
        altered[35_000] ^= 1;
        var refused = await Assert.ThrowsAsync<StoreException>(() =>
            store.UploadPartAsync(key, uploadId, 1, TestData.Body(altered), altered.Length, SHA256.HashData(declared), Ct));

        Assert.Equal(StoreErrorCode.BadDigest, refused.Code);
        Assert.Contains("XAmzContentSHA256Mismatch", refused.Message, StringComparison.Ordinal);
        var listed = Assert.Single(await store.ListPartsAsync(key, uploadId, Ct).ToListAsync(Ct));
        Assert.Equal((TestData.Md5Hex(earlier), stored.ChecksumSha256), (listed.ETag, listed.ChecksumSha256));
        await store.AbortMultipartUploadAsync(key, uploadId, Ct);
    }

    [Fact]
    public async Task A_short_body_under_a_declared_SHA256_is_still_refused_as_incomplete()
    {
        var key = _scope + "short.bin";
        var store = fixture.Store;
        var uploadId = await store.CreateMultipartUploadAsync(key, null, NoMetadata, 5 * 1024 * 1024, Ct);
        var bytes = TestData.Bytes(3, 50_000);

        var refused = await Assert.ThrowsAsync<StoreException>(() =>
            store.UploadPartAsync(key, uploadId, 1, TestData.Body(bytes[..40_000]), bytes.Length, SHA256.HashData(bytes), Ct));

        Assert.Equal(StoreErrorCode.IncompleteBody, refused.Code);
        Assert.Empty(await store.ListPartsAsync(key, uploadId, Ct).ToListAsync(Ct));
        await store.AbortMultipartUploadAsync(key, uploadId, Ct);
    }
}
