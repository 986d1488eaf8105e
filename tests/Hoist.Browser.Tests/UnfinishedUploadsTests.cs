using Hoist.Browser.Tests.Support;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace Hoist.Browser.Tests;

/// <summary>
/// After a reload the page lists the unfinished uploads it remembers, with what the server holds
/// of each; dropping the same file resumes it, Discard aborts it on the server. On each store.
/// </summary>
public abstract class UnfinishedUploadsTests(PageFixture fixture, ITestOutputHelper output)
{
    private const long MiB = 1024 * 1024;

    [Fact]
    public async Task After_a_reload_the_unfinished_upload_is_listed_with_the_bytes_stored_and_the_same_file_resumes_it()
    {
        using var files = new TestFiles();
        var source = files.Random("listed-after-reload.bin", 60 * MiB);
        await using var page = await UploadPage.OpenAsync(fixture);

        var created = await page.InterruptedUploadAsync(fixture, source, storedParts: 3);

        // Three parts of 8 MiB are on the server: the page asked it, and says so.
        var row = page.UnfinishedRow(source.Name);
        await Assertions.Expect(row).ToContainTextAsync("24 MiB of 60 MiB stored");
        await Assertions.Expect(row).ToContainTextAsync("Drop or choose this file to resume.");
        await Assertions.Expect(row).ToContainTextAsync("begun ");
        await Assertions.Expect(row.GetByRole(AriaRole.Button, new LocatorGetByRoleOptions { Name = $"Discard upload of {source.Name}" })).ToBeVisibleAsync();
        output.WriteLine($"{fixture.StoreName}: after the reload the page lists: {(await row.InnerTextAsync()).ReplaceLineEndings(" | ")}");

        var partRequests = page.RecordPartRequests();
        await page.AddFilesAsync([source.Path]);

        await Assertions.Expect(row).ToHaveCountAsync(0);
        await page.ExpectStatusAsync(source.Name, "complete");
        Assert.Equal(created.PartCount - 3, partRequests.Count);
        await fixture.AssertStoredAsync(source);
        Assert.Empty(await page.RememberedUploadsAsync());
        await page.ReloadAsync();
        await Assertions.Expect(page.Page.Locator("#unfinished-list li")).ToHaveCountAsync(0);
        Assert.Empty(page.Errors);
    }

    /// <summary>
    /// A file chosen with the File System Access picker keeps its handle (IndexedDB): after a reload its row has
    /// Resume, and one click finishes the upload without the file being chosen again. Playwright cannot answer
    /// Chromium's native picker, so the picker is replaced by one that answers a real FileSystemFileHandle of the
    /// origin-private file system (navigator.storage.getDirectory) holding the file: the handle, its storing in
    /// IndexedDB, its permission check and getFile() after the reload are Chromium's own.
    /// </summary>
    [Fact]
    public async Task A_file_chosen_with_the_picker_resumes_after_a_reload_with_one_click_through_its_kept_handle()
    {
        const string name = "kept-handle.bin";
        const int chunk = 64 * 1024;
        const int chunks = 20 * 16; // 20 MiB: three parts of 8 MiB
        await using var page = await UploadPage.OpenAsync(fixture);
        Assert.True(await page.Page.EvaluateAsync<bool>("() => typeof showOpenFilePicker === 'function' && typeof navigator.storage?.getDirectory === 'function'"),
            "This Chromium offers no File System Access API: the kept-handle resume cannot be shown here.");
        await page.Page.EvaluateAsync("""
            async ({ name, chunk, chunks }) => {
              const pattern = Uint8Array.from({ length: chunk }, (_, i) => (i * 7 + 3) & 255);
              const handle = await (await navigator.storage.getDirectory()).getFileHandle(name, { create: true });
              const writable = await handle.createWritable();
              await writable.write(new Blob(Array.from({ length: chunks }, () => pattern)));
              await writable.close();
              window.showOpenFilePicker = async () => [handle];
            }
            """, new { name, chunk, chunks });
        var pattern = Enumerable.Range(0, chunk).Select(i => (byte)((i * 7 + 3) & 255)).ToArray();
        var bytes = Enumerable.Repeat(pattern, chunks).SelectMany(b => b).ToArray();

        var created = await page.InterruptedUploadAsync(fixture, () => page.Page.Locator("#choose-files").ClickAsync(), storedParts: 1);

        var row = page.UnfinishedRow(name);
        await Assertions.Expect(row).ToContainTextAsync("8 MiB of 20 MiB stored");
        var resume = row.GetByRole(AriaRole.Button, new LocatorGetByRoleOptions { Name = $"Resume upload of {name}" });
        await Assertions.Expect(resume).ToBeVisibleAsync();
        var partRequests = page.RecordPartRequests();

        await resume.ClickAsync();

        await page.ExpectStatusAsync(name, "complete");
        Assert.Equal(created.PartCount - 1, partRequests.Count);
        var key = Assert.Single(await fixture.ListKeysAsync(), k => k.EndsWith("/" + name, StringComparison.Ordinal));
        Assert.Equal((TestData.Sha256Hex(bytes), (long)bytes.Length), await fixture.DownloadSha256Async(key));
        output.WriteLine($"{fixture.StoreName}: resumed through the kept handle with one click; {partRequests.Count} of {created.PartCount} parts sent after the reload");
        Assert.Empty(page.Errors);
    }

    [Fact]
    public async Task Discard_aborts_the_unfinished_upload_on_the_server_and_forgets_it()
    {
        using var files = new TestFiles();
        var source = files.Random("discarded.bin", 24 * MiB);
        await using var page = await UploadPage.OpenAsync(fixture);
        var created = await page.InterruptedUploadAsync(fixture, source, storedParts: 1);
        var row = page.UnfinishedRow(source.Name);
        await Assertions.Expect(row).ToContainTextAsync("8 MiB of 24 MiB stored");

        var abort = page.Page.WaitForResponseAsync(r => r.Request.Method == "DELETE" && r.Url.Contains(Uri.EscapeDataString(created.UploadId), StringComparison.Ordinal));
        await row.GetByRole(AriaRole.Button, new LocatorGetByRoleOptions { Name = $"Discard upload of {source.Name}" }).ClickAsync();

        Assert.Equal(204, (await abort).Status);
        await Assertions.Expect(row).ToHaveCountAsync(0);
        Assert.Equal(404, await fixture.PartsStatusAsync(created.UploadId));
        Assert.Empty(await page.RememberedUploadsAsync());
        await page.ReloadAsync();
        await Assertions.Expect(page.Page.Locator("#unfinished")).ToBeHiddenAsync();
        Assert.Empty(page.ErrorsBesideFailedRequests);
    }
}

public sealed class FileSystemUnfinishedUploadsTests(FileSystemPageFixture fixture, ITestOutputHelper output) : UnfinishedUploadsTests(fixture, output), IClassFixture<FileSystemPageFixture>;

public sealed class S3UnfinishedUploadsTests(S3PageFixture fixture, ITestOutputHelper output) : UnfinishedUploadsTests(fixture, output), IClassFixture<S3PageFixture>;
