using System.Security.Cryptography;
using System.Text.Json;
using Hoist.Browser.Tests.Support;
using Microsoft.Playwright;

namespace Hoist.Browser.Tests;

/// <summary>
/// Uppy in Chromium as a site would run it (README, "Uppy"), on a page of another origin: the files are
/// chosen in the Dashboard and its upload button clicked; @uppy/tus sends them to Hoist's /files/,
/// @uppy/aws-s3 uses Hoist as its Companion (/s3/) and PUTs the parts where Hoist says: to the bucket
/// (presigned, under the bucket's CORS rule) on S3, to Hoist (Hoist-signed) on the file system store.
/// Every stored file is compared with the file chosen by SHA-256.
/// </summary>
public abstract class UppyTests(PageFixture fixture, UppyPage page) : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("hoist-uppy-files-").FullName;

    public void Dispose()
    {
        Directory.Delete(_folder, recursive: true);
        GC.SuppressFinalize(this);
    }

    [Theory]
    [InlineData("tus")]
    [InlineData("aws-s3")]
    public async Task Uppy_uploads_files_that_are_stored_byte_for_byte(string plugin)
    {
        var files = new[] { ("empty", 0), ("one-mib", 1024 * 1024), ("twelve-mib", 12 * 1024 * 1024 + 3) }
            .Select((f, i) => Write($"{plugin}-{fixture.StoreName}-{f.Item1}-{Guid.NewGuid():N}.bin", f.Item2, seed: i))
            .ToList();
        await using var context = await fixture.Browser.NewContextAsync();
        var tab = await context.NewPageAsync();
        var console = new List<string>();
        tab.Console += (_, message) => console.Add(message.Text);
        var sent = new System.Collections.Concurrent.ConcurrentQueue<(string Method, Uri Url)>();
        tab.Request += (_, request) => sent.Enqueue((request.Method, new Uri(request.Url)));

        await tab.GotoAsync(page.Url(plugin, fixture.BaseUri, UppyServer.ApiKey));
        await tab.Locator(".uppy-Dashboard-input").First.SetInputFilesAsync(files.Select(f => f.Path));
        await tab.Locator(".uppy-StatusBar-actionBtn--upload").ClickAsync();
        await tab.WaitForFunctionAsync("() => window.completed !== undefined", null, new PageWaitForFunctionOptions { Timeout = 120_000 });

        var failed = await tab.EvaluateAsync<JsonElement>("() => window.failed");
        Assert.True(failed.GetArrayLength() == 0, $"Uppy reported errors: {failed}\nconsole: {string.Join('\n', console)}");
        var uploaded = await tab.EvaluateAsync<JsonElement>("() => window.uploaded");
        Assert.Equal(files.Select(f => f.Name).Order(StringComparer.Ordinal), uploaded.EnumerateArray().Select(u => u.GetProperty("name").GetString()!).Order(StringComparer.Ordinal));
        var keys = await fixture.ListKeysAsync();
        foreach (var file in files)
        {
            var key = Assert.Single(keys, k => k.EndsWith("/" + file.Name, StringComparison.Ordinal));
            Assert.StartsWith(UppyServer.Owner + "/", key, StringComparison.Ordinal);
            Assert.Equal((file.Sha256, file.Length), await fixture.DownloadSha256Async(key));
        }
        if (plugin == "aws-s3")
        {
            // The parts went where Hoist said: to the bucket on S3, to Hoist's signed part URLs on the file system
            // (1 + 3 parts of 5 MiB at most); the empty file, as one form POST to Hoist.
            var puts = sent.Where(r => r.Method == "PUT").Select(r => r.Url).ToList();
            Assert.True(puts.Count >= 4, $"{puts.Count} part PUTs");
            Assert.All(puts, url => Assert.Equal(fixture.StoreName == "S3", url.Authority != fixture.BaseUri.Authority));
            Assert.All(puts, url => Assert.Equal(fixture.StoreName == "S3", !url.AbsolutePath.StartsWith("/s3/parts/", StringComparison.Ordinal)));
            Assert.Single(sent, r => r.Method == "POST" && r.Url.AbsolutePath.StartsWith("/s3/objects/", StringComparison.Ordinal));
        }
    }

    private (string Name, string Path, long Length, string Sha256) Write(string name, int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        var path = Path.Combine(_folder, name);
        File.WriteAllBytes(path, bytes);
        return (name, path, length, Convert.ToHexStringLower(SHA256.HashData(bytes)));
    }
}

/// <summary>
/// How the Uppy tests' Hoist is set up: API keys (the page sends its key as the README shows, a header for
/// @uppy/tus, a fetch wrapper for @uppy/aws-s3's Companion calls) and the page's origin allowed for CORS.
/// </summary>
internal static class UppyServer
{
    public const string Owner = "uppy-owner";
    public const string ApiKey = "uppy-tests-api-key-0123456789abcdef";

    public static IReadOnlyDictionary<string, string?> Settings(UppyPage page) => new Dictionary<string, string?>
    {
        ["Hoist:Auth:Mode"] = "ApiKeys",
        ["Hoist:Auth:ApiKeys:0:Key"] = ApiKey,
        ["Hoist:Auth:ApiKeys:0:Owner"] = Owner,
        ["Hoist:Cors:AllowedOrigins:0"] = page.Origin,
    };
}

/// <summary>
/// Hoist set up for the Uppy page (<see cref="UppyServer"/>); on S3 the bucket gets the CORS rule the README
/// gives (PUT, ETag exposed), so the browser may PUT parts to presigned URLs and read their ETags.
/// </summary>
public abstract class UppyFixture(TestStore store) : PageFixture(store)
{
    private UppyPage? _page;

    public UppyPage Page => _page ?? throw new InvalidOperationException("Not started.");

    public override string? Bearer => UppyServer.ApiKey;

    protected override IReadOnlyDictionary<string, string?> ExtraSettings => UppyServer.Settings(Page);

    public override async Task InitializeAsync()
    {
        _page = await UppyPage.StartAsync();
        await base.InitializeAsync();
        if (TestStore is not S3TestStore { S3: var settings })
        {
            return;
        }
        // The README's rule, for any origin (the page's port is chosen at start).
        await settings.AllowBrowserPutsAsync();
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        _page?.Dispose();
    }
}

public sealed class UppyOnFileSystemFixture() : UppyFixture(new FileSystemTestStore("hoist-browser-tests"));

public sealed class UppyOnS3Fixture() : UppyFixture(new S3TestStore("hoist-browser-tests"));

public sealed class UppyOnFileSystem(UppyOnFileSystemFixture fixture) : UppyTests(fixture, fixture.Page), IClassFixture<UppyOnFileSystemFixture>;

public sealed class UppyOnS3(UppyOnS3Fixture fixture) : UppyTests(fixture, fixture.Page), IClassFixture<UppyOnS3Fixture>;
