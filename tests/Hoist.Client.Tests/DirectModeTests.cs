using System.Net;
using Hoist.Client.Tests.Support;

namespace Hoist.Client.Tests;

/// <summary>
/// Direct mode (docs/api.md) on the real S3 server: HoistClient PUTs the parts straight to the store
/// through presigned URLs, and Hoist only creates, signs and completes. What the store holds is read
/// back behind Hoist's back; that no part passed through Hoist is seen on the client's side (no part
/// PUT to Hoist) and on the store's (every part PUT to it, without the client's token).
/// </summary>
public sealed class DirectModeTests(S3DirectFixture store) : IClassFixture<S3DirectFixture>, IDisposable
{
    private const int MiB = 1024 * 1024;

    /// <summary>Three full parts and a tail: four parts.</summary>
    private const int FileSize = (3 * TestData.PartSize) + (300 * 1024) + 7;

    private readonly TestFiles _files = new();
    private readonly CancellationTokenSource _timeout = new(TimeSpan.FromMinutes(3));

    private CancellationToken Ct => _timeout.Token;

    public void Dispose()
    {
        _files.Dispose();
        _timeout.Dispose();
    }

    [Fact]
    public async Task A_direct_upload_sends_every_part_to_the_store_and_the_store_holds_the_file()
    {
        var path = _files.File("direct.bin", FileSize, seed: 130);
        await using var app = store.CreateApp(DirectStoreFixture.Direct());
        var hoistParts = new PartCounter();
        var storeTraffic = new StoreTraffic();
        var progress = new ProgressLog<UploadProgress>();

        var result = await DirectStoreFixture.Client(app, null, storeTraffic, hoistParts).UploadFileAsync(path, new UploadOptions { Progress = progress, ComputeSha256 = true }, Ct);

        Assert.Equal((4, 4, 4), (result.PartCount, result.PartsSent, result.PartsSentDirect));
        Assert.Equal(0, hoistParts.Count);
        Assert.Equal([1, 2, 3, 4], storeTraffic.Stored);
        Assert.Equal(0, storeTraffic.Authorized);
        Assert.Null(result.DirectFallback);
        // Parts sent directly have no SHA-256 on the server: the multipart ETag, computed here from the bytes alone, is the proof.
        Assert.Null(result.ChecksumSha256);
        Assert.True(result.ChecksumVerified);
        var bytes = await File.ReadAllBytesAsync(path, Ct);
        Assert.Equal(S3ETags.S3MultipartETag(bytes), result.ETag.Trim('"'));
        Assert.Equal(result.LocalETag, result.ETag.Trim('"'));
        Assert.Equal(TestData.Sha256Hex(bytes), result.Sha256);
        Assert.Equal((TestData.Sha256Hex(bytes), (long)FileSize), await store.StoredAsync(result.Key, Ct));
        Assert.Equal(FileSize, progress.Reports[^1].BytesUploaded);
        Assert.Equal(4, progress.Reports[^1].PartsCompleted);
        Assert.True(progress.Reports.Zip(progress.Reports.Skip(1)).All(p => p.Second.BytesUploaded >= p.First.BytesUploaded), "progress went backwards");
    }

    [Fact]
    public async Task An_interrupted_direct_upload_resumes_sending_only_the_missing_parts_to_the_store()
    {
        var path = _files.File("resumed.bin", (5 * TestData.PartSize) + 1234, seed: 131);
        await using var app = store.CreateApp(DirectStoreFixture.Direct());
        var uploadId = await UploadUntilCancelledAsync(app, path, partsBeforeCancel: 2);
        var client = DirectStoreFixture.Client(app);
        var before = await SettledPartsAsync(client, uploadId);
        Assert.InRange(before.Parts.Count, 2, 5);
        Assert.True(before.IsDirect);
        Assert.All(before.Parts, p => Assert.Null(p.ChecksumSha256));

        var hoistParts = new PartCounter();
        var storeTraffic = new StoreTraffic();
        var result = await DirectStoreFixture.Client(app, null, storeTraffic, hoistParts).ResumeFileAsync(uploadId, path, null, Ct);

        var missing = Enumerable.Range(1, 6).Except(before.Parts.Select(p => p.PartNumber)).ToList();
        Assert.Equal(missing, storeTraffic.Stored);
        Assert.Equal(0, hoistParts.Count);
        Assert.Equal((missing.Count, missing.Count), (result.PartsSent, result.PartsSentDirect));
        Assert.True(result.ChecksumVerified);
        Assert.Equal(S3ETags.S3MultipartETag(await File.ReadAllBytesAsync(path, Ct)), result.ETag.Trim('"'));
        Assert.Equal((TestData.Sha256HexOfFile(path), new FileInfo(path).Length), await store.StoredAsync(result.Key, Ct));
    }

