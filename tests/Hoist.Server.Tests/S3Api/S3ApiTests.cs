using System.Net;
using Hoist.Server.Tests.Security;
using Hoist.Server.Tests.Support;

namespace Hoist.Server.Tests.S3Api;

/// <summary>
/// Each /s3/ route (Companion's s3 API as @uppy/aws-s3 calls it, docs/uppy.md) on both stores: part URLs
/// are the store's presigned ones on S3 and Hoist-signed ones on the file system, and either way the
/// bytes stored are the bytes sent.
/// </summary>
public abstract class S3ApiTests(StoreFixture fixture) : ApiTests(fixture)
{
    private bool OnS3 => Fixture.StoreName == "S3";

    [Fact]
    public async Task A_multipart_upload_through_part_urls_stores_the_bytes_sent()
    {
        using var s3 = new S3Face(Api);
        var file = TestData.Bytes(seed: 1300, TestData.PartSize + 1000);
        var upload = await s3.CreateAsync("two parts.bin", "application/x-test", Ct);
        Assert.StartsWith("anonymous/", upload.Key, StringComparison.Ordinal);
        Assert.EndsWith("/two parts.bin", upload.Key, StringComparison.Ordinal);
        Assert.Equal(OnS3, upload.Bucket is not null);

        var signed = await s3.SignAsync(upload, 1, cancellationToken: Ct);
        Assert.Equal(15 * 60, signed.Expires);
        Assert.Equal(OnS3, !signed.Url.Contains("/s3/parts/", StringComparison.Ordinal));
        using (var put = await s3.PutToAsync(signed.Url, file.AsMemory(0, TestData.PartSize), cancellationToken: Ct))
        {
            Assert.Equal(HttpStatusCode.OK, put.StatusCode);
            Assert.Equal(Fixture.TestStore.PartETag(file.AsSpan(0, TestData.PartSize)), put.Headers.ETag?.Tag.Trim('"'));
        }
        var batch = await s3.SignBatchAsync(upload, "2", Ct);
        using (var put = await s3.PutToAsync(Assert.Single(batch.PresignedUrls, u => u.Key == "2").Value, file.AsMemory(TestData.PartSize), cancellationToken: Ct))
        {
            Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        }

        var parts = await s3.ListPartsAsync(upload, Ct);
        Assert.Equal([1, 2], parts.Select(p => p.PartNumber));
        Assert.Equal([(long)TestData.PartSize, 1000], parts.Select(p => p.Size));
        Assert.All(parts, p => Assert.Matches("^\"[0-9a-f]{32}\"$", p.ETag));

        var completed = await s3.CompleteAsync(upload, parts.Select(p => (p.PartNumber, p.ETag)), Ct);
        Assert.Equal(upload.Key, completed.Key);
        Assert.EndsWith("/api/files/" + string.Join('/', upload.Key.Split('/').Select(Uri.EscapeDataString)), completed.Location, StringComparison.Ordinal);
        Assert.Equal((TestData.Sha256Hex(file), (long)file.Length), await Api.DownloadSha256Async(upload.Key, Ct));
        var listed = Assert.Single(await Api.ListFilesAsync(cancellationToken: Ct), f => f.Key == upload.Key);
        Assert.Equal(Fixture.TestStore.MultipartETag(file, TestData.PartSize), listed.ETag);
    }

