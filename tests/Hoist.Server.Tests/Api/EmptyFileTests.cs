using System.Net;
using Hoist.Server.Tests.Support;

namespace Hoist.Server.Tests.Api;

/// <summary>A 0-byte file: one empty part, completed by its PUT, downloaded as nothing.</summary>
public abstract class EmptyFileTests(StoreFixture fixture) : ApiTests(fixture)
{
    [Fact]
    public async Task A_0_byte_file_is_one_empty_part_that_completes_the_upload()
    {
        var upload = await Api.CreateAsync("empty.txt", 0, "text/plain", cancellationToken: Ct);
        Assert.Equal(1, upload.PartCount);

        var part = await Api.PutPartAsync(upload.UploadId, 1, ReadOnlyMemory<byte>.Empty, cancellationToken: Ct);

        Assert.Equal(0, part.Size);
        Assert.Equal(Fixture.TestStore.PartETag([]), part.ETag);
        Assert.NotNull(part.Completed);
        Assert.Equal(0, part.Completed.Size);
        Assert.Equal(Fixture.TestStore.MultipartETag([], TestData.PartSize), part.Completed.ETag);
        var listed = Assert.Single(await Api.ListFilesAsync(cancellationToken: Ct), f => f.Key == upload.Key);
        Assert.Equal(0, listed.Size);
        using var response = await Api.DownloadAsync(upload.Key, cancellationToken: Ct);
        await HoistApi.ExpectStatusAsync(response, HttpStatusCode.OK, Ct);
        Assert.Equal(0, response.Content.Headers.ContentLength);
        Assert.Empty(await response.Content.ReadAsByteArrayAsync(Ct));
    }

    [Fact]
    public async Task A_0_byte_file_with_a_sha256_checksum_completes()
    {
        var upload = await Api.CreateAsync("empty-checked.txt", 0, checksumAlgorithm: "sha256", cancellationToken: Ct);

        var part = await Api.PutPartAsync(upload.UploadId, 1, ReadOnlyMemory<byte>.Empty, withChecksum: true, cancellationToken: Ct);

        Assert.Equal(TestData.Sha256Base64([]), part.ChecksumSha256);
        Assert.NotNull(part.Completed);
        Assert.Equal((TestData.Sha256Hex([]), 0L), await Api.DownloadSha256Async(upload.Key, Ct));
    }

    [Fact]
    public async Task A_byte_sent_for_a_0_byte_file_is_part_size_mismatch()
    {
        var upload = await Api.CreateAsync("not-empty.txt", 0, cancellationToken: Ct);
        var before = await SnapshotAsync(upload.UploadId);

        await Problem.AssertAsync(Api.PutPartRawAsync(upload.UploadId, 1, new byte[1], cancellationToken: Ct), 400, "part_size_mismatch");

        await AssertUnchangedAsync(before, upload.UploadId);
    }

    [Theory]
    [InlineData("bytes=0-")]
    [InlineData("bytes=-1")]
    public async Task A_range_of_a_0_byte_file_is_not_satisfiable(string range)
    {
        var (upload, _) = await UploadAsync("empty-range.txt", []);

        using var response = await Api.DownloadAsync(upload.Key, range, cancellationToken: Ct);

        await Problem.AssertAsync(response, 416, "range_not_satisfiable");
        Assert.Equal("bytes */0", response.Content.Headers.ContentRange?.ToString());
    }
}

public sealed class EmptyFilesOnFileSystem(FileSystemFixture fixture) : EmptyFileTests(fixture), IClassFixture<FileSystemFixture>;

public sealed class EmptyFilesOnS3(S3Fixture fixture) : EmptyFileTests(fixture), IClassFixture<S3Fixture>;
