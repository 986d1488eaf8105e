using System.Text.Json;
using System.Text.Json.Nodes;
using Hoist.Server.Tests.Support;

namespace Hoist.Server.Tests.Security;

/// <summary>
/// Bob holds Alice's upload id and knows her keys: every call on them answers exactly what a thing
/// that does not exist answers (404, same body), and Alice's uploads and files stay as they were.
/// </summary>
public abstract class OwnerIsolationTests(StoreFixture fixture) : ApiTests(fixture), IAsyncLifetime
{
    private static readonly byte[] File = TestData.Bytes(seed: 600, TestData.PartSize + 10);
    private static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web);

    private HoistApp _app = null!;
    private HoistApi _alice = null!;
    private HoistApi _bob = null!;

    public static TheoryData<string> Operations => ["put", "list", "complete", "abort"];

    public Task InitializeAsync()
    {
        _app = Fixture.SharedApp(ApiKeyOwners.Settings());
        _alice = _app.CreateApi(ApiKeyOwners.AliceKey);
        _bob = _app.CreateApi(ApiKeyOwners.BobKey);
        return Task.CompletedTask;
    }

    public Task DisposeAsync()
    {
        _alice.Dispose();
        _bob.Dispose();
        return Task.CompletedTask;
    }

    private Task<HttpResponseMessage> SendAsync(HoistApi api, string operation, string uploadId) => operation switch
    {
        "put" => api.PutPartRawAsync(uploadId, 2, File.AsMemory(TestData.PartSize), cancellationToken: Ct),
        "list" => api.ListPartsRawAsync(uploadId, Ct),
        "complete" => api.CompleteRawAsync(uploadId, Ct),
        "abort" => api.AbortRawAsync(uploadId, Ct),
        _ => throw new ArgumentOutOfRangeException(nameof(operation)),
    };

    [Theory]
    [MemberData(nameof(Operations))]
    public async Task Another_owners_upload_is_404_word_for_word_like_an_upload_that_does_not_exist(string operation)
    {
        var alices = await _alice.CreateAsync("alice.bin", File.Length, cancellationToken: Ct);
        await _alice.PutPartAsync(alices.UploadId, 1, File.AsMemory(0, TestData.PartSize), cancellationToken: Ct);
        var bobsGone = await _bob.CreateAsync("bob.bin", File.Length, cancellationToken: Ct);
        using (var aborted = await _bob.AbortRawAsync(bobsGone.UploadId, Ct))
        {
            Assert.Equal(System.Net.HttpStatusCode.NoContent, aborted.StatusCode);
        }
        var before = await SnapshotAsync(alices.UploadId, _alice);

        var onAlices = await Problem.AssertAsync(SendAsync(_bob, operation, alices.UploadId), 404, "upload_not_found");
        var onNothing = await Problem.AssertAsync(SendAsync(_bob, operation, bobsGone.UploadId), 404, "upload_not_found");

        Assert.Equal(WithoutTrace(onNothing), WithoutTrace(onAlices));
        await AssertUnchangedAsync(before, alices.UploadId, _alice);
        await _alice.PutPartAsync(alices.UploadId, 2, File.AsMemory(TestData.PartSize), cancellationToken: Ct);
        Assert.Equal(Fixture.TestStore.MultipartETag(File, TestData.PartSize), (await _alice.CompleteAsync(alices.UploadId, Ct)).ETag);
    }

    [Fact]
    public async Task Another_owners_file_is_404_word_for_word_like_a_file_that_does_not_exist()
    {
        var alices = await _alice.CreateAsync("secret.txt", 6, cancellationToken: Ct);
        await _alice.PutPartAsync(alices.UploadId, 1, "secret"u8.ToArray(), cancellationToken: Ct);
        var nowhere = "bob/" + string.Join('/', alices.Key.Split('/').Skip(1));
        var before = await SnapshotAsync(api: _alice);

        var onAlices = await Problem.AssertAsync(_bob.DownloadAsync(alices.Key, cancellationToken: Ct), 404, "file_not_found");
        var onNothing = await Problem.AssertAsync(_bob.DownloadAsync(nowhere, cancellationToken: Ct), 404, "file_not_found");
        using var head = await _bob.DownloadAsync(alices.Key, method: HttpMethod.Head, cancellationToken: Ct);

        Assert.Equal(WithoutTrace(onNothing), WithoutTrace(onAlices));
        Assert.Equal(System.Net.HttpStatusCode.NotFound, head.StatusCode);
        await AssertUnchangedAsync(before, api: _alice);
        Assert.Equal(TestData.Sha256Hex("secret"u8), (await _alice.DownloadSha256Async(alices.Key, Ct)).Sha256);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("alice/")]
    [InlineData("alice")]
    [InlineData("")]
    [InlineData("bob/../alice/")]
    public async Task Another_owners_files_are_never_listed(string? prefix)
    {
        var alices = await _alice.CreateAsync("listed.txt", 1, cancellationToken: Ct);
        await _alice.PutPartAsync(alices.UploadId, 1, new byte[] { 1 }, cancellationToken: Ct);

        var query = prefix is null ? "" : $"?prefix={Uri.EscapeDataString(prefix)}";
        using var response = await _bob.Http.GetAsync(new Uri($"/api/files{query}", UriKind.Relative), Ct);

        // Inside Bob's own space a prefix that names Alice's lists nothing, or is refused as a key; never her files.
        var body = await response.Content.ReadAsStringAsync(Ct);
        Assert.True((int)response.StatusCode is 200 or 400, $"{(int)response.StatusCode}: {body}");
        Assert.DoesNotContain(alices.Key, body, StringComparison.Ordinal);
        if (response.IsSuccessStatusCode)
        {
            var files = JsonSerializer.Deserialize<FilesAnswer>(body, Web)!.Files;
            Assert.All(files, f => Assert.StartsWith("bob/", f.Key, StringComparison.Ordinal));
        }
        else
        {
            await Problem.AssertAsync(response, 400, "invalid_key");
        }
        Assert.Contains(await _alice.ListFilesAsync(cancellationToken: Ct), f => f.Key == alices.Key);
    }

    [Fact]
    public async Task Another_owners_upload_does_not_count_against_ones_own_limit()
    {
        var app = Fixture.SharedApp(ApiKeyOwners.Settings(new Dictionary<string, string?> { ["Hoist:Uploads:MaxConcurrentUploadsPerOwner"] = "1" }));
        using var alice = app.CreateApi(ApiKeyOwners.AliceKey);
        using var bob = app.CreateApi(ApiKeyOwners.BobKey);
        await AbortAllAsync("alice/");
        await AbortAllAsync("bob/");

        var alices = await alice.CreateAsync("one.bin", 10, cancellationToken: Ct);
        var bobs = await bob.CreateAsync("one.bin", 10, cancellationToken: Ct);

        Assert.StartsWith("bob/", bobs.Key, StringComparison.Ordinal);
        using var a = await alice.AbortRawAsync(alices.UploadId, Ct);
        using var b = await bob.AbortRawAsync(bobs.UploadId, Ct);
    }

    /// <summary>Aborts, behind the API, the incomplete uploads earlier tests left under a prefix.</summary>
    private async Task AbortAllAsync(string prefix)
    {
        await foreach (var upload in Fixture.Store.ListMultipartUploadsAsync(prefix, Ct))
        {
            await Fixture.Store.AbortMultipartUploadAsync(upload.Key, upload.UploadId, Ct);
        }
    }

    private static string WithoutTrace(JsonElement problem)
    {
        var node = JsonNode.Parse(problem.GetRawText())!.AsObject();
        node.Remove("traceId");
        return node.ToJsonString();
    }
}

public sealed class OwnerIsolationOnFileSystem(FileSystemFixture fixture) : OwnerIsolationTests(fixture), IClassFixture<FileSystemFixture>;

public sealed class OwnerIsolationOnS3(S3Fixture fixture) : OwnerIsolationTests(fixture), IClassFixture<S3Fixture>;
