using Hoist.Resilience.Tests.Support;
using Xunit.Abstractions;

namespace Hoist.Resilience.Tests.Checksums;

/// <summary>
/// A part whose bytes do not match its x-hoist-checksum-sha256 (corrupted on the way, here one
/// flipped bit in its last byte, the hardest case for a streaming store) is refused with
/// 400 checksum_mismatch and changes nothing in the store.
/// </summary>
public abstract class WrongChecksumTests(StoreFixture fixture, ITestOutputHelper output)
    : TimedTests(TimeSpan.FromMinutes(1))
{
    private readonly HoistApp _app = fixture.CreateApp();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _app.Dispose();
        }
        base.Dispose(disposing);
    }

    [Fact]
    public async Task A_corrupted_part_is_refused_and_the_part_stored_earlier_under_its_number_survives()
    {
        using var api = _app.CreateApi();
        var file = TestData.Bytes(seed: 11, TestData.PartSize + 300_000);
        var parts = TestData.Split(file, TestData.PartSize);
        var upload = await api.CreateAsync("corrupt.bin", file.Length, checksumAlgorithm: "sha256", cancellationToken: Ct);
        var good = await api.PutPartAsync(upload.UploadId, 1, parts[0], withChecksum: true, cancellationToken: Ct);

        using (var refused = await api.PutPartRawAsync(upload.UploadId, 1, HoistApi.Part(Corrupted(parts[0]), TestData.Sha256Base64(parts[0].Span)), Ct))
        {
            var problem = await Problem.AssertAsync(refused, 400, "checksum_mismatch");
            output.WriteLine($"{fixture.StoreName}: a corrupted part answered {(int)refused.StatusCode}: {problem}");
        }

        var listed = Assert.Single((await api.ListPartsAsync(upload.UploadId, Ct)).Parts);
        Assert.Equal((1, (long)parts[0].Length, fixture.TestStore.PartETag(parts[0].Span)), (listed.PartNumber, listed.Size, listed.ETag));
        Assert.Equal(good.ETag, listed.ETag);

        await api.PutPartAsync(upload.UploadId, 2, parts[1], withChecksum: true, cancellationToken: Ct);
        var completed = await api.CompleteAsync(upload.UploadId, Ct);
        Assert.Equal(TestData.CompositeSha256(file, TestData.PartSize), completed.ChecksumSha256);
        Assert.Equal((TestData.Sha256Hex(file), (long)file.Length), await api.DownloadSha256Async(upload.Key, Ct));
    }

    [Fact]
    public async Task A_corrupted_part_under_a_new_number_leaves_no_part_behind()
    {
        using var api = _app.CreateApi();
        var file = TestData.Bytes(seed: 12, 2 * TestData.PartSize + 1234);
        var parts = TestData.Split(file, TestData.PartSize);
        var upload = await api.CreateAsync("corrupt-new.bin", file.Length, checksumAlgorithm: "sha256", cancellationToken: Ct);
        await api.PutPartAsync(upload.UploadId, 1, parts[0], withChecksum: true, cancellationToken: Ct);

        // Part 2 corrupted, and part 3 sent with the checksum of other bytes: neither may appear.
        using (var corrupted = await api.PutPartRawAsync(upload.UploadId, 2, HoistApi.Part(Corrupted(parts[1]), TestData.Sha256Base64(parts[1].Span)), Ct))
        {
            await Problem.AssertAsync(corrupted, 400, "checksum_mismatch");
        }
        using (var mislabelled = await api.PutPartRawAsync(upload.UploadId, 3, HoistApi.Part(parts[2], TestData.Sha256Base64(parts[0].Span)), Ct))
        {
            await Problem.AssertAsync(mislabelled, 400, "checksum_mismatch");
        }

        Assert.Equal([1], (await api.ListPartsAsync(upload.UploadId, Ct)).Parts.Select(p => p.PartNumber));
        Assert.DoesNotContain(await FilesAsync(), key => key == upload.Key);

        await api.PutPartAsync(upload.UploadId, 2, parts[1], withChecksum: true, cancellationToken: Ct);
        await api.PutPartAsync(upload.UploadId, 3, parts[2], withChecksum: true, cancellationToken: Ct);
        var completed = await api.CompleteAsync(upload.UploadId, Ct);
        Assert.Equal(TestData.CompositeSha256(file, TestData.PartSize), completed.ChecksumSha256);
        Assert.Equal((TestData.Sha256Hex(file), (long)file.Length), await api.DownloadSha256Async(upload.Key, Ct));
    }

    /// <summary>The same bytes with one bit of the last byte flipped.</summary>
    private static byte[] Corrupted(ReadOnlyMemory<byte> part)
    {
        var bytes = part.ToArray();
        bytes[^1] ^= 0x01;
        return bytes;
    }

    private async Task<List<string>> FilesAsync()
    {
        var keys = new List<string>();
        string? token = null;
        do
        {
            var page = await fixture.Store.ListObjectsAsync("", token, 1000, Ct);
            keys.AddRange(page.Objects.Select(o => o.Key));
            token = page.NextContinuationToken;
        }
        while (token is not null);
        return keys;
    }
}

public sealed class WrongChecksumOnFileSystem(FileSystemFixture fixture, ITestOutputHelper output) : WrongChecksumTests(fixture, output), IClassFixture<FileSystemFixture>;

public sealed class WrongChecksumOnS3(S3Fixture fixture, ITestOutputHelper output) : WrongChecksumTests(fixture, output), IClassFixture<S3Fixture>;
