using System.Buffers.Text;
using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text.Json;
using Hoist.Server.Storage;
using Hoist.Server.Tests.Security;
using Hoist.Server.Tests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Hoist.Server.Tests.Tus;

/// <summary>
/// The real app on real Kestrel over one store, in ApiKeys mode (Alice and Bob), with the tus face at
/// /files and a count of the body bytes the server reads from tus requests. Rate limits, the open-upload
/// limit and the sweeper are off so that only the protocol decides each answer.
/// </summary>
public abstract class TusServer : IAsyncLifetime
{
    private StoreFixture? _store;
    private HoistApp? _app;

    public StoreFixture StoreFixture => _store ?? throw new InvalidOperationException("Not initialized.");

    public IObjectStore Store => _app!.Services.GetRequiredService<IObjectStore>();

    public Uri Address { get; private set; } = null!;

    public Uri Endpoint => new(Address, "/files/");

    /// <summary>Body bytes the server has read from tus requests (PATCH, and POST with a body).</summary>
    public BodyCounter Received { get; } = new();

    public HttpClient Alice { get; private set; } = null!;

    public HttpClient Bob { get; private set; } = null!;

    protected abstract StoreFixture CreateStore();

    public async Task InitializeAsync()
    {
        _store = CreateStore();
        await _store.InitializeAsync();
        _app = _store.CreateApp(StoreFixture.WithLimitsOff(ApiKeyOwners.Settings()), services => services.AddSingleton<IStartupFilter>(new CountingStartup(Received)));
        Address = _app.StartOnKestrel();
        Alice = Client(ApiKeyOwners.AliceKey);
        Bob = Client(ApiKeyOwners.BobKey);
    }

    public HttpClient Client(string bearer)
    {
        var http = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, UseProxy = false }) { BaseAddress = Address, Timeout = TimeSpan.FromMinutes(2) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        return http;
    }

    public async Task DisposeAsync()
    {
        Alice?.Dispose();
        Bob?.Dispose();
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
        if (_store is not null)
        {
            await _store.DisposeAsync();
        }
    }

    /// <summary>The object key inside a tus upload URL: its upload id is a signed token whose payload anyone may read (docs/upload-token.md).</summary>
    public static string KeyOf(string uploadUrl)
    {
        var id = uploadUrl[(uploadUrl.LastIndexOf('/') + 1)..];
        using var payload = JsonDocument.Parse(Base64Url.DecodeFromChars(id.AsSpan(0, id.IndexOf('.', StringComparison.Ordinal))));
        return payload.RootElement.GetProperty("k").GetString()!;
    }

    /// <summary>The store upload id inside a tus upload URL.</summary>
    public static string StoreUploadIdOf(string uploadUrl)
    {
        var id = uploadUrl[(uploadUrl.LastIndexOf('/') + 1)..];
        using var payload = JsonDocument.Parse(Base64Url.DecodeFromChars(id.AsSpan(0, id.IndexOf('.', StringComparison.Ordinal))));
        return payload.RootElement.GetProperty("u").GetString()!;
    }

    /// <summary>SHA-256 (hex) and length of a file as GET /api/files/{key} serves it.</summary>
    public static async Task<(string Sha256, long Length)> DownloadAsync(HttpClient owner, string key, CancellationToken cancellationToken)
    {
        using var response = await owner.GetAsync(new Uri("/api/files/" + string.Join('/', key.Split('/').Select(Uri.EscapeDataString)), UriKind.Relative), HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        Assert.True(response.IsSuccessStatusCode, $"GET {key}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(cancellationToken)}");
        await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
        return await TestData.Sha256HexAsync(body, cancellationToken);
    }

    /// <summary>The scratch objects (tus tails) the store holds for the upload at a URL.</summary>
    public async Task<List<ScratchObject>> ScratchOfAsync(string uploadUrl, CancellationToken cancellationToken) =>
        await Store.ListScratchAsync(Server.Uploads.UploadScratch.Prefix(KeyOf(uploadUrl), StoreUploadIdOf(uploadUrl)), cancellationToken).ToListAsync(cancellationToken);

    /// <summary>Whether the store still has the upload at a URL as an incomplete upload.</summary>
    public async Task<bool> IsOpenAsync(string uploadUrl, CancellationToken cancellationToken)
    {
        var key = KeyOf(uploadUrl);
        await foreach (var upload in Store.ListMultipartUploadsAsync(key, cancellationToken))
        {
            if (upload.Key == key)
            {
                return true;
            }
        }
        return false;
    }

    private sealed class CountingStartup(BodyCounter counter) : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use((context, nextMiddleware) =>
            {
                if (context.Request.Path.StartsWithSegments("/files", StringComparison.Ordinal) && context.Request.Method is "PATCH" or "POST")
                {
                    context.Request.Body = new CountingStream(context.Request.Body, counter);
                }
                return nextMiddleware(context);
            });
            next(app);
        };
    }

    private sealed class CountingStream(Stream inner, BodyCounter counter) : Stream
    {
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            var n = await inner.ReadAsync(buffer, cancellationToken);
            counter.Add(n);
            return n;
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override int Read(byte[] buffer, int offset, int count)
        {
            var n = inner.Read(buffer, offset, count);
            counter.Add(n);
            return n;
        }

        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}