    [Fact]
    public async Task A_batch_signs_each_part_named_once()
    {
        using var s3 = new S3Face(Api);
        var upload = await s3.CreateAsync("batch.bin", cancellationToken: Ct);

        var batch = await s3.SignBatchAsync(upload, "3,1,3,10000", Ct);

        Assert.Equal(["1", "10000", "3"], batch.PresignedUrls.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(3, batch.PresignedUrls.Values.Distinct().Count());
        await Problem.AssertAsync(Api.Http.GetAsync(new Uri(S3Face.Path(upload.UploadId, "batch", upload.Key, "&partNumbers=1,x"), UriKind.Relative), Ct), 400, "invalid_part_number");
        await Problem.AssertAsync(Api.Http.GetAsync(new Uri(S3Face.Path(upload.UploadId, "batch", upload.Key), UriKind.Relative), Ct), 400, "invalid_part_number");
        await AbortAsync(s3, upload);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("10001")]
    [InlineData("-1")]
    [InlineData("one")]
    public async Task A_part_number_outside_1_to_10000_is_refused(string partNumber)
    {
        using var s3 = new S3Face(Api);
        var upload = await s3.CreateAsync("numbers.bin", cancellationToken: Ct);

        await Problem.AssertAsync(s3.SignRawAsync(upload.UploadId, partNumber, upload.Key, cancellationToken: Ct), 400, "invalid_part_number");
        await AbortAsync(s3, upload);
    }

    [Fact]
    public async Task A_key_that_is_not_the_uploads_own_is_refused_on_every_route()
    {
        using var s3 = new S3Face(Api);
        var upload = await s3.CreateAsync("bound.bin", cancellationToken: Ct);
        var part = await s3.PutPartAsync(upload, 1, TestData.Bytes(seed: 1301, 100), Ct);
        var before = await SnapshotAsync();
        foreach (var key in new[] { "anonymous/2020/01/01/other/bound.bin", upload.Key + "x", "bob/" + upload.Key })
        {
            var escaped = Uri.EscapeDataString(key);
            var id = Uri.EscapeDataString(upload.UploadId);
            await Problem.AssertAsync(Api.Http.GetAsync(new Uri($"/s3/multipart/{id}?key={escaped}", UriKind.Relative), Ct), 400, "s3_key_mismatch");
            await Problem.AssertAsync(s3.SignRawAsync(upload.UploadId, "1", key, cancellationToken: Ct), 400, "s3_key_mismatch");
            await Problem.AssertAsync(Api.Http.GetAsync(new Uri($"/s3/multipart/{id}/batch?key={escaped}&partNumbers=1", UriKind.Relative), Ct), 400, "s3_key_mismatch");
            await Problem.AssertAsync(s3.CompleteRawAsync(upload.UploadId, key, [(1, part)], Ct), 400, "s3_key_mismatch");
            await Problem.AssertAsync(s3.AbortRawAsync(upload.UploadId, key, Ct), 400, "s3_key_mismatch");
        }
        await Problem.AssertAsync(Api.Http.GetAsync(new Uri($"/s3/multipart/{Uri.EscapeDataString(upload.UploadId)}", UriKind.Relative), Ct), 400, "s3_key_mismatch");
        await AssertUnchangedAsync(before);
        Assert.Single(await s3.ListPartsAsync(upload, Ct));
        await AbortAsync(s3, upload);
    }

    [Fact]
    public async Task Abort_answers_an_empty_object_and_the_upload_is_gone()
    {
        using var s3 = new S3Face(Api);
        var upload = await s3.CreateAsync("aborted.bin", cancellationToken: Ct);
        await s3.PutPartAsync(upload, 1, TestData.Bytes(seed: 1302, 10), Ct);

        using var aborted = await s3.AbortRawAsync(upload.UploadId, upload.Key, Ct);

        Assert.Equal(HttpStatusCode.OK, aborted.StatusCode);
        Assert.Equal("{}", await aborted.Content.ReadAsStringAsync(Ct));
        await Problem.AssertAsync(Api.Http.GetAsync(new Uri(S3Face.Path(upload.UploadId, null, upload.Key), UriKind.Relative), Ct), 404, "upload_not_found");
        Assert.DoesNotContain(await Fixture.Store.ListMultipartUploadsAsync("", Ct).ToListAsync(Ct), u => u.Key == upload.Key);
    }

    [Fact]
    public async Task Complete_refuses_a_wrong_etag_a_missing_part_and_a_small_part_before_the_last()
    {
        using var s3 = new S3Face(Api);
        var upload = await s3.CreateAsync("checked.bin", cancellationToken: Ct);
        var small = TestData.Bytes(seed: 1303, 1000);
        var one = await s3.PutPartAsync(upload, 1, small, Ct);
        var two = await s3.PutPartAsync(upload, 2, small, Ct);
        var before = await SnapshotAsync();

        await Problem.AssertAsync(s3.CompleteRawAsync(upload.UploadId, upload.Key, [(1, one), (2, new string('0', 32))], Ct), 409, "invalid_part");
        await Problem.AssertAsync(s3.CompleteRawAsync(upload.UploadId, upload.Key, [(1, one)], Ct), 409, "invalid_part");
        await Problem.AssertAsync(s3.CompleteRawAsync(upload.UploadId, upload.Key, [(2, two), (1, one)], Ct), 400, "invalid_part_order");
        await Problem.AssertAsync(s3.CompleteRawAsync(upload.UploadId, upload.Key, [(1, one), (2, two)], Ct), 400, "part_too_small");
        await Problem.AssertAsync(Api.Http.PostAsync(new Uri(S3Face.Path(upload.UploadId, "complete", upload.Key), UriKind.Relative), JsonContent("{\"parts\":[{\"PartNumber\":1}]}"), Ct), 400, "malformed_json");

        await AssertUnchangedAsync(before);
        Assert.Equal(2, (await s3.ListPartsAsync(upload, Ct)).Count);
        await AbortAsync(s3, upload);
    }

    [Fact]
    public async Task A_repeated_complete_answers_the_same_object()
    {
        using var s3 = new S3Face(Api);
        var file = TestData.Bytes(seed: 1304, 4321);
        var upload = await s3.CreateAsync("twice.bin", cancellationToken: Ct);
        var etag = await s3.PutPartAsync(upload, 1, file, Ct);

        var first = await s3.CompleteAsync(upload, [(1, etag)], Ct);
        var second = await s3.CompleteAsync(upload, [(1, etag)], Ct);

        Assert.Equal(first, second);
        Assert.Equal((TestData.Sha256Hex(file), (long)file.Length), await Api.DownloadSha256Async(upload.Key, Ct));
    }

    [Fact]
    public async Task A_part_url_signed_with_content_md5_refuses_other_bytes_and_keeps_nothing()
    {
        using var s3 = new S3Face(Api);
        var bytes = TestData.Bytes(seed: 1305, 2000);
        var upload = await s3.CreateAsync("md5.bin", cancellationToken: Ct);
        var signed = await s3.SignAsync(upload, 1, md5Of: bytes, cancellationToken: Ct);
        var corrupted = (byte[])bytes.Clone();
        corrupted[1000] ^= 0xff;

        using (var refused = await s3.PutToAsync(signed.Url, corrupted, S3Face.Md5Base64(bytes), Ct))
        {
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
            if (!OnS3)
            {
                await Problem.AssertAsync(refused, 400, "checksum_mismatch");
            }
        }
        Assert.Empty(await s3.ListPartsAsync(upload, Ct));

        using (var accepted = await s3.PutToAsync(signed.Url, bytes, S3Face.Md5Base64(bytes), Ct))
        {
            Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        }
        Assert.Equal(Fixture.TestStore.PartETag(bytes), Assert.Single(await s3.ListPartsAsync(upload, Ct)).ETag.Trim('"'));
        await Problem.AssertAsync(s3.SignRawAsync(upload.UploadId, "1", upload.Key, "not-an-md5", Ct), 400, "invalid_content_md5");
        await AbortAsync(s3, upload);
    }

    [Fact]
    public async Task A_part_url_used_after_it_expires_stores_nothing()
    {
        await using var app = Fixture.CreateApp(new Dictionary<string, string?> { ["Hoist:Uploads:PresignedUrlLifetime"] = "00:00:01" });
        using var s3 = new S3Face(app.CreateApi());
        var upload = await s3.CreateAsync("late.bin", cancellationToken: Ct);
        var signed = await s3.SignAsync(upload, 1, cancellationToken: Ct);
        Assert.Equal(1, signed.Expires);

        await Task.Delay(TimeSpan.FromSeconds(3), Ct);
        using var late = await s3.PutToAsync(signed.Url, TestData.Bytes(seed: 1306, 100), cancellationToken: Ct);

        if (OnS3)
        {
            Assert.Equal(HttpStatusCode.Forbidden, late.StatusCode);
        }
        else
        {
            await Problem.AssertAsync(late, 410, "link_expired");
        }
        Assert.Empty(await s3.ListPartsAsync(upload, Ct));
        await AbortAsync(s3, upload);
    }

    [Fact]
    public async Task A_part_url_with_an_altered_signature_or_part_number_stores_nothing()
    {
        using var s3 = new S3Face(Api);
        var upload = await s3.CreateAsync("forged.bin", cancellationToken: Ct);
        var signed = await s3.SignAsync(upload, 1, cancellationToken: Ct);
        var signatureName = OnS3 ? "X-Amz-Signature=" : "signature=";
        var at = signed.Url.IndexOf(signatureName, StringComparison.Ordinal) + signatureName.Length;
        var forged = signed.Url[..at] + (signed.Url[at] == 'A' ? 'B' : 'A') + signed.Url[(at + 1)..];
        var otherPart = OnS3 ? signed.Url.Replace("partNumber=1", "partNumber=2", StringComparison.Ordinal) : signed.Url.Replace("/1?", "/2?", StringComparison.Ordinal);

        foreach (var url in new[] { forged, otherPart })
        {
            using var refused = await s3.PutToAsync(url, TestData.Bytes(seed: 1307, 100), cancellationToken: Ct);
            if (OnS3)
            {
                Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
            }
            else
            {
                await Problem.AssertAsync(refused, 403, "link_forged");
            }
        }
        Assert.Empty(await s3.ListPartsAsync(upload, Ct));
        await AbortAsync(s3, upload);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1000)]
    public async Task A_small_file_goes_in_one_form_post_from_params(int size)
    {
        using var s3 = new S3Face(Api);
        var file = TestData.Bytes(seed: 1308, size);

        var parameters = await s3.ParamsAsync("small.txt", "text/plain", Ct);
        Assert.Equal("POST", parameters.Method);
        Assert.Equal(15 * 60, parameters.Expires);
        var key = Assert.Single(parameters.Fields, f => f.Key == "key").Value;
        Assert.StartsWith("anonymous/", key, StringComparison.Ordinal);
        using var posted = await s3.PostFormAsync(parameters, file, Ct);

        Assert.Equal(HttpStatusCode.NoContent, posted.StatusCode);
        Assert.NotNull(posted.Headers.ETag);
        Assert.Equal((TestData.Sha256Hex(file), (long)size), await Api.DownloadSha256Async(key, Ct));
        using var again = await s3.PostFormAsync(parameters, file, Ct);
        Assert.NotEqual(HttpStatusCode.NoContent, again.StatusCode);
    }

