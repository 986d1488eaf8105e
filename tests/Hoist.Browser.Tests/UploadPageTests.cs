using Hoist.Browser.Tests.Support;
using Microsoft.Playwright;

namespace Hoist.Browser.Tests;

/// <summary>The upload page at / in a real browser against the real server, on each store.</summary>
public abstract class UploadPageTests(PageFixture fixture)
{
    private const long MiB = 1024 * 1024;

    [Fact]
    public async Task Dropped_files_are_stored_with_the_bytes_of_the_originals()
    {
        using var files = new TestFiles();
        TestFile[] sources = [files.Random("empty.bin", 0), files.Random("one-mib.bin", MiB), files.Random("forty-mib.bin", 40 * MiB)];
        await using var page = await UploadPage.OpenAsync(fixture);

        await page.AddFilesAsync(sources.Select(s => s.Path));

        foreach (var source in sources)
        {
            await page.ExpectStatusAsync(source.Name, "complete");
        }
        var keys = await fixture.ListKeysAsync();
        foreach (var source in sources)
        {
            var key = Assert.Single(keys, k => k.EndsWith("/" + source.Name, StringComparison.Ordinal));
            var (sha256, length) = await fixture.DownloadSha256Async(key);
            Assert.Equal(source.Size, length);
            Assert.Equal(source.Sha256, sha256);
        }
        var links = await page.StoredLinksAsync([.. sources.Select(s => s.Name)]);
        Assert.All(sources, s => Assert.Contains(links, l => l.StartsWith("api/files/", StringComparison.Ordinal) && l.EndsWith("/" + s.Name, StringComparison.Ordinal)));
        Assert.Empty(page.Errors);
    }

    [Fact]
    public async Task Every_part_carries_its_sha256_and_a_small_file_goes_in_one_request()
    {
        using var files = new TestFiles();
        TestFile[] sources = [files.Random("small.txt", 1000), files.Random("three-parts.bin", 20 * MiB)];
        await using var page = await UploadPage.OpenAsync(fixture);
        var parts = new List<(string Url, string? Checksum)>();
        page.Page.Request += (_, request) =>
        {
            if (request.Method == "PUT")
            {
                lock (parts)
                {
                    parts.Add((request.Url, request.Headers.GetValueOrDefault("x-hoist-checksum-sha256")));
                }
            }
        };

        await page.AddFilesAsync(sources.Select(s => s.Path));

        foreach (var source in sources)
        {
            await page.ExpectStatusAsync(source.Name, "complete");
        }
        Assert.Equal(4, parts.Count);
        Assert.All(parts, p => Assert.Equal(32, Convert.FromBase64String(p.Checksum ?? "").Length));
        Assert.Equal(4, parts.Select(p => p.Checksum).Distinct().Count());
        Assert.Equal(["1", "1", "2", "3"], parts.Select(p => p.Url[(p.Url.LastIndexOf('/') + 1)..]).Order());
        Assert.Empty(page.Errors);
    }

    [Fact]
    public async Task Canceling_an_upload_aborts_it_on_the_server()
    {
        using var files = new TestFiles();
        var source = files.Random("canceled.bin", 24 * MiB);
        await using var page = await UploadPage.OpenAsync(fixture);
        // The first part is stored, the others held in the server: the upload is surely running when it is canceled.
        using var gate = PartGate.Install(fixture, allowed: 1);

        await page.AddFilesAsync([source.Path]);
        await gate.AllowedPartsStored.WaitAsync(UploadPage.UploadTimeout);
        var abort = page.Page.WaitForResponseAsync(r => r.Request.Method == "DELETE" && r.Url.Contains("/api/uploads/", StringComparison.Ordinal));
        await page.Row(source.Name).GetByRole(AriaRole.Button, new LocatorGetByRoleOptions { Name = $"Cancel upload of {source.Name}" }).ClickAsync();

        await page.ExpectStatusAsync(source.Name, "canceled");
        Assert.Equal(204, (await abort).Status);
        await gate.AllHeldGivenUpAsync();
        Assert.DoesNotContain(await fixture.IncompleteUploadKeysAsync(), k => k.EndsWith("/" + source.Name, StringComparison.Ordinal));
        Assert.DoesNotContain(await fixture.ListKeysAsync(), k => k.EndsWith("/" + source.Name, StringComparison.Ordinal));
        Assert.Empty(page.ErrorsBesideFailedRequests);
    }

    [Fact]
    public async Task A_file_the_server_refuses_shows_the_reason_and_the_others_go_on()
    {
        using var files = new TestFiles();
        var tooLarge = files.Sparse("too-large.bin", PageFixture.MaxFileSize + 1);
        var fine = files.Random("fine.bin", 1000);
        await using var page = await UploadPage.OpenAsync(fixture);

        await page.AddFilesAsync([tooLarge.Path, fine.Path]);

        await page.ExpectStatusAsync(tooLarge.Name, "failed");
        await Assertions.Expect(page.Row(tooLarge.Name)).ToContainTextAsync("The limit is 64 MiB (67,108,864 bytes).");
        await page.ExpectStatusAsync(fine.Name, "complete");
        Assert.DoesNotContain(await fixture.IncompleteUploadKeysAsync(), k => k.EndsWith("/" + tooLarge.Name, StringComparison.Ordinal));
        Assert.Empty(page.ErrorsBesideFailedRequests);
    }
}

public sealed class FileSystemUploadPageTests(FileSystemPageFixture fixture) : UploadPageTests(fixture), IClassFixture<FileSystemPageFixture>;

public sealed class S3UploadPageTests(S3PageFixture fixture) : UploadPageTests(fixture), IClassFixture<S3PageFixture>;
