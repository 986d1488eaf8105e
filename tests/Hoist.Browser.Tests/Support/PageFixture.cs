using System.Net.Http.Json;
using Hoist.Server.Storage;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace Hoist.Browser.Tests.Support;

/// <summary>
/// One server over one store and one browser, shared by the tests of a class. A concrete
/// subclass per store (<see cref="FileSystemPageFixture"/>, <see cref="S3PageFixture"/>) runs
/// the same tests on both.
/// </summary>
public abstract class PageFixture(TestStore store) : IAsyncLifetime
{
    /// <summary>The largest file the test server accepts; larger ones are refused when created.</summary>
    public const long MaxFileSize = 64L * 1024 * 1024;

    private HoistApp? _server;
    private IPlaywright? _playwright;
    private IBrowser? _browser;
    private HttpClient? _http;

    public string StoreName => store.Name;

    protected TestStore TestStore => store;

    /// <summary>The API key the fixture's own calls (listing, downloads) send, when its server wants one.</summary>
    public virtual string? Bearer => null;

    /// <summary>Further settings of a fixture made for some tests (e.g. an allowed CORS origin).</summary>
    protected virtual IReadOnlyDictionary<string, string?> ExtraSettings { get; } = new Dictionary<string, string?>();

    public Uri BaseUri { get; private set; } = new("http://127.0.0.1/");

    public IBrowser Browser => _browser ?? throw NotStarted();

    /// <summary>The part requests reaching the server, for tests that hold them or make them fail.</summary>
    public PartTraffic Parts { get; } = new();

    /// <summary>The server's own store, to look behind the API (incomplete uploads).</summary>
    public IObjectStore Store => (_server ?? throw NotStarted()).Services.GetRequiredService<IObjectStore>();

    private HttpClient Http => _http ?? throw NotStarted();

    public virtual async Task InitializeAsync()
    {
        await store.InitializeAsync();
        var settings = new Dictionary<string, string?>(store.Settings)
        {
            // Set, so the server never generates and keeps one in a data folder of its own.
            ["Hoist:Tokens:SigningKey"] = "hoist-browser-tests-signing-key-0123456789",
            ["Hoist:Uploads:MaxFileSize"] = MaxFileSize.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Logging:LogLevel:Default"] = "Warning",
            ["Logging:LogLevel:Microsoft.AspNetCore"] = "Error",
        };
        foreach (var (name, value) in ExtraSettings)
        {
            settings[name] = value;
        }
        // The page and the API as shipped (Production, not the developer exception pages), on real Kestrel for the browser.
        _server = new HoistApp(settings, services => services.AddSingleton<IStartupFilter>(new PartTrafficStartupFilter(Parts)), environment: "Production");
        BaseUri = _server.StartOnKestrel();
        _http = new HttpClient { BaseAddress = BaseUri, Timeout = TimeSpan.FromMinutes(2) };
        if (Bearer is { } bearer)
        {
            _http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", bearer);
        }
        (_playwright, _browser) = await Chromium.LaunchAsync();
    }

    public virtual async Task DisposeAsync()
    {
        if (_browser is not null)
        {
            await _browser.DisposeAsync();
        }
        _playwright?.Dispose();
        _http?.Dispose();
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
        await store.DisposeAsync();
    }

    /// <summary>The keys of GET /api/files.</summary>
    public async Task<IReadOnlyList<string>> ListKeysAsync()
    {
        var page = await Http.GetFromJsonAsync<FilesPage>("api/files") ?? throw new InvalidOperationException("GET /api/files answered nothing.");
        return page.Files.Select(f => f.Key).ToList();
    }

    /// <summary>SHA-256 (hex) and length of a stored file, downloaded through GET /api/files/{key}.</summary>
    public async Task<(string Sha256, long Length)> DownloadSha256Async(string key)
    {
        var path = "api/files/" + string.Join('/', key.Split('/').Select(Uri.EscapeDataString));
        using var response = await Http.GetAsync(new Uri(path, UriKind.Relative), HttpCompletionOption.ResponseHeadersRead);
        response.EnsureSuccessStatusCode();
        await using var body = await response.Content.ReadAsStreamAsync();
        return await TestData.Sha256HexAsync(body, CancellationToken.None);
    }

    /// <summary>Asserts that one stored file's key ends with the source's name and that it has the source's bytes.</summary>
    public async Task AssertStoredAsync(TestFile source)
    {
        var key = Assert.Single(await ListKeysAsync(), k => k.EndsWith("/" + source.Name, StringComparison.Ordinal));
        Assert.Equal((source.Sha256, source.Size), await DownloadSha256Async(key));
    }

    /// <summary>GET /api/uploads/{uploadId}/parts: what the store holds of an upload.</summary>
    public async Task<UploadParts> ListPartsAsync(string uploadId) =>
        await Http.GetFromJsonAsync<UploadParts>($"api/uploads/{Uri.EscapeDataString(uploadId)}/parts") ?? throw new InvalidOperationException("GET parts answered nothing.");

    /// <summary>The status of GET /api/uploads/{uploadId}/parts: 200 while the upload is there, 404 once aborted.</summary>
    public async Task<int> PartsStatusAsync(string uploadId)
    {
        using var response = await Http.GetAsync(new Uri($"api/uploads/{Uri.EscapeDataString(uploadId)}/parts", UriKind.Relative));
        return (int)response.StatusCode;
    }

    /// <summary>DELETE /api/uploads/{uploadId}, as another client (or the sweeper) would.</summary>
    public async Task AbortUploadAsync(string uploadId)
    {
        using var response = await Http.DeleteAsync(new Uri($"api/uploads/{Uri.EscapeDataString(uploadId)}", UriKind.Relative));
        response.EnsureSuccessStatusCode();
    }

    /// <summary>Store keys of incomplete uploads.</summary>
    public async Task<IReadOnlyList<string>> IncompleteUploadKeysAsync()
    {
        var keys = new List<string>();
        await foreach (var upload in Store.ListMultipartUploadsAsync("", CancellationToken.None))
        {
            keys.Add(upload.Key);
        }
        return keys;
    }

    private static InvalidOperationException NotStarted() => new("The fixture is not initialized.");

    public sealed record UploadParts(IReadOnlyList<UploadPart> Parts, long PartSize, int PartCount, long Size);

    public sealed record UploadPart(int PartNumber, long Size);

    private sealed record FilesPage(IReadOnlyList<FileEntry> Files);

    private sealed record FileEntry(string Key, long Size);
}

public sealed class FileSystemPageFixture() : PageFixture(new FileSystemTestStore("hoist-browser-tests"));

public sealed class S3PageFixture() : PageFixture(new S3TestStore("hoist-browser-tests"));
