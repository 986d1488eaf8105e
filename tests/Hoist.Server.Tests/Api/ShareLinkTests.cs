using System.Net;
using Hoist.Server.Tests.Security;
using Hoist.Server.Tests.Support;

namespace Hoist.Server.Tests.Api;

/// <summary>
/// POST /api/files/{key}/links: a URL that downloads the owner's file without credentials until it expires
/// (S3: the store's presigned GET; file system: Hoist's /api/shared/{key}, signed with the upload-token key).
/// Run in ApiKeys mode, so that "without credentials" means something: the same request to /api/files is refused.
/// </summary>
public abstract class ShareLinkTests(StoreFixture fixture) : ApiTests(fixture), IAsyncLifetime
{
    private static readonly HttpClient Outside = new();

    private HoistApp _app = null!;
    private HoistApi _alice = null!;
    private HoistApi _bob = null!;
    private HoistApi _nobody = null!;

    private bool OnS3 => Fixture.StoreName == "S3";

    public Task InitializeAsync()
    {
        _app = Fixture.SharedApp(ApiKeyOwners.Settings());
        _alice = _app.CreateApi(ApiKeyOwners.AliceKey);
        _bob = _app.CreateApi(ApiKeyOwners.BobKey);
        _nobody = _app.CreateApi(bearer: null);
        return Task.CompletedTask;
    }

