using System.Net;
using System.Security.Cryptography;
using Hoist.Server.Tests.Security;
using Hoist.Server.Tests.Support;

namespace Hoist.Server.Tests.Api;

/// <summary>
/// Direct mode (docs/api.md, "Direct mode"): on the S3 store the parts of a native upload go to the
/// store's presigned URLs, each signed with the part's MD5, and complete through Hoist; on the file
/// system store the setting changes nothing and part URLs are refused.
/// </summary>
public abstract class DirectModeTests(StoreFixture fixture) : ApiTests(fixture)
{
    private static readonly Dictionary<string, string?> DirectOn = new() { ["Hoist:Uploads:Direct"] = "true" };

    private static readonly HttpClient Store = new(new SocketsHttpHandler { UseProxy = false }) { Timeout = TimeSpan.FromMinutes(1) };

    private bool OnS3 => Fixture.StoreName == "S3";

    private HoistApi DirectApi(IReadOnlyDictionary<string, string?>? more = null) =>
        Fixture.SharedApp(more is null ? DirectOn : new Dictionary<string, string?>(DirectOn.Concat(more))).CreateApi();

    [Fact]
    public async Task Parts_sent_to_the_store_complete_through_Hoist_into_the_file()
    {
        using var api = DirectApi();
        var file = TestData.Bytes(seed: 1400, TestData.PartSize * 2 + 1234);
        var upload = await api.CreateAsync("direct.bin", file.Length, cancellationToken: Ct);
        var parts = TestData.Split(file, (int)upload.PartSize);
        if (!OnS3)
        {
            Assert.Null(upload.Direct);
            await Problem.AssertAsync(api.PartUrlsRawAsync(upload.UploadId, Body((1, parts[0])), Ct), 409, "direct_unavailable");
            Assert.Null((await api.ListPartsAsync(upload.UploadId, Ct)).Direct);
            await api.AbortRawAsync(upload.UploadId, Ct);
            return;
        }
        Assert.True(upload.Direct);

        var urls = await api.PartUrlsAsync(upload.UploadId, parts.Select((p, i) => (i + 1, p)), Ct);
        Assert.Equal([1, 2, 3], urls.Parts.Select(p => p.PartNumber));
        Assert.InRange(urls.ExpiresAt, DateTimeOffset.UtcNow.AddMinutes(14), DateTimeOffset.UtcNow.AddMinutes(16));
        foreach (var url in urls.Parts)
        {
            Assert.StartsWith(S3TestSettings.FromEnvironment()!.ServiceUrl, url.Url, StringComparison.Ordinal);
            var bytes = parts[url.PartNumber - 1];
            Assert.Equal(Convert.ToBase64String(MD5.HashData(bytes.Span)), url.Headers["Content-MD5"]);
            using var put = await PutAsync(url, bytes);
            Assert.Equal(HttpStatusCode.OK, put.StatusCode);
            Assert.Equal(TestData.Md5Hex(bytes.Span), put.Headers.ETag?.Tag.Trim('"'));
        }

        var listed = await api.ListPartsAsync(upload.UploadId, Ct);
        Assert.True(listed.Direct);
        Assert.Equal(parts.Select(p => TestData.Md5Hex(p.Span)), listed.Parts.Select(p => p.ETag));
        Assert.All(listed.Parts, p => Assert.Null(p.ChecksumSha256));
        var completed = await api.CompleteAsync(upload.UploadId, Ct);
        Assert.Equal(TestData.MultipartETag(file, (int)upload.PartSize), completed.ETag);
        Assert.Null(completed.ChecksumSha256);
        Assert.Equal((TestData.Sha256Hex(file), (long)file.Length), await api.DownloadSha256Async(upload.Key, Ct));
    }

