using System.Text;
using Hoist.Server.Tests.Support;

namespace Hoist.Server.Tests.Api;

/// <summary>Every refusal of POST /api/uploads: coded, and no upload begun in the store.</summary>
public abstract class CreateErrorTests(StoreFixture fixture) : ApiTests(fixture)
{
    [Theory]
    [InlineData("")]
    [InlineData("not json")]
    [InlineData("null")]
    [InlineData("[1, 2]")]
    [InlineData("{\"fileName\": \"a.bin\", \"size\": ")]
    [InlineData("{\"fileName\": \"a.bin\", \"size\": \"ten\"}")]
    [InlineData("{\"fileName\": 12, \"size\": 10}")]
    [InlineData("{\"fileName\": \"a\\ud800b.txt\", \"size\": 10}")] // a lone surrogate: not text
    public async Task A_body_that_is_not_the_request_json_is_malformed_json(string body)
    {
        var before = await SnapshotAsync();

        await Problem.AssertAsync(Api.CreateRawAsync(new StringContent(body, Encoding.UTF8, "application/json"), Ct), 400, "malformed_json");

        await AssertUnchangedAsync(before);
    }

    [Theory]
    [InlineData("{\"fileName\": \"a.bin\"}")]
    [InlineData("{\"fileName\": \"a.bin\", \"size\": null}")]
    [InlineData("{\"fileName\": \"a.bin\", \"size\": -1}")]
    public async Task A_missing_or_negative_size_is_invalid_size(string body)
    {
        var before = await SnapshotAsync();

        await Problem.AssertAsync(Api.CreateRawAsync(new StringContent(body, Encoding.UTF8, "application/json"), Ct), 400, "invalid_size");

        await AssertUnchangedAsync(before);
    }

    [Fact]
    public async Task A_file_larger_than_5_TiB_is_file_too_large()
    {
        var before = await SnapshotAsync();

        var problem = await Problem.AssertAsync(Api.CreateRawAsync(new { fileName = "huge.bin", size = (5L << 40) + 1 }, Ct), 413, "file_too_large");

        Assert.Equal(5L << 40, problem.GetProperty("maxFileSize").GetInt64());
        await AssertUnchangedAsync(before);
    }

    [Fact]
    public async Task A_file_larger_than_the_configured_limit_is_file_too_large()
    {
        await using var app = Fixture.CreateApp(new Dictionary<string, string?> { ["Hoist:Uploads:MaxFileSize"] = "1000" });
        using var api = app.CreateApi();
        var before = await SnapshotAsync();

        await Problem.AssertAsync(api.CreateRawAsync(new { fileName = "big.bin", size = 1001 }, Ct), 413, "file_too_large");

        await AssertUnchangedAsync(before);
        var atTheLimit = await api.CreateAsync("limit.bin", 1000, cancellationToken: Ct);
        using var aborted = await api.AbortRawAsync(atTheLimit.UploadId, Ct);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    public async Task A_missing_file_name_is_invalid_file_name(string? fileName)
    {
        var before = await SnapshotAsync();

        await Problem.AssertAsync(Api.CreateRawAsync(new { fileName, size = 10 }, Ct), 400, "invalid_file_name");

        await AssertUnchangedAsync(before);
    }

    [Fact]
    public async Task A_file_name_of_10000_characters_is_invalid_file_name()
    {
        var before = await SnapshotAsync();

        await Problem.AssertAsync(Api.CreateRawAsync(new { fileName = new string('a', 10_000) + ".txt", size = 10 }, Ct), 400, "invalid_file_name");

        await AssertUnchangedAsync(before);
    }

    [Theory]
    [InlineData("text")]
    [InlineData("text/")]
    [InlineData("/plain")]
    [InlineData("text/plain\r\nx-injected: 1")]
    [InlineData("text/plain; charset")]
    public async Task A_content_type_that_is_not_a_media_type_is_invalid_content_type(string contentType)
    {
        var before = await SnapshotAsync();

        await Problem.AssertAsync(Api.CreateRawAsync(new { fileName = "a.txt", size = 10, contentType }, Ct), 400, "invalid_content_type");

        await AssertUnchangedAsync(before);
    }

    [Theory]
    [InlineData("md5")]
    [InlineData("crc32c")]
    [InlineData("sha-256")]
    public async Task A_checksum_algorithm_other_than_sha256_is_unsupported(string checksumAlgorithm)
    {
        var before = await SnapshotAsync();

        await Problem.AssertAsync(Api.CreateRawAsync(new { fileName = "a.txt", size = 10, checksumAlgorithm }, Ct), 400, "unsupported_checksum_algorithm");

        await AssertUnchangedAsync(before);
    }
}

public sealed class CreateErrorsOnFileSystem(FileSystemFixture fixture) : CreateErrorTests(fixture), IClassFixture<FileSystemFixture>;

public sealed class CreateErrorsOnS3(S3Fixture fixture) : CreateErrorTests(fixture), IClassFixture<S3Fixture>;