    [Fact]
    public async Task A_native_upload_id_is_refused_by_the_s3_face()
    {
        using var s3 = new S3Face(Api);
        var native = await Api.CreateAsync("native.bin", 10, cancellationToken: Ct);

        await Problem.AssertAsync(s3.SignRawAsync(native.UploadId, "1", native.Key, cancellationToken: Ct), 409, "s3_upload_planned");
        using var aborted = await Api.AbortRawAsync(native.UploadId, Ct);
    }

    [Fact]
    public async Task With_api_keys_the_routes_need_a_key_and_another_owners_upload_is_not_found()
    {
        var app = Fixture.SharedApp(ApiKeyOwners.Settings());
        using var alice = new S3Face(app.CreateApi(ApiKeyOwners.AliceKey));
        using var bob = new S3Face(app.CreateApi(ApiKeyOwners.BobKey));
        using var nobody = new S3Face(app.CreateApi(null));
        await Problem.AssertAsync(nobody.CreateRawAsync("a.bin", cancellationToken: Ct), 401, "unauthorized");
        var upload = await alice.CreateAsync("alice.bin", cancellationToken: Ct);
        Assert.StartsWith("alice/", upload.Key, StringComparison.Ordinal);

        await Problem.AssertAsync(bob.SignRawAsync(upload.UploadId, "1", upload.Key, cancellationToken: Ct), 404, "upload_not_found");
        await Problem.AssertAsync(bob.AbortRawAsync(upload.UploadId, upload.Key, Ct), 404, "upload_not_found");
        await Problem.AssertAsync(nobody.SignRawAsync(upload.UploadId, "1", upload.Key, cancellationToken: Ct), 401, "unauthorized");

        var file = TestData.Bytes(seed: 1309, 300);
        var etag = await alice.PutPartAsync(upload, 1, file, Ct);
        await Problem.AssertAsync(bob.CompleteRawAsync(upload.UploadId, upload.Key, [(1, etag)], Ct), 404, "upload_not_found");
        await alice.CompleteAsync(upload, [(1, etag)], Ct);
        Assert.Equal(TestData.Sha256Hex(file), (await alice.Api.DownloadSha256Async(upload.Key, Ct)).Sha256);
    }

    private async Task AbortAsync(S3Face s3, S3Created upload)
    {
        using var aborted = await s3.AbortRawAsync(upload.UploadId, upload.Key, Ct);
        Assert.Equal(HttpStatusCode.OK, aborted.StatusCode);
    }

    private static StringContent JsonContent(string json) => new(json, System.Text.Encoding.UTF8, "application/json");
}

public sealed class S3ApiOnFileSystem(FileSystemFixture fixture) : S3ApiTests(fixture), IClassFixture<FileSystemFixture>;

public sealed class S3ApiOnS3(S3Fixture fixture) : S3ApiTests(fixture), IClassFixture<S3Fixture>;