    [Fact]
    public async Task Bytes_other_than_the_signed_MD5_are_refused_by_the_store_and_nothing_is_stored()
    {
        using var api = DirectApi();
        var file = TestData.Bytes(seed: 1401, TestData.PartSize + 10);
        var upload = await api.CreateAsync("damaged.bin", file.Length, cancellationToken: Ct);
        var part = file.AsMemory(0, (int)upload.PartSize);
        if (!OnS3)
        {
            await Problem.AssertAsync(api.PartUrlsRawAsync(upload.UploadId, Body((1, part)), Ct), 409, "direct_unavailable");
            await api.AbortRawAsync(upload.UploadId, Ct);
            return;
        }
        var url = Assert.Single((await api.PartUrlsAsync(upload.UploadId, [(1, part)], Ct)).Parts);

        var damaged = part.ToArray();
        damaged[12345] ^= 0x01;
        using (var put = await PutAsync(url, damaged))
        {
            Assert.Equal(HttpStatusCode.BadRequest, put.StatusCode);
            Assert.Contains("BadDigest", await put.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        }
        // Without the signed header the signature does not hold: the store refuses the PUT.
        using (var unsigned = await PutAsync(url with { Headers = [] }, part.ToArray()))
        {
            Assert.Equal(HttpStatusCode.Forbidden, unsigned.StatusCode);
        }
        Assert.Empty((await api.ListPartsAsync(upload.UploadId, Ct)).Parts);
        await Problem.AssertAsync(api.CompleteRawAsync(upload.UploadId, Ct), 409, "incomplete_upload");
        await api.AbortRawAsync(upload.UploadId, Ct);
    }

    [Fact]
    public async Task Parts_sent_directly_and_through_Hoist_complete_together()
    {
        using var api = DirectApi();
        var file = TestData.Bytes(seed: 1402, TestData.PartSize + 77);
        var upload = await api.CreateAsync("mixed.bin", file.Length, cancellationToken: Ct);
        var parts = TestData.Split(file, (int)upload.PartSize);
        if (OnS3)
        {
            using var put = await PutAsync(Assert.Single((await api.PartUrlsAsync(upload.UploadId, [(1, parts[0])], Ct)).Parts), parts[0]);
            Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        }
        else
        {
            await api.PutPartAsync(upload.UploadId, 1, parts[0], withChecksum: true, cancellationToken: Ct);
        }
        // The fallback: the client could not reach the store and sends the rest through Hoist.
        var proxied = await api.PutPartAsync(upload.UploadId, 2, parts[1], withChecksum: true, cancellationToken: Ct);
        Assert.Equal(TestData.Sha256Base64(parts[1].Span), proxied.ChecksumSha256);

        var completed = await api.CompleteAsync(upload.UploadId, Ct);
        Assert.Equal(TestData.MultipartETag(file, (int)upload.PartSize), completed.ETag);
        // The store knows no SHA-256 of a part that went to it directly.
        Assert.Equal(OnS3, completed.ChecksumSha256 is null);
        Assert.Equal((TestData.Sha256Hex(file), (long)file.Length), await api.DownloadSha256Async(upload.Key, Ct));
    }

    public static TheoryData<string, string, string> BadBodies => new()
    {
        { "no parts", """{}""", "malformed_json" },
        { "empty list", """{"parts":[]}""", "malformed_json" },
        { "no part number", """{"parts":[{"contentMd5":"1B2M2Y8AsgTpgAmY7PhCfg=="}]}""", "malformed_json" },
        { "part 0", """{"parts":[{"partNumber":0,"contentMd5":"1B2M2Y8AsgTpgAmY7PhCfg=="}]}""", "invalid_part_number" },
        { "past the plan", """{"parts":[{"partNumber":3,"contentMd5":"1B2M2Y8AsgTpgAmY7PhCfg=="}]}""", "invalid_part_number" },
        { "no MD5", """{"parts":[{"partNumber":1}]}""", "invalid_content_md5" },
        { "MD5 of 15 bytes", """{"parts":[{"partNumber":1,"contentMd5":"AAAAAAAAAAAAAAAAAAAA"}]}""", "invalid_content_md5" },
        { "MD5 not base64", """{"parts":[{"partNumber":1,"contentMd5":"not base64!"}]}""", "invalid_content_md5" },
        { "not JSON", """parts=1""", "malformed_json" },
        { "101 parts", "{\"parts\":[" + string.Join(',', Enumerable.Repeat("""{"partNumber":1,"contentMd5":"1B2M2Y8AsgTpgAmY7PhCfg=="}""", 101)) + "]}", "malformed_json" },
    };

    [Theory]
    [MemberData(nameof(BadBodies))]
    public async Task A_malformed_request_for_part_urls_is_refused_with_its_code(string what, string body, string code)
    {
        using var api = DirectApi();
        var upload = await api.CreateAsync($"bad {what}.bin", TestData.PartSize + 1, cancellationToken: Ct);

        using var content = new StringContent(body, System.Text.Encoding.UTF8, "application/json");
        var (status, expected) = OnS3 ? (400, code) : (409, "direct_unavailable");
        await Problem.AssertAsync(api.Http.PostAsync(new Uri($"/api/uploads/{upload.UploadId}/part-urls", UriKind.Relative), content, Ct), status, expected);
        Assert.Empty((await api.ListPartsAsync(upload.UploadId, Ct)).Parts);
        await api.AbortRawAsync(upload.UploadId, Ct);
    }

    [Fact]
    public async Task With_direct_mode_off_no_upload_is_direct_and_part_urls_are_refused()
    {
        var upload = await Api.CreateAsync("proxied.bin", TestData.PartSize + 1, cancellationToken: Ct);

        Assert.Null(upload.Direct);
        await Problem.AssertAsync(Api.PartUrlsRawAsync(upload.UploadId, Body((1, new byte[1])), Ct), 409, "direct_unavailable");
        await Api.AbortRawAsync(upload.UploadId, Ct);
    }

    [Fact]
    public async Task Another_owner_cannot_have_parts_of_an_upload_signed()
    {
        var app = Fixture.SharedApp(new Dictionary<string, string?>(ApiKeyOwners.Settings().Concat(DirectOn)));
        using var alice = app.CreateApi(ApiKeyOwners.AliceKey);
        using var bob = app.CreateApi(ApiKeyOwners.BobKey);
        using var nobody = app.CreateApi(null);
        var upload = await alice.CreateAsync("alice.bin", 10, cancellationToken: Ct);

        await Problem.AssertAsync(bob.PartUrlsRawAsync(upload.UploadId, Body((1, new byte[10])), Ct), 404, "upload_not_found");
        await Problem.AssertAsync(nobody.PartUrlsRawAsync(upload.UploadId, Body((1, new byte[10])), Ct), 401, "unauthorized");
        Assert.Empty((await alice.ListPartsAsync(upload.UploadId, Ct)).Parts);
        await alice.AbortRawAsync(upload.UploadId, Ct);
    }

    [Fact]
    public async Task Part_urls_name_the_public_endpoint_when_one_is_set()
    {
        // Clients reach the store as "localhost", Hoist as 127.0.0.1: the URL is signed for the clients' host.
        var publicUrl = OnS3 ? S3TestSettings.FromEnvironment()!.ServiceUrl.Replace("127.0.0.1", "localhost", StringComparison.Ordinal) : "http://localhost:1";
        using var api = DirectApi(new Dictionary<string, string?> { ["Hoist:Storage:S3:PublicServiceUrl"] = publicUrl });
        var file = TestData.Bytes(seed: 1403, 4321);
        var upload = await api.CreateAsync("public.bin", file.Length, cancellationToken: Ct);
        if (!OnS3)
        {
            Assert.Null(upload.Direct);
            await api.PutPartAsync(upload.UploadId, 1, file, cancellationToken: Ct);
            Assert.Equal(TestData.Sha256Hex(file), (await api.DownloadSha256Async(upload.Key, Ct)).Sha256);
            return;
        }
        var url = Assert.Single((await api.PartUrlsAsync(upload.UploadId, [(1, file)], Ct)).Parts);
        Assert.StartsWith(publicUrl + "/", url.Url, StringComparison.Ordinal);
        using (var put = await PutAsync(url, file))
        {
            Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        }
        var completed = await api.CompleteAsync(upload.UploadId, Ct);
        Assert.Equal(file.Length, completed.Size);
        Assert.Equal(TestData.Sha256Hex(file), (await api.DownloadSha256Async(upload.Key, Ct)).Sha256);
    }

    private static object Body(params (int PartNumber, ReadOnlyMemory<byte> Bytes)[] parts) =>
        new { parts = parts.Select(p => new { partNumber = p.PartNumber, contentMd5 = Convert.ToBase64String(MD5.HashData(p.Bytes.Span)) }).ToList() };

    /// <summary>PUTs to the store as a client does: the URL and its headers, no credentials.</summary>
    private Task<HttpResponseMessage> PutAsync(PartUrlAnswer url, ReadOnlyMemory<byte> bytes)
    {
        var request = new HttpRequestMessage(HttpMethod.Put, url.Url) { Content = new ReadOnlyMemoryContent(bytes) };
        foreach (var (name, value) in url.Headers)
        {
            request.Content.Headers.TryAddWithoutValidation(name, value);
        }
        return Store.SendAsync(request, Ct);
    }
}

public sealed class DirectModeOnFileSystem(FileSystemFixture fixture) : DirectModeTests(fixture), IClassFixture<FileSystemFixture>;

public sealed class DirectModeOnS3(S3Fixture fixture) : DirectModeTests(fixture), IClassFixture<S3Fixture>;
