using System.Net.Http.Json;
using System.Security.Cryptography;
using Hoist.Server.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace Hoist.Browser.Tests.Support;

/// <summary>
/// One server over one store and one browser, shared by the tests of a class. A concrete
/// subclass per store (<see cref="FileSystemPageFixture"/>, <see cref="S3PageFixture"/>) runs
/// the same tests on both.
/// </summary>
public abstract class PageFixture : IAsyncLifetime
{
    /// <summary>The largest file the test server accepts; larger ones are refused when created.</summary>
    public const long MaxFileSize = 64L * 1024 * 1024;

    private HoistServer? _server;
    private IPlaywright? _playwright;
    private IBrowser? _browser;
    private HttpClient? _http;

    public abstract string StoreName { get; }

    /// <summary>Hoist:Storage:* for this fixture's store.</summary>
    protected abstract IReadOnlyDictionary<string, string?> StoreSettings { get; }

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
        var settings = new Dictionary<string, string?>(StoreSettings)
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
        _server = new HoistServer(settings, Parts);
        BaseUri = _server.Start();
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
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[1024 * 1024];
        long length = 0;
        int read;
        while ((read = await body.ReadAsync(buffer)) > 0)
        {
            sha.AppendData(buffer, 0, read);
            length += read;
        }
        return (Convert.ToHexStringLower(sha.GetHashAndReset()), length);
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

/// <summary>The embedded FileSystemStore on a fresh temporary folder, deleted afterwards.</summary>
public class FileSystemPageFixture : PageFixture
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), $"hoist-browser-tests-{Guid.NewGuid():N}");

    public override string StoreName => "FileSystem";

    protected override IReadOnlyDictionary<string, string?> StoreSettings => new Dictionary<string, string?>
    {
        ["Hoist:Storage:Provider"] = "FileSystem",
        ["Hoist:Storage:FileSystem:Root"] = _root,
    };

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }
}

/// <summary>
/// The S3Store on a real S3 server: the Hoist__Storage__S3__* environment variables when set
/// (`eval "$(bash scripts/s3-server.sh env)"`), else the local Ceph RGW of scripts/s3-server.sh.
/// Works under a prefix of its own and empties it afterwards. An unreachable server fails the
/// tests with a message: they never skip.
/// </summary>
public class S3PageFixture : PageFixture
{
    private const string EnvironmentPrefix = "Hoist__Storage__S3__";

    private static readonly Dictionary<string, string> LocalServer = new()
    {
        ["ServiceUrl"] = "http://127.0.0.1:7480",
        ["Bucket"] = "hoist-test",
        ["Region"] = "us-east-1",
        ["ForcePathStyle"] = "true",
        ["AccessKey"] = "hoisttestaccesskey",
        ["SecretKey"] = "hoisttestsecretkey0123456789",
        ["Prefix"] = "",
    };

    private readonly Dictionary<string, string> _s3;

    public S3PageFixture()
    {
        _s3 = LocalServer.ToDictionary(
            s => s.Key,
            s => Environment.GetEnvironmentVariable(EnvironmentPrefix + s.Key) is { Length: > 0 } value ? value : s.Value);
        _s3["Prefix"] += $"hoist-browser-tests-{DateTime.UtcNow:yyyyMMdd-HHmmss}-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4))}/";
    }

    public override string StoreName => "S3";

    /// <summary>The S3 server's settings (ServiceUrl, Bucket, Region, AccessKey, ...), as Hoist gets them.</summary>
    protected IReadOnlyDictionary<string, string> S3Settings => _s3;

    protected override IReadOnlyDictionary<string, string?> StoreSettings =>
        _s3.Select(s => KeyValuePair.Create($"Hoist:Storage:S3:{s.Key}", (string?)s.Value))
            .Append(KeyValuePair.Create("Hoist:Storage:Provider", (string?)"S3"))
            .ToDictionary();

    public override async Task InitializeAsync()
    {
        if (_s3["ServiceUrl"] is { Length: > 0 } serviceUrl)
        {
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
            try
            {
                using var response = await http.GetAsync(new Uri(serviceUrl));
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                throw new InvalidOperationException(
                    $"The S3 server {serviceUrl} does not answer ({e.Message}). The S3 browser tests need a real S3 server: " +
                    "start the local one with `bash scripts/s3-server.sh up`, or set the Hoist__Storage__S3__* variables.", e);
            }
        }
        await base.InitializeAsync();
    }

    public override async Task DisposeAsync()
    {
        try
        {
            await EmptyAsync();
        }
        catch (InvalidOperationException)
        {
            // Never started: nothing to empty.
        }
        finally
        {
            await base.DisposeAsync();
        }
    }

    /// <summary>Aborts every upload and deletes every object under this fixture's prefix.</summary>
    private async Task EmptyAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        var store = Store;
        await foreach (var upload in store.ListMultipartUploadsAsync("", timeout.Token))
        {
            try
            {
                await store.AbortMultipartUploadAsync(upload.Key, upload.UploadId, timeout.Token);
            }
            catch (StoreException e) when (e.Code == StoreErrorCode.NoSuchUpload)
            {
            }
        }
        string? token = null;
        do
        {
            var page = await store.ListObjectsAsync("", token, 1000, timeout.Token);
            foreach (var o in page.Objects)
            {
                await store.DeleteObjectAsync(o.Key, timeout.Token);
            }
            token = page.NextContinuationToken;
        }
        while (token is not null);
    }
}