    public Task DisposeAsync()
    {
        _alice.Dispose();
        _bob.Dispose();
        _nobody.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task A_link_downloads_the_file_without_credentials_byte_for_byte_as_an_attachment_named_like_the_download()
    {
        var file = TestData.Bytes(seed: 1400, TestData.PartSize + 123);
        var key = await UploadAsync("report 2026.bin", file);
        using (var refused = await _nobody.DownloadAsync(key, cancellationToken: Ct))
        {
            await Problem.AssertAsync(refused, 401, "unauthorized");
        }

        var link = await _alice.CreateLinkAsync(key, 600, Ct);

        Assert.True(link.Url.IsAbsoluteUri);
        Assert.InRange(link.ExpiresAt, DateTimeOffset.UtcNow.AddSeconds(590), DateTimeOffset.UtcNow.AddSeconds(602));
        Assert.Equal(OnS3, !link.Url.AbsolutePath.StartsWith("/api/shared/", StringComparison.Ordinal));
        using var response = await FetchAsync(link.Url);
        await HoistApi.ExpectStatusAsync(response, HttpStatusCode.OK, Ct);
        Assert.Equal(file, await response.Content.ReadAsByteArrayAsync(Ct));
        using var owners = await _alice.DownloadAsync(key, cancellationToken: Ct);
        Assert.Equal("attachment", response.Content.Headers.ContentDisposition?.DispositionType);
        Assert.Equal(owners.Content.Headers.ContentDisposition?.FileNameStar, response.Content.Headers.ContentDisposition?.FileNameStar);
        Assert.Equal("report 2026.bin", response.Content.Headers.ContentDisposition?.FileNameStar);
    }

    [Fact]
    public async Task A_link_serves_a_range_as_the_download_does()
    {
        var file = TestData.Bytes(seed: 1401, 1000);
        var link = await _alice.CreateLinkAsync(await UploadAsync("ranged.bin", file), cancellationToken: Ct);

        using var response = await FetchAsync(link.Url, "bytes=100-199");

        await HoistApi.ExpectStatusAsync(response, HttpStatusCode.PartialContent, Ct);
        Assert.Equal(file[100..200], await response.Content.ReadAsByteArrayAsync(Ct));
        Assert.Equal("bytes 100-199/1000", response.Content.Headers.ContentRange?.ToString());
    }

    [Fact]
    public async Task Without_expiresIn_a_link_lasts_an_hour()
    {
        var link = await _alice.CreateLinkAsync(await UploadAsync("default.bin", TestData.Bytes(seed: 1402, 10)), cancellationToken: Ct);

        Assert.InRange(link.ExpiresAt, DateTimeOffset.UtcNow.AddMinutes(59), DateTimeOffset.UtcNow.AddMinutes(61));
    }

    [Fact]
    public async Task A_link_stops_working_once_it_expires()
    {
        var file = TestData.Bytes(seed: 1403, 10);
        var link = await _alice.CreateLinkAsync(await UploadAsync("short.bin", file), 3, Ct);
        using (var first = await FetchAsync(link.Url))
        {
            await HoistApi.ExpectStatusAsync(first, HttpStatusCode.OK, Ct);
        }

        // S3 counts from its own X-Amz-Date (whole seconds): a little past the time the API said.
        var wait = link.ExpiresAt.AddSeconds(1.5) - DateTimeOffset.UtcNow;
        await Task.Delay(wait > TimeSpan.Zero ? wait : TimeSpan.Zero, Ct);
        using var expired = await FetchAsync(link.Url);

        if (OnS3)
        {
            Assert.Equal(HttpStatusCode.Forbidden, expired.StatusCode);
        }
        else
        {
            await Problem.AssertAsync(expired, 410, "link_expired");
        }
    }

    [Theory]
    [InlineData("signature")]
    [InlineData("expiry")]
    [InlineData("key")]
    public async Task A_tampered_link_is_refused(string part)
    {
        var key = await UploadAsync("tampered.bin", TestData.Bytes(seed: 1404, 10));
        var other = await UploadAsync("other.bin", TestData.Bytes(seed: 1405, 10));
        var url = (await _alice.CreateLinkAsync(key, 600, Ct)).Url.AbsoluteUri;
        var tampered = part switch
        {
            "signature" => ChangeQuery(url, OnS3 ? "X-Amz-Signature" : "signature"),
            "expiry" => ChangeQuery(url, OnS3 ? "X-Amz-Expires" : "expires"),
            _ => url.Replace(Path(key), Path(other), StringComparison.Ordinal),
        };
        Assert.NotEqual(url, tampered);

        using var response = await FetchAsync(new Uri(tampered));

        if (OnS3)
        {
            Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        }
        else
        {
            await Problem.AssertAsync(response, 403, "link_forged");
        }
    }

    [Fact]
    public async Task Another_owners_key_or_a_missing_file_answers_404_word_for_word_like_a_download()
    {
        var alices = await UploadAsync("alice.bin", TestData.Bytes(seed: 1406, 10));
        var missing = alices[..(alices.LastIndexOf('/') + 1)] + "never-uploaded.bin";

        var onAlices = await Problem.AssertAsync(_bob.CreateLinkRawAsync(alices, new { expiresIn = 60 }, Ct), 404, "file_not_found");
        var onMissing = await Problem.AssertAsync(_alice.CreateLinkRawAsync(missing, new { expiresIn = 60 }, Ct), 404, "file_not_found");
        var onDownload = await Problem.AssertAsync(_bob.DownloadAsync(alices, cancellationToken: Ct), 404, "file_not_found");

        Assert.Equal(Without(onDownload, "traceId"), Without(onAlices, "traceId"));
        Assert.Equal(Without(onDownload, "traceId"), Without(onMissing, "traceId"));
    }

    [Fact]
    public async Task A_link_to_a_file_deleted_since_answers_404()
    {
        var key = await UploadAsync("deleted.bin", TestData.Bytes(seed: 1407, 10));
        var link = await _alice.CreateLinkAsync(key, 600, Ct);
        using (var deleted = await _alice.DeleteFileAsync(key, Ct))
        {
            await HoistApi.ExpectStatusAsync(deleted, HttpStatusCode.NoContent, Ct);
        }

        using var response = await FetchAsync(link.Url);

        if (OnS3)
        {
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        }
        else
        {
            await Problem.AssertAsync(response, 404, "file_not_found");
        }
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-5")]
    [InlineData("604801")]
    public async Task An_expiresIn_outside_one_second_to_seven_days_is_refused(string seconds)
    {
        var key = await UploadAsync("limits.bin", TestData.Bytes(seed: 1408, 10));

        await Problem.AssertAsync(_alice.CreateLinkRawAsync(key, new { expiresIn = long.Parse(seconds, System.Globalization.CultureInfo.InvariantCulture) }, Ct), 400, "invalid_expires_in");
    }

    [Fact]
    public async Task Seven_days_is_allowed()
    {
        var key = await UploadAsync("week.bin", TestData.Bytes(seed: 1409, 10));

        var link = await _alice.CreateLinkAsync(key, 7 * 24 * 3600, Ct);

        Assert.InRange(link.ExpiresAt, DateTimeOffset.UtcNow.AddDays(7).AddSeconds(-10), DateTimeOffset.UtcNow.AddDays(7).AddSeconds(2));
        using var response = await FetchAsync(link.Url);
        await HoistApi.ExpectStatusAsync(response, HttpStatusCode.OK, Ct);
    }

    private async Task<string> UploadAsync(string fileName, byte[] file) => (await UploadAsync(fileName, file, api: _alice)).Upload.Key;

    /// <summary>Fetches a link as anybody would: no credentials; Hoist's own links through the in-memory server, the store's over the network.</summary>
    private async Task<HttpResponseMessage> FetchAsync(Uri url, string? range = null)
    {
        var onHoist = url.AbsolutePath.StartsWith("/api/shared/", StringComparison.Ordinal);
        using var request = new HttpRequestMessage(HttpMethod.Get, onHoist ? new Uri(url.PathAndQuery, UriKind.Relative) : url);
        if (range is not null)
        {
            request.Headers.TryAddWithoutValidation("Range", range);
        }
        return await (onHoist ? _nobody.Http : Outside).SendAsync(request, Ct);
    }

    private static string Path(string key) => string.Join('/', key.Split('/').Select(Uri.EscapeDataString));

    /// <summary>The URL with the first character of a query parameter's value changed.</summary>
    private static string ChangeQuery(string url, string name)
    {
        var at = url.IndexOf(name + "=", StringComparison.Ordinal) + name.Length + 1;
        Assert.True(at > name.Length, $"{url} has no {name}.");
        var replacement = url[at] == '1' ? '2' : '1';
        return url[..at] + replacement + url[(at + 1)..];
    }

    private static string Without(System.Text.Json.JsonElement problem, string property) =>
        System.Text.Json.JsonSerializer.Serialize(problem.EnumerateObject().Where(p => p.Name != property).ToDictionary(p => p.Name, p => p.Value));
}

public sealed class ShareLinksOnFileSystem(FileSystemFixture fixture) : ShareLinkTests(fixture), IClassFixture<FileSystemFixture>;

public sealed class ShareLinksOnS3(S3Fixture fixture) : ShareLinkTests(fixture), IClassFixture<S3Fixture>;