    [Fact]
    public async Task Resuming_a_direct_upload_found_complete_verifies_it_by_its_ETag_and_sends_nothing()
    {
        var path = _files.File("complete.bin", FileSize, seed: 139);
        await using var app = store.CreateApp(DirectStoreFixture.Direct());
        var first = await DirectStoreFixture.Client(app).UploadFileAsync(path, null, Ct);
        var storeTraffic = new StoreTraffic();
        var hoistParts = new PartCounter();

        var again = await DirectStoreFixture.Client(app, null, storeTraffic, hoistParts)
            .ResumeFileAsync(first.UploadId, path, new UploadOptions { PartSize = TestData.PartSize }, Ct);

        Assert.Null(again.ChecksumSha256);
        Assert.True(again.ChecksumVerified);
        Assert.Equal((first.Key, first.ETag, 0), (again.Key, again.ETag, again.PartsSent));
        Assert.Equal(again.LocalETag, again.ETag.Trim('"'));
        Assert.Empty(storeTraffic.Puts);
        Assert.Equal(0, hoistParts.Count);
    }

    [Fact]
    public async Task When_the_store_URLs_lead_nowhere_the_parts_go_through_Hoist_and_the_result_says_they_fell_back()
    {
        var path = _files.File("fallback.bin", FileSize, seed: 132);
        var dead = $"http://127.0.0.1:{ChildProcess.FreePort()}";
        await using var app = store.CreateApp(DirectStoreFixture.Direct(new Dictionary<string, string?> { ["Hoist:Storage:S3:PublicServiceUrl"] = dead }));
        var hoistParts = new PartCounter();
        var storeTraffic = new StoreTraffic();

        var result = await DirectStoreFixture.Client(app, null, storeTraffic, hoistParts).UploadFileAsync(path, null, Ct);

        Assert.Equal((4, 0), (result.PartsSent, result.PartsSentDirect));
        Assert.Equal(4, hoistParts.Count);
        Assert.NotEmpty(storeTraffic.Puts);
        Assert.All(storeTraffic.Puts, p => Assert.Null(p.Status));
        Assert.NotNull(result.DirectFallback);
        // Every part went through Hoist: the object has its checksum, and its ETag is checked as well.
        Assert.Equal(TestData.CompositeSha256(await File.ReadAllBytesAsync(path, Ct), TestData.PartSize), result.ChecksumSha256);
        Assert.True(result.ChecksumVerified);
        Assert.Equal(result.LocalETag, result.ETag.Trim('"'));
        Assert.Equal((TestData.Sha256HexOfFile(path), (long)FileSize), await store.StoredAsync(result.Key, Ct));
    }

    [Fact]
    public async Task A_store_that_does_not_answer_the_connection_makes_the_parts_fall_back_at_once_not_after_the_retries()
    {
        var path = _files.File("silent.bin", FileSize, seed: 144);
        await using var app = store.CreateApp(DirectStoreFixture.Direct());
        var hoistParts = new PartCounter();
        var storeTraffic = new StoreTraffic(unreachable: true);

        var result = await DirectStoreFixture.Client(app, new HoistClientOptions { Retry = { MaxAttempts = 2 } }, storeTraffic, hoistParts).UploadFileAsync(path, null, Ct);

        Assert.Equal((4, 0, 0), (hoistParts.Count, result.PartsSentDirect, result.Retries));
        Assert.Contains("ConnectTimeout", result.DirectFallback, StringComparison.Ordinal);
        Assert.True(result.ChecksumVerified);
    }

    [Fact]
    public async Task Bytes_damaged_on_the_way_to_the_store_are_refused_as_BadDigest_and_sent_again()
    {
        var path = _files.File("damaged.bin", FileSize, seed: 133);
        await using var app = store.CreateApp(DirectStoreFixture.Direct());
        var storeTraffic = new StoreTraffic(damageFirst: true);

        var result = await DirectStoreFixture.Client(app, null, storeTraffic).UploadFileAsync(path, null, Ct);

        // The store refused the damaged bytes (their MD5 is not the one the URL is signed with) and took the part sent again.
        var refused = Assert.Single(storeTraffic.Puts, p => p.Status == HttpStatusCode.BadRequest);
        Assert.Equal(2, storeTraffic.Puts.Count(p => p.PartNumber == refused.PartNumber));
        Assert.Equal([1, 2, 3, 4], storeTraffic.Stored);
        Assert.Equal(1, result.Retries);
        Assert.Equal(4, result.PartsSentDirect);
        Assert.Equal((TestData.Sha256HexOfFile(path), (long)FileSize), await store.StoredAsync(result.Key, Ct));
    }

    [Fact]
    public async Task A_part_URL_that_expired_before_its_PUT_is_asked_again()
    {
        var path = _files.File("expired.bin", FileSize, seed: 138);
        await using var app = store.CreateApp(DirectStoreFixture.Direct(new Dictionary<string, string?> { ["Hoist:Uploads:PresignedUrlLifetime"] = "00:00:02" }));
        var storeTraffic = new StoreTraffic(delayFirst: TimeSpan.FromSeconds(4));

        var result = await DirectStoreFixture.Client(app, null, storeTraffic).UploadFileAsync(path, null, Ct);

        // The store refused the stale URL (403); the part went again with a new one.
        var refused = Assert.Single(storeTraffic.Puts, p => p.Status == HttpStatusCode.Forbidden);
        Assert.Equal(2, storeTraffic.Puts.Count(p => p.PartNumber == refused.PartNumber));
        Assert.Equal([1, 2, 3, 4], storeTraffic.Stored);
        Assert.Equal(4, result.PartsSentDirect);
        Assert.Equal((TestData.Sha256HexOfFile(path), (long)FileSize), await store.StoredAsync(result.Key, Ct));
    }