public sealed class BodyCounter
{
    private long _bytes;

    public long Bytes => Interlocked.Read(ref _bytes);

    public void Add(long n) => Interlocked.Add(ref _bytes, n);
}

public sealed class TusServerOnFileSystem : TusServer
{
    protected override StoreFixture CreateStore() => new FileSystemFixture();
}

public sealed class TusServerOnS3 : TusServer
{
    protected override StoreFixture CreateStore() => new S3Fixture();
}

/// <summary>
/// tus-js-client 4 in Node, as its users run it: tests/js/tus-upload.mjs uploads one file with the
/// options given and prints one JSON line. Its packages come from tests/js/package-lock.json
/// (scripts/test.sh runs `npm ci` there).
/// </summary>
public static class TusJs
{
    private static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web) { DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull };

    public static string Folder
    {
        get
        {
            var directory = new DirectoryInfo(AppContext.BaseDirectory);
            while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Hoist.slnx")))
            {
                directory = directory.Parent;
            }
            return directory is null ? throw new InvalidOperationException("No Hoist.slnx above " + AppContext.BaseDirectory) : Path.Combine(directory.FullName, "tests", "js");
        }
    }

    public static async Task<TusJsResult> UploadAsync(TusJsOptions options, CancellationToken cancellationToken)
    {
        if (!Directory.Exists(Path.Combine(Folder, "node_modules", "tus-js-client")))
        {
            throw new InvalidOperationException($"tus-js-client is not installed in {Folder}: run `npm ci` there (scripts/test.sh does).");
        }
        var start = new ProcessStartInfo("node") { WorkingDirectory = Folder, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add("tus-upload.mjs");
        start.ArgumentList.Add(JsonSerializer.Serialize(options, Web));
        using var process = Process.Start(start) ?? throw new InvalidOperationException("node did not start.");
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        try
        {
            await process.WaitForExitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }
        var line = (await stdout).Split('\n', StringSplitOptions.RemoveEmptyEntries).LastOrDefault();
        return line is null
            ? throw new InvalidOperationException($"tus-upload.mjs printed nothing (exit {process.ExitCode}): {await stderr}")
            : JsonSerializer.Deserialize<TusJsResult>(line, Web)!;
    }
}

/// <summary>The options of tests/js/tus-upload.mjs (null: tus-js-client's default; a null chunkSize is Infinity).</summary>
public sealed record TusJsOptions(
    string Endpoint,
    string File,
    IReadOnlyDictionary<string, string>? Headers = null,
    long? ChunkSize = null,
    int? ParallelUploads = null,
    IReadOnlyDictionary<string, string>? Metadata = null,
    string? UploadUrl = null,
    long? AbortAfterBytes = null,
    long? TerminateAfterBytes = null,
    bool? OverridePatchMethod = null,
    bool? UploadDataDuringCreation = null,
    bool? UploadLengthDeferred = null);

public sealed record TusJsResult(bool Ok, string? Url, string? Error, int? Status, string? Body, bool Aborted, long BytesSent);
