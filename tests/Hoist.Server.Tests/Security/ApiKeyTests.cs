using System.Net;
using Hoist.Server.Tests.Support;

namespace Hoist.Server.Tests.Security;

/// <summary>Hoist:Auth:Mode ApiKeys: every API call needs a known key, and the key decides the owner.</summary>
public abstract class ApiKeyTests(StoreFixture fixture) : ApiTests(fixture), IAsyncLifetime
{
    private HoistApp _app = null!;

    public Task InitializeAsync()
    {
        _app = Fixture.SharedApp(ApiKeyOwners.Settings());
        return Task.CompletedTask;
    }

    public Task DisposeAsync() => Task.CompletedTask;

    /// <summary>Each API route, called with nothing in the way but authentication.</summary>
    public static TheoryData<string, string> Routes => new()
    {
        { "POST", "/api/uploads" },
        { "PUT", "/api/uploads/x.y/parts/1" },
        { "GET", "/api/uploads/x.y/parts" },
        { "POST", "/api/uploads/x.y/complete" },
        { "DELETE", "/api/uploads/x.y" },
        { "GET", "/api/files" },
        { "GET", "/api/files/alice/2020/01/01/x/a.txt" },
    };

    [Theory]
    [MemberData(nameof(Routes))]
    public async Task Without_a_key_every_api_route_is_401_unauthorized(string method, string path)
    {
        using var api = _app.CreateApi(bearer: null);
        var before = await SnapshotAsync();

        await Problem.AssertAsync(api.Http.SendAsync(new HttpRequestMessage(new HttpMethod(method), path) { Content = new StringContent("{}") }, Ct), 401, "unauthorized");

        await AssertUnchangedAsync(before);
    }

    [Theory]
    [InlineData("Bearer not-a-key-anyone-was-given")]
    [InlineData("Bearer alice-api-key-0123456789abcdeX")] // one character off
    [InlineData("Bearer alice-api-key-0123456789abcde")] // a prefix of Alice's key
    [InlineData("Bearer ALICE-API-KEY-0123456789ABCDEF")]
    [InlineData("Basic YWxpY2U6YWxpY2UtYXBpLWtleS0wMTIzNDU2Nzg5YWJjZGVm")] // Alice's key, in another scheme
    [InlineData("Bearer ")]
    [InlineData("alice-api-key-0123456789abcdef")] // no scheme
    public async Task An_unknown_key_is_401_unauthorized(string authorization)
    {
        using var api = _app.CreateApi(bearer: null);
        api.Http.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", authorization);
        var before = await SnapshotAsync();

        await Problem.AssertAsync(api.CreateRawAsync(new { fileName = "a.txt", size = 1 }, Ct), 401, "unauthorized");
        await Problem.AssertAsync(api.Http.GetAsync(new Uri("/api/files", UriKind.Relative), Ct), 401, "unauthorized");

        await AssertUnchangedAsync(before);
    }

    [Fact]
    public async Task A_valid_key_uploads_and_downloads_under_its_owners_prefix()
    {
        using var alice = _app.CreateApi(ApiKeyOwners.AliceKey);

        var upload = await alice.CreateAsync("hello.txt", 5, cancellationToken: Ct);
        var part = await alice.PutPartAsync(upload.UploadId, 1, "hello"u8.ToArray(), cancellationToken: Ct);

        Assert.StartsWith("alice/", upload.Key, StringComparison.Ordinal);
        Assert.NotNull(part.Completed);
        Assert.Contains(await alice.ListFilesAsync(cancellationToken: Ct), f => f.Key == upload.Key);
        Assert.Equal(TestData.Sha256Hex("hello"u8), (await alice.DownloadSha256Async(upload.Key, Ct)).Sha256);
    }

    [Fact]
    public async Task The_page_and_the_health_check_need_no_key()
    {
        using var api = _app.CreateApi(bearer: null);

        using var page = await api.Http.GetAsync(new Uri("/", UriKind.Relative), Ct);
        using var health = await api.Http.GetAsync(new Uri("/healthz", UriKind.Relative), Ct);

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
    }
}

public sealed class ApiKeysOnFileSystem(FileSystemFixture fixture) : ApiKeyTests(fixture), IClassFixture<FileSystemFixture>;

public sealed class ApiKeysOnS3(S3Fixture fixture) : ApiKeyTests(fixture), IClassFixture<S3Fixture>;