    [Fact]
    public async Task A_client_that_refuses_direct_mode_sends_every_part_through_Hoist()
    {
        var path = _files.File("refused.bin", FileSize, seed: 136);
        await using var app = store.CreateApp(DirectStoreFixture.Direct());
        var hoistParts = new PartCounter();
        var storeTraffic = new StoreTraffic();

        var result = await DirectStoreFixture.Client(app, new HoistClientOptions { AllowDirect = false }, storeTraffic, hoistParts).UploadFileAsync(path, null, Ct);

        Assert.Equal((4, 0), (hoistParts.Count, result.PartsSentDirect));
        Assert.Empty(storeTraffic.Puts);
        Assert.Equal(TestData.CompositeSha256(await File.ReadAllBytesAsync(path, Ct), TestData.PartSize), result.ChecksumSha256);
        Assert.Null(result.LocalETag);
        Assert.True(result.ChecksumVerified);
    }

    private static async Task<string> UploadUntilCancelledAsync(HoistApp app, string path, int partsBeforeCancel)
    {
        using var cancel = new CancellationTokenSource();
        string? uploadId = null;
        var options = new UploadOptions
        {
            Parallelism = 1,
            Progress = new ProgressLog<UploadProgress> { OnReport = p => _ = p.PartsCompleted >= partsBeforeCancel ? cancel.CancelAsync() : Task.CompletedTask },
            Created = (created, _) =>
            {
                uploadId = created.UploadId;
                return Task.CompletedTask;
            },
        };
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => DirectStoreFixture.Client(app).UploadFileAsync(path, options, cancel.Token));
        return uploadId!;
    }

    /// <summary>The stored parts once a PUT cut by the cancellation can no longer land (the listing stays the same for a while).</summary>
    private async Task<UploadStatus> SettledPartsAsync(HoistClient client, string uploadId)
    {
        var last = await client.GetUploadStatusAsync(uploadId, Ct);
        for (var i = 0; i < 50; i++)
        {
            await Task.Delay(100, Ct);
            var now = await client.GetUploadStatusAsync(uploadId, Ct);
            if (now.Parts.Select(p => p.PartNumber).SequenceEqual(last.Parts.Select(p => p.PartNumber)))
            {
                return now;
            }
            last = now;
        }
        return last;
    }
}

/// <summary>On the file system store the setting is ignored (docs/api.md): nothing says direct, and the client's parts go through Hoist.</summary>
public sealed class DirectModeOnFileSystemTests(FileSystemDirectFixture store) : IClassFixture<FileSystemDirectFixture>, IDisposable
{
    private readonly TestFiles _files = new();

    public void Dispose() => _files.Dispose();

    [Fact]
    public async Task With_direct_mode_on_the_file_system_store_the_create_answer_has_no_direct_field_and_the_upload_goes_through_Hoist()
    {
        var path = _files.File("fs.bin", (2 * TestData.PartSize) + 99, seed: 137);
        await using var app = store.CreateApp(DirectStoreFixture.Direct());
        using var api = DirectStoreFixture.Api(app);
        using var created = await api.CreateRawAsync(new { fileName = "probe.bin", size = 10 });
        var answer = System.Text.Json.JsonDocument.Parse(await created.Content.ReadAsStringAsync()).RootElement;
        var hoistParts = new PartCounter();
        var storeTraffic = new StoreTraffic();

        var result = await DirectStoreFixture.Client(app, null, storeTraffic, hoistParts).UploadFileAsync(path);

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.False(answer.TryGetProperty("direct", out _), answer.ToString());
        Assert.Equal((3, 3, 0), (hoistParts.Count, result.PartsSent, result.PartsSentDirect));
        Assert.Empty(storeTraffic.Puts);
        Assert.True(result.ChecksumVerified);
        Assert.NotNull(result.ChecksumSha256);
        Assert.Equal((TestData.Sha256HexOfFile(path), new FileInfo(path).Length), await store.StoredAsync(result.Key, CancellationToken.None));
    }
}

/// <summary>S3's multipart ETag of a file sent in <see cref="TestData.PartSize"/> parts: what a direct upload's etag must be.</summary>
internal static class S3ETags
{
    public static string S3MultipartETag(byte[] file)
    {
        var md5s = TestData.Split(file, TestData.PartSize).SelectMany(p => System.Security.Cryptography.MD5.HashData(p.Span)).ToArray();
        return $"{Convert.ToHexStringLower(System.Security.Cryptography.MD5.HashData(md5s))}-{TestData.Split(file, TestData.PartSize).Count}";
    }
}
