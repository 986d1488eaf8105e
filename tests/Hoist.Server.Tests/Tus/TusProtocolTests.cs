using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using Hoist.Server.Tests.Security;
using Hoist.Server.Tests.Support;

// tus names sha1 and md5 among its checksum algorithms: the tests send them as clients do.
#pragma warning disable CA5350, CA5351

namespace Hoist.Server.Tests.Tus;

/// <summary>
/// The tus protocol over raw HTTP against the real server on Kestrel, on each store: discovery, version
/// checks, checksums, owners, racing PATCHes, and hostile requests, each of which is a 4xx with a
/// ProblemDetails code that leaves nothing in the store.
/// </summary>
public abstract class TusProtocolTests(TusServer server) : IDisposable
{
    private const int MiB = TestData.MiB;

    private readonly CancellationTokenSource _timeout = new(TimeSpan.FromMinutes(3));

    private CancellationToken Ct => _timeout.Token;

    public void Dispose()
    {
        _timeout.Dispose();
        GC.SuppressFinalize(this);
    }

    private static HttpRequestMessage Tus(HttpMethod method, string url, string version = "1.0.0")
    {
        var request = new HttpRequestMessage(method, url);
        request.Headers.TryAddWithoutValidation("Tus-Resumable", version);
        return request;
    }

    private static string Metadata(string fileName) => "filename " + Convert.ToBase64String(Encoding.UTF8.GetBytes(fileName));

