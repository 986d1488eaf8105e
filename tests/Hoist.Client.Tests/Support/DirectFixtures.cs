using Microsoft.AspNetCore.Mvc.Testing;

namespace Hoist.Client.Tests.Support;

/// <summary>
/// A store for the direct-mode tests, whose servers (in memory, or processes for the CLI) are made per
/// test with <c>Hoist:Uploads:Direct</c> and the settings each case needs (docs/api.md, direct mode).
/// </summary>
public abstract class DirectStoreFixture(TestStore store) : TestStoreFixture(store)
{
    public const string ApiKey = "hoist-direct-tests-api-key-0123456789";

    /// <summary>Direct mode on, behind an API key: a client that leaked its token to the store would be seen.</summary>
    public static Dictionary<string, string?> Direct(IReadOnlyDictionary<string, string?>? more = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Hoist:Uploads:Direct"] = "true",
            ["Hoist:Auth:Mode"] = "ApiKeys",
            ["Hoist:Auth:ApiKeys:0:Key"] = ApiKey,
            ["Hoist:Auth:ApiKeys:0:Owner"] = "direct-tests",
        };
        foreach (var (name, value) in more ?? new Dictionary<string, string?>())
        {
            settings[name] = value;
        }
        return settings;
    }

    /// <summary>A client of <paramref name="app"/> with the key, fast retries, and its store requests through <paramref name="store"/> when given.</summary>
    public static HoistClient Client(HoistApp app, HoistClientOptions? options = null, DelegatingHandler? store = null, params DelegatingHandler[] handlers)
    {
        options = HoistAppFixture.FastRetries(options);
        options.Token = ApiKey;
        if (store is not null)
        {
            store.InnerHandler = new SocketsHttpHandler { UseProxy = false };
            options.StoreHttpClient = new HttpClient(store) { Timeout = Timeout.InfiniteTimeSpan };
        }
        return new HoistClient(app.CreateDefaultClient(handlers), options);
    }

    /// <summary>The native API of <paramref name="app"/>, with the key.</summary>
    public static HoistApi Api(HoistApp app)
    {
        var http = app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", ApiKey);
        return new HoistApi(http);
    }

    /// <summary>SHA-256 (hex) and length of an object as the store holds it, read behind Hoist's back.</summary>
    public async Task<(string Sha256, long Length)> StoredAsync(string key, CancellationToken cancellationToken)
    {
        var store = TestStore.Open();
        try
        {
            await using var content = await store.GetObjectAsync(key, null, cancellationToken);
            return await TestData.Sha256HexAsync(content.Body, cancellationToken);
        }
        finally
        {
            (store as IDisposable)?.Dispose();
        }
    }
}

public sealed class S3DirectFixture() : DirectStoreFixture(new S3TestStore("client-direct"));

public sealed class FileSystemDirectFixture() : DirectStoreFixture(new FileSystemTestStore("hoist-client-direct"));
