using Hoist.Server.Tests.Support;

namespace Hoist.Server.Tests.Api;

/// <summary>Every refusal of the part endpoint: each is a coded ProblemDetails, and each leaves the store as it was.</summary>
public abstract class PartErrorTests(StoreFixture fixture) : ApiTests(fixture)
{
    /// <summary>Three parts: 5 MiB, 5 MiB, 1000 bytes.</summary>
    private static readonly byte[] File = TestData.Bytes(seed: 40, 2 * TestData.PartSize + 1000);

    private static ReadOnlyMemory<byte> PartBytes(int number) => TestData.Split(File, TestData.PartSize)[number - 1];

    /// <summary>An upload whose part 1 is stored already, and a snapshot of the store.</summary>
    private async Task<(CreatedUpload Upload, StoreSnapshot Before)> StartAsync(string? checksumAlgorithm = null)
    {
        var upload = await Api.CreateAsync("parts.bin", File.Length, checksumAlgorithm: checksumAlgorithm, cancellationToken: Ct);
        Assert.Equal(3, upload.PartCount);
        await Api.PutPartAsync(upload.UploadId, 1, PartBytes(1), withChecksum: checksumAlgorithm is not null, cancellationToken: Ct);
        return (upload, await SnapshotAsync(upload.UploadId));
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-1")]
    [InlineData("4")] // partCount + 1
    [InlineData("10000")]
    [InlineData("10001")]
    [InlineData("99999999999")]
    [InlineData("abc")]
    [InlineData("1.5")]
    [InlineData("%201")]
    public async Task A_part_number_outside_the_plan_is_invalid_part_number(string partNumber)
    {
        var (upload, before) = await StartAsync();

        await Problem.AssertAsync(Api.PutPartRawAsync(upload.UploadId, partNumber, HoistApi.Part(PartBytes(3)), Ct), 400, "invalid_part_number");

        await AssertUnchangedAsync(before, upload.UploadId);
    }

    [Theory]
    [InlineData(2, 1)]
    [InlineData(2, -1)]
    [InlineData(3, 1)]
    [InlineData(3, -1)]
    [InlineData(3, TestData.PartSize - 1000)] // the last part sent as a whole part
    public async Task A_part_of_another_size_than_planned_is_part_size_mismatch(int partNumber, int extra)
    {
        var (upload, before) = await StartAsync();
        var planned = PartBytes(partNumber);
        var bytes = TestData.Bytes(seed: 41, planned.Length + extra);

        var problem = await Problem.AssertAsync(Api.PutPartRawAsync(upload.UploadId, partNumber, bytes, cancellationToken: Ct), 400, "part_size_mismatch");

        Assert.Equal(planned.Length, problem.GetProperty("expectedSize").GetInt64());
        await AssertUnchangedAsync(before, upload.UploadId);
    }

    [Fact]
    public async Task A_declared_length_larger_than_planned_is_refused_before_the_body_is_read()
    {
        var (upload, before) = await StartAsync();

        await Problem.AssertAsync(Api.PutPartRawAsync(upload.UploadId, "3", new DeclaredLengthContent(PartBytes(3).ToArray(), PartBytes(3).Length + 1), Ct), 400, "part_size_mismatch");

        await AssertUnchangedAsync(before, upload.UploadId);
    }

    [Fact]
    public async Task A_body_shorter_than_its_declared_length_stores_nothing()
    {
        var (upload, before) = await StartAsync();
        var planned = PartBytes(2);

        await Problem.AssertAsync(Api.PutPartRawAsync(upload.UploadId, "2", new DeclaredLengthContent(planned[..^100].ToArray(), planned.Length), Ct), 400, "incomplete_body");

        await AssertUnchangedAsync(before, upload.UploadId);
    }

    [Fact]
    public async Task A_body_longer_than_its_declared_length_stores_nothing()
    {
        var (upload, before) = await StartAsync();
        var planned = PartBytes(3);
        var longer = planned.ToArray().Concat(new byte[100]).ToArray();

        using var response = await Api.PutPartRawAsync(upload.UploadId, "3", new DeclaredLengthContent(longer, planned.Length), Ct);

        // Kestrel stops at the declared length (413); the in-memory test server hands the rest to the store, which refuses it.
        Assert.True((int)response.StatusCode is 400 or 413, $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(Ct)}");
        await Problem.AssertAsync(response, (int)response.StatusCode, (int)response.StatusCode == 413 ? "body_too_large" : "incomplete_body");
        await AssertUnchangedAsync(before, upload.UploadId);
    }

    [Fact]
    public async Task A_part_without_content_length_is_length_required()
    {
        var (upload, before) = await StartAsync();

        await Problem.AssertAsync(Api.PutPartRawAsync(upload.UploadId, "2", new ChunkedContent(PartBytes(2).ToArray()), Ct), 411, "length_required");

        await AssertUnchangedAsync(before, upload.UploadId);
    }

    [Fact]
    public async Task A_part_whose_bytes_do_not_match_its_checksum_is_checksum_mismatch_and_stores_nothing()
    {
        var (upload, before) = await StartAsync();
        var other = TestData.Bytes(seed: 42, PartBytes(2).Length);

        await Problem.AssertAsync(Api.PutPartRawAsync(upload.UploadId, 2, other, TestData.Sha256Base64(PartBytes(2).Span), Ct), 400, "checksum_mismatch");

        await AssertUnchangedAsync(before, upload.UploadId);
    }

    [Fact]
    public async Task A_part_sent_again_with_a_wrong_checksum_leaves_the_earlier_one_intact()
    {
        var (upload, before) = await StartAsync();
        var other = TestData.Bytes(seed: 43, TestData.PartSize);

        await Problem.AssertAsync(Api.PutPartRawAsync(upload.UploadId, 1, other, TestData.Sha256Base64(PartBytes(1).Span), Ct), 400, "checksum_mismatch");

        await AssertUnchangedAsync(before, upload.UploadId);
        var part = Assert.Single((await Api.ListPartsAsync(upload.UploadId, Ct)).Parts);
        Assert.Equal(Fixture.TestStore.PartETag(PartBytes(1).Span), part.ETag);
        await Api.PutPartAsync(upload.UploadId, 2, PartBytes(2), cancellationToken: Ct);
        await Api.PutPartAsync(upload.UploadId, 3, PartBytes(3), cancellationToken: Ct);
        await Api.CompleteAsync(upload.UploadId, Ct);
        Assert.Equal(TestData.Sha256Hex(File), (await Api.DownloadSha256Async(upload.Key, Ct)).Sha256);
    }

    [Fact]
    public async Task A_part_of_a_sha256_upload_without_its_checksum_is_checksum_required()
    {
        var (upload, before) = await StartAsync(checksumAlgorithm: "sha256");

        await Problem.AssertAsync(Api.PutPartRawAsync(upload.UploadId, 2, PartBytes(2), cancellationToken: Ct), 400, "checksum_required");

        await AssertUnchangedAsync(before, upload.UploadId);
    }

    [Theory]
    [InlineData("not base64!")]
    [InlineData("AAAAAAAAAAAAAAAAAAAAAA==")] // 16 bytes: an MD5, not a SHA-256
    [InlineData("47DEQpj8HBSa-_TImW-5JCeuQeRkm5NMpJWZG3hSuFU=")] // base64url, not base64
    public async Task A_checksum_that_is_not_a_base64_sha256_is_invalid_checksum(string checksum)
    {
        var (upload, before) = await StartAsync();

        await Problem.AssertAsync(Api.PutPartRawAsync(upload.UploadId, 2, PartBytes(2), checksum, Ct), 400, "invalid_checksum");

        await AssertUnchangedAsync(before, upload.UploadId);
    }
}

public sealed class PartErrorsOnFileSystem(FileSystemFixture fixture) : PartErrorTests(fixture), IClassFixture<FileSystemFixture>;

public sealed class PartErrorsOnS3(S3Fixture fixture) : PartErrorTests(fixture), IClassFixture<S3Fixture>;