    private async Task<string> CreateAsync(long length, string fileName = "raw.bin", HttpClient? owner = null)
    {
        using var request = Tus(HttpMethod.Post, "/files/");
        request.Headers.TryAddWithoutValidation("Upload-Length", length.ToString(CultureInfo.InvariantCulture));
        request.Headers.TryAddWithoutValidation("Upload-Metadata", Metadata(fileName));
        using var response = await (owner ?? server.Alice).SendAsync(request, Ct);
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync(Ct)}");
        Assert.Equal("1.0.0", response.Headers.GetValues("Tus-Resumable").Single());
        Assert.True(response.Headers.Contains("Upload-Expires"));
        return response.Headers.Location!.ToString();
    }

    private static HttpRequestMessage Patch(string url, long offset, byte[] body, string contentType = "application/offset+octet-stream", string? checksum = null)
    {
        var request = Tus(HttpMethod.Patch, url);
        request.Headers.TryAddWithoutValidation("Upload-Offset", offset.ToString(CultureInfo.InvariantCulture));
        request.Content = new ByteArrayContent(body);
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        if (checksum is not null)
        {
            request.Headers.TryAddWithoutValidation("Upload-Checksum", checksum);
        }
        return request;
    }

    private async Task<long> OffsetAsync(string url, HttpClient? owner = null)
    {
        using var request = Tus(HttpMethod.Head, url);
        using var response = await (owner ?? server.Alice).SendAsync(request, Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
        return long.Parse(response.Headers.GetValues("Upload-Offset").Single(), CultureInfo.InvariantCulture);
    }

    private async Task<long> PatchAsync(string url, long offset, byte[] body)
    {
        using var request = Patch(url, offset, body);
        using var response = await server.Alice.SendAsync(request, Ct);
        Assert.True(response.StatusCode == HttpStatusCode.NoContent, $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync(Ct)}");
        return long.Parse(response.Headers.GetValues("Upload-Offset").Single(), CultureInfo.InvariantCulture);
    }

    /// <summary>Alice's incomplete uploads and every scratch object, to show that a refusal left nothing behind.</summary>
    private async Task<string> StoreStateAsync()
    {
        var uploads = await server.Store.ListMultipartUploadsAsync(ApiKeyOwners.Alice + "/", Ct).Select(u => u.Key + " " + u.UploadId).ToListAsync(Ct);
        var scratch = await server.Store.ListScratchAsync("", Ct).Select(s => s.Name + " " + s.Size).ToListAsync(Ct);
        return string.Join('\n', uploads.Order(StringComparer.Ordinal)) + "\n--\n" + string.Join('\n', scratch);
    }

    [Fact]
    public async Task OPTIONS_answers_the_version_extensions_maximum_size_and_checksum_algorithms_without_credentials()
    {
        using var anonymous = new HttpClient { BaseAddress = server.Address };
        using var response = await anonymous.SendAsync(new HttpRequestMessage(HttpMethod.Options, "/files/"), Ct);

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal("1.0.0", response.Headers.GetValues("Tus-Resumable").Single());
        Assert.Equal("1.0.0", response.Headers.GetValues("Tus-Version").Single());
        Assert.Equal(["creation", "creation-with-upload", "creation-defer-length", "termination", "expiration", "checksum", "concatenation"], response.Headers.GetValues("Tus-Extension").Single().Split(','));
        Assert.Equal("5497558138880", response.Headers.GetValues("Tus-Max-Size").Single());
        Assert.Equal("sha1,sha256,md5", response.Headers.GetValues("Tus-Checksum-Algorithm").Single());
    }

    [Fact]
    public async Task A_request_of_another_tus_version_is_refused_with_412_and_the_supported_version()
    {
        using var request = Tus(HttpMethod.Post, "/files/", version: "0.2.2");
        request.Headers.TryAddWithoutValidation("Upload-Length", "10");
        var before = await StoreStateAsync();

        using var response = await server.Alice.SendAsync(request, Ct);

        await Problem.AssertAsync(response, 412, "tus_version_unsupported");
        Assert.Equal("1.0.0", response.Headers.GetValues("Tus-Version").Single());
        Assert.Equal("1.0.0", response.Headers.GetValues("Tus-Resumable").Single());
        Assert.Equal(before, await StoreStateAsync());
    }

    [Fact]
    public async Task Without_credentials_creation_is_refused_with_401()
    {
        using var anonymous = new HttpClient { BaseAddress = server.Address };
        using var request = Tus(HttpMethod.Post, "/files/");
        request.Headers.TryAddWithoutValidation("Upload-Length", "10");

        await Problem.AssertAsync(anonymous.SendAsync(request, Ct), 401, "unauthorized");
    }

    [Fact]
    public async Task A_filename_with_folders_keeps_them_in_the_key_through_the_same_template()
    {
        var bytes = TestData.Bytes(1409, 10);
        var url = await CreateAsync(bytes.Length, "../photos\\2024/./a.jpg");
        await PatchAsync(url, 0, bytes);

        var key = TusServer.KeyOf(url);

        Assert.Matches("^alice/[0-9]{4}/[0-9]{2}/[0-9]{2}/[0-9a-z]{12}/photos/2024/a\\.jpg$", key);
        Assert.Equal((TestData.Sha256Hex(bytes), (long)bytes.Length), await TusServer.DownloadAsync(server.Alice, key, Ct));
    }

    [Fact]
    public async Task HEAD_answers_the_offset_the_length_and_no_store()
    {
        var url = await CreateAsync(3 * MiB);
        await PatchAsync(url, 0, TestData.Bytes(1400, MiB));

        using var request = Tus(HttpMethod.Head, url);
        using var response = await server.Alice.SendAsync(request, Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(MiB.ToString(CultureInfo.InvariantCulture), response.Headers.GetValues("Upload-Offset").Single());
        Assert.Equal((3 * MiB).ToString(CultureInfo.InvariantCulture), response.Content.Headers.TryGetValues("Upload-Length", out var v) ? v.Single() : response.Headers.GetValues("Upload-Length").Single());
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
    }

    [Fact]
    public async Task Another_owner_cannot_see_or_write_an_upload_even_with_its_URL()
    {
        var url = await CreateAsync(MiB);
        await PatchAsync(url, 0, TestData.Bytes(1401, 1000));

        using (var head = Tus(HttpMethod.Head, url))
        using (var answer = await server.Bob.SendAsync(head, Ct))
        {
            Assert.Equal(HttpStatusCode.NotFound, answer.StatusCode);
        }
        await Problem.AssertAsync(server.Bob.SendAsync(Patch(url, 1000, [1, 2, 3]), Ct), 404, "upload_not_found");
        await Problem.AssertAsync(server.Bob.SendAsync(Tus(HttpMethod.Delete, url), Ct), 404, "upload_not_found");

        Assert.Equal(1000, await OffsetAsync(url));
    }

    [Fact]
    public async Task A_body_with_a_wrong_checksum_gets_460_and_stores_nothing()
    {
        var url = await CreateAsync(8 * MiB);
        var body = TestData.Bytes(1402, 6 * MiB);
        var wrong = "sha1 " + Convert.ToBase64String(SHA1.HashData(TestData.Bytes(1403, 10)));
        var before = await StoreStateAsync();

        using var response = await server.Alice.SendAsync(Patch(url, 0, body, checksum: wrong), Ct);

        await Problem.AssertAsync(response, 460, "tus_checksum_mismatch");
        Assert.Equal(0, await OffsetAsync(url));
        Assert.Equal(before, await StoreStateAsync());
    }

    [Theory]
    [InlineData("sha1")]
    [InlineData("sha256")]
    [InlineData("md5")]
    public async Task A_body_with_the_right_checksum_is_stored(string algorithm)
    {
        var bytes = TestData.Bytes(1404, (6 * MiB) + 5);
        var url = await CreateAsync(bytes.Length, $"checked-{algorithm}.bin");
        byte[] Digest(byte[] b) => algorithm switch { "sha1" => SHA1.HashData(b), "sha256" => SHA256.HashData(b), _ => MD5.HashData(b) };
        var first = bytes[..(2 * MiB)];
        var rest = bytes[(2 * MiB)..];

        using (var response = await server.Alice.SendAsync(Patch(url, 0, first, checksum: $"{algorithm} {Convert.ToBase64String(Digest(first))}"), Ct))
        {
            Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        }
        using (var response = await server.Alice.SendAsync(Patch(url, first.Length, rest, checksum: $"{algorithm} {Convert.ToBase64String(Digest(rest))}"), Ct))
        {
            Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        }

        Assert.Equal((TestData.Sha256Hex(bytes), (long)bytes.Length), await TusServer.DownloadAsync(server.Alice, TusServer.KeyOf(url), Ct));
        Assert.Empty(await server.ScratchOfAsync(url, Ct));
    }

    [Fact]
    public async Task Two_PATCHes_racing_at_one_offset_never_corrupt_the_file_and_the_loser_gets_409()
    {
        var bytes = TestData.Bytes(1405, 12 * MiB);
        var url = await CreateAsync(bytes.Length, "raced.bin");
        await PatchAsync(url, 0, bytes[..(3 * MiB)]);
        // Both send the same bytes from 3 MiB to 9 MiB: part 1 (joining the 3 MiB tail) and a new 4 MiB tail.
        var chunk = bytes[(3 * MiB)..(9 * MiB)];

        var answers = await Task.WhenAll(Enumerable.Range(0, 2).Select(async _ =>
        {
            using var response = await server.Alice.SendAsync(Patch(url, 3 * MiB, chunk), Ct);
            return ((int)response.StatusCode, await response.Content.ReadAsStringAsync(Ct));
        }));

        Assert.Contains(answers, a => a.Item1 == 204);
        Assert.All(answers, a => Assert.True(a.Item1 is 204 or 409, $"{a.Item1} {a.Item2}"));
        Assert.All(answers.Where(a => a.Item1 == 409), a => Assert.Contains("tus_", a.Item2, StringComparison.Ordinal));
        Assert.Equal(9 * MiB, await OffsetAsync(url));
        Assert.Single(await server.ScratchOfAsync(url, Ct));
        await PatchAsync(url, 9 * MiB, bytes[(9 * MiB)..]);
        Assert.Equal((TestData.Sha256Hex(bytes), (long)bytes.Length), await TusServer.DownloadAsync(server.Alice, TusServer.KeyOf(url), Ct));
    }

    [Fact]
    public async Task A_PATCH_at_a_stale_offset_gets_409_with_the_real_offset()
    {
        var url = await CreateAsync(MiB);
        await PatchAsync(url, 0, TestData.Bytes(1406, 100));

        var problem = await Problem.AssertAsync(server.Alice.SendAsync(Patch(url, 0, TestData.Bytes(1406, 100)), Ct), 409, "tus_offset_mismatch");

        Assert.Equal(100, problem.GetProperty("offset").GetInt64());
        Assert.Equal(100, await OffsetAsync(url));
    }

    private async Task<string> CreateDeferredAsync(string fileName)
    {
        using var request = Tus(HttpMethod.Post, "/files/");
        request.Headers.TryAddWithoutValidation("Upload-Defer-Length", "1");
        request.Headers.TryAddWithoutValidation("Upload-Metadata", Metadata(fileName));
        using var response = await server.Alice.SendAsync(request, Ct);
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync(Ct)}");
        return response.Headers.Location!.ToString();
    }

    [Fact]
    public async Task A_deferred_length_is_learnt_from_a_PATCH_kept_in_the_store_and_cannot_change()
    {
        var bytes = TestData.Bytes(1411, (6 * MiB) + 9);
        var url = await CreateDeferredAsync("deferred-raw.bin");
        await PatchAsync(url, 0, bytes[..(2 * MiB)]);
        using (var head = Tus(HttpMethod.Head, url))
        using (var answer = await server.Alice.SendAsync(head, Ct))
        {
            Assert.Equal("1", answer.Headers.GetValues("Upload-Defer-Length").Single());
            Assert.False(answer.Headers.Contains("Upload-Length") || answer.Content.Headers.Contains("Upload-Length"));
        }
        // The native API cannot continue it: its part plan has no last part yet.
        var id = url[(url.LastIndexOf('/') + 1)..];
        await Problem.AssertAsync(server.Alice.GetAsync(new Uri($"/api/uploads/{id}/parts", UriKind.Relative), Ct), 409, "upload_size_deferred");

        using (var request = Patch(url, 2 * MiB, bytes[(2 * MiB)..(3 * MiB)]))
        {
            request.Headers.TryAddWithoutValidation("Upload-Length", bytes.Length.ToString(CultureInfo.InvariantCulture));
            using var answer = await server.Alice.SendAsync(request, Ct);
            Assert.Equal(HttpStatusCode.NoContent, answer.StatusCode);
        }
        using (var request = Patch(url, 3 * MiB, bytes[(3 * MiB)..]))
        {
            request.Headers.TryAddWithoutValidation("Upload-Length", (bytes.Length + 1).ToString(CultureInfo.InvariantCulture));
            await Problem.AssertAsync(server.Alice.SendAsync(request, Ct), 400, "tus_invalid_upload_length");
        }
        Assert.Equal(3 * MiB, await OffsetAsync(url));
        await PatchAsync(url, 3 * MiB, bytes[(3 * MiB)..]);

        Assert.Equal((TestData.Sha256Hex(bytes), (long)bytes.Length), await TusServer.DownloadAsync(server.Alice, TusServer.KeyOf(url), Ct));
        Assert.Empty(await server.ScratchOfAsync(url, Ct));
    }

    [Theory]
    [InlineData("0", null)]
    [InlineData("yes", null)]
    [InlineData("1", "10")]
    public async Task A_wrong_Upload_Defer_Length_is_refused_with_400_and_nothing_is_stored(string defer, string? length)
    {
        using var request = Tus(HttpMethod.Post, "/files/");
        request.Headers.TryAddWithoutValidation("Upload-Defer-Length", defer);
        if (length is not null)
        {
            request.Headers.TryAddWithoutValidation("Upload-Length", length);
        }
        var before = await StoreStateAsync();

        await Problem.AssertAsync(server.Alice.SendAsync(request, Ct), 400, "tus_invalid_upload_length");

        Assert.Equal(before, await StoreStateAsync());
    }

    private async Task<string> CreatePartialAsync(long length, HttpClient owner)
    {
        using var request = Tus(HttpMethod.Post, "/files/");
        request.Headers.TryAddWithoutValidation("Upload-Length", length.ToString(CultureInfo.InvariantCulture));
        request.Headers.TryAddWithoutValidation("Upload-Concat", "partial");
        using var response = await owner.SendAsync(request, Ct);
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync(Ct)}");
        return response.Headers.Location!.ToString();
    }

    private static HttpRequestMessage Final(params string[] partials)
    {
        var request = Tus(HttpMethod.Post, "/files/");
        request.Headers.TryAddWithoutValidation("Upload-Concat", "final;" + string.Join(' ', partials));
        request.Headers.TryAddWithoutValidation("Upload-Metadata", Metadata("final.bin"));
        return request;
    }

    /// <summary>Bob's and Alice's incomplete uploads, the partial uploads' objects and both owners' files.</summary>
    private async Task<string> ConcatStateAsync()
    {
        var uploads = await server.Store.ListMultipartUploadsAsync("", Ct).Select(u => u.Key + " " + u.UploadId).ToListAsync(Ct);
        var partials = (await server.Store.ListObjectsAsync(Server.Uploads.UploadService.PartialsRoot, null, 1000, Ct)).Objects.Select(o => o.Key + " " + o.ETag);
        var files = new List<string>();
        foreach (var owner in new[] { ApiKeyOwners.Alice, ApiKeyOwners.Bob })
        {
            files.AddRange((await server.Store.ListObjectsAsync(owner + "/", null, 1000, Ct)).Objects.Select(o => o.Key));
        }
        return string.Join('\n', uploads.Order(StringComparer.Ordinal)) + "\n--\n" + string.Join('\n', partials) + "\n--\n" + string.Join('\n', files.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_final_upload_naming_another_owners_partial_is_refused_and_nothing_is_stored()
    {
        var alices = await CreatePartialAsync(10, server.Alice);
        await PatchAsync(alices, 0, TestData.Bytes(1412, 10));
        var bobs = await CreatePartialAsync(10, server.Bob);
        using (var patch = Patch(bobs, 0, TestData.Bytes(1413, 10)))
        using (var answer = await server.Bob.SendAsync(patch, Ct))
        {
            Assert.Equal(HttpStatusCode.NoContent, answer.StatusCode);
        }
        var before = await ConcatStateAsync();

        await Problem.AssertAsync(server.Bob.SendAsync(Final(bobs, alices), Ct), 404, "upload_not_found");

        Assert.Equal(before, await ConcatStateAsync());
        Assert.Equal(10, await OffsetAsync(alices));
    }

    [Fact]
    public async Task A_final_upload_naming_an_unfinished_partial_is_refused_with_400_and_nothing_is_stored()
    {
        var done = await CreatePartialAsync(10, server.Alice);
        await PatchAsync(done, 0, TestData.Bytes(1414, 10));
        var unfinished = await CreatePartialAsync(10, server.Alice);
        await PatchAsync(unfinished, 0, TestData.Bytes(1415, 4));
        var before = await ConcatStateAsync();

        await Problem.AssertAsync(server.Alice.SendAsync(Final(done, unfinished), Ct), 400, "tus_partial_unfinished");

        Assert.Equal(before, await ConcatStateAsync());
    }

    [Fact]
    public async Task A_final_upload_naming_an_upload_that_is_not_partial_is_refused_with_400_and_nothing_is_stored()
    {
        var plain = await CreateAsync(10);
        await PatchAsync(plain, 0, TestData.Bytes(1416, 10));
        var before = await ConcatStateAsync();

        await Problem.AssertAsync(server.Alice.SendAsync(Final(plain), Ct), 400, "tus_invalid_concat");
        await Problem.AssertAsync(server.Alice.SendAsync(Final("/elsewhere/x.y"), Ct), 400, "tus_invalid_concat");

        Assert.Equal(before, await ConcatStateAsync());
    }

    [Fact]
    public async Task A_final_upload_is_assembled_at_once_answers_HEAD_as_complete_and_refuses_PATCH_with_403()
    {
        var first = TestData.Bytes(1417, 3000);
        var second = TestData.Bytes(1418, 5000);
        var a = await CreatePartialAsync(first.Length, server.Alice);
        await PatchAsync(a, 0, first);
        var b = await CreatePartialAsync(second.Length, server.Alice);
        await PatchAsync(b, 0, second);

        using var created = await server.Alice.SendAsync(Final(a, new Uri(server.Address, b).ToString()), Ct);

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var final = created.Headers.Location!.ToString();
        using (var head = Tus(HttpMethod.Head, final))
        using (var answer = await server.Alice.SendAsync(head, Ct))
        {
            Assert.Equal("8000", answer.Headers.GetValues("Upload-Offset").Single());
            Assert.Equal("final", answer.Headers.GetValues("Upload-Concat").Single());
        }
        await Problem.AssertAsync(server.Alice.SendAsync(Patch(final, 8000, [1]), Ct), 403, "tus_final_upload");
        Assert.Equal((TestData.Sha256Hex([.. first, .. second]), 8000L), await TusServer.DownloadAsync(server.Alice, TusServer.KeyOf(final), Ct));
    }

    // Hostile requests: each is a 4xx with its code, and nothing is stored.

    [Fact]
    public async Task An_offset_past_the_size_is_refused_with_409_and_nothing_is_stored()
    {
        var url = await CreateAsync(1000);
        var before = await StoreStateAsync();

        await Problem.AssertAsync(server.Alice.SendAsync(Patch(url, 5000, TestData.Bytes(1407, 10)), Ct), 409, "tus_offset_mismatch");

        Assert.Equal(before, await StoreStateAsync());
        Assert.Equal(0, await OffsetAsync(url));
    }

    [Fact]
    public async Task A_body_running_past_the_length_is_refused_with_413_and_nothing_is_stored()
    {
        var url = await CreateAsync(1000);
        var before = await StoreStateAsync();

        await Problem.AssertAsync(server.Alice.SendAsync(Patch(url, 0, TestData.Bytes(1408, 1001)), Ct), 413, "tus_upload_length_exceeded");

        Assert.Equal(before, await StoreStateAsync());
        Assert.Equal(0, await OffsetAsync(url));
    }

    [Theory]
    [InlineData("-1")]
    [InlineData("abc")]
    [InlineData("1e6")]
    [InlineData("99999999999999999999")]
    [InlineData("")]
    public async Task An_Upload_Length_that_is_not_a_size_is_refused_with_400_and_nothing_is_stored(string length)
    {
        using var request = Tus(HttpMethod.Post, "/files/");
        request.Headers.TryAddWithoutValidation("Upload-Length", length);
        var before = await StoreStateAsync();

        await Problem.AssertAsync(server.Alice.SendAsync(request, Ct), 400, "tus_invalid_upload_length");

        Assert.Equal(before, await StoreStateAsync());
    }

    [Theory]
    [InlineData("filename not*base64")]
    [InlineData("filename YWJj,filename ZGVm")]
    [InlineData("filename YW Jj")]
    [InlineData("filename /w==")]
    public async Task Upload_Metadata_that_is_not_base64_pairs_is_refused_with_400_and_nothing_is_stored(string metadata)
    {
        using var request = Tus(HttpMethod.Post, "/files/");
        request.Headers.TryAddWithoutValidation("Upload-Length", "10");
        request.Headers.TryAddWithoutValidation("Upload-Metadata", metadata);
        var before = await StoreStateAsync();

        await Problem.AssertAsync(server.Alice.SendAsync(request, Ct), 400, "tus_invalid_metadata");

        Assert.Equal(before, await StoreStateAsync());
    }

    [Theory]
    [InlineData("application/octet-stream")]
    [InlineData("text/plain")]
    public async Task A_PATCH_with_a_wrong_content_type_is_refused_with_415_and_nothing_is_stored(string contentType)
    {
        var url = await CreateAsync(1000);
        var before = await StoreStateAsync();

        await Problem.AssertAsync(server.Alice.SendAsync(Patch(url, 0, TestData.Bytes(1409, 10), contentType), Ct), 415, "tus_content_type");

        Assert.Equal(before, await StoreStateAsync());
        Assert.Equal(0, await OffsetAsync(url));
    }

    [Fact]
    public async Task A_forged_upload_URL_is_refused_and_nothing_is_stored()
    {
        var url = await CreateAsync(1000);
        var forged = url[..^3] + (url[^3..] == "AAA" ? "BBB" : "AAA");
        var before = await StoreStateAsync();

        await Problem.AssertAsync(server.Alice.SendAsync(Patch(forged, 0, TestData.Bytes(1410, 10)), Ct), 403, "upload_id_forged");

        Assert.Equal(before, await StoreStateAsync());
    }

    [Fact]
    public async Task With_CORS_configured_a_browser_on_an_allowed_origin_may_send_and_read_the_tus_headers()
    {
        await using var app = server.StoreFixture.CreateApp(new Dictionary<string, string?> { ["Hoist:Cors:AllowedOrigins:0"] = "https://app.example" });
        using var client = app.CreateClient();
        using var preflight = new HttpRequestMessage(HttpMethod.Options, "/files/abc");
        preflight.Headers.Add("Origin", "https://app.example");
        preflight.Headers.Add("Access-Control-Request-Method", "PATCH");
        preflight.Headers.Add("Access-Control-Request-Headers", "tus-resumable,upload-offset,upload-checksum,content-type,authorization");

        using var answer = await client.SendAsync(preflight, Ct);

        Assert.True(answer.IsSuccessStatusCode, $"{(int)answer.StatusCode}");
        var allowed = string.Join(',', answer.Headers.GetValues("Access-Control-Allow-Headers")).ToLowerInvariant();
        Assert.All(["tus-resumable", "upload-offset", "upload-checksum"], h => Assert.Contains(h, allowed, StringComparison.Ordinal));

        using var options = new HttpRequestMessage(HttpMethod.Options, "/files/");
        options.Headers.Add("Origin", "https://app.example");
        using var discovered = await client.SendAsync(options, Ct);
        var exposed = string.Join(',', discovered.Headers.GetValues("Access-Control-Expose-Headers")).ToLowerInvariant();
        Assert.All(["location", "upload-offset", "upload-length", "tus-resumable", "upload-expires"], h => Assert.Contains(h, exposed, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_file_over_the_maximum_size_is_refused_with_413_at_creation()
    {
        await using var limited = server.StoreFixture.CreateApp(new Dictionary<string, string?> { ["Hoist:Uploads:MaxFileSize"] = "1000" });
        using var client = limited.CreateClient();
        using var options = await client.SendAsync(new HttpRequestMessage(HttpMethod.Options, "/files/"), Ct);
        Assert.Equal("1000", options.Headers.GetValues("Tus-Max-Size").Single());
        using var request = Tus(HttpMethod.Post, "/files/");
        request.Headers.TryAddWithoutValidation("Upload-Length", "1001");

        await Problem.AssertAsync(client.SendAsync(request, Ct), 413, "file_too_large");
    }
}

public sealed class TusProtocolOnFileSystem(TusServerOnFileSystem server) : TusProtocolTests(server), IClassFixture<TusServerOnFileSystem>;

public sealed class TusProtocolOnS3(TusServerOnS3 server) : TusProtocolTests(server), IClassFixture<TusServerOnS3>;
