using Hoist.Browser.Tests.Support;
using Microsoft.Playwright;

namespace Hoist.Browser.Tests;

/// <summary>
/// With auto-start off (the page setting autoStart=false) files are listed for review, with a
/// preview or a type icon, can be removed, and start with "Upload n files". The server's limits
/// are shown beside the drop zone.
/// </summary>
public sealed class ReviewBeforeUploadTests(FileSystemPageFixture fixture) : IClassFixture<FileSystemPageFixture>
{
    /// <summary>A 1×1 PNG.</summary>
    private static readonly byte[] Png = Convert.FromBase64String("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==");

    [Fact]
    public async Task Files_wait_for_review_can_be_removed_and_start_with_Upload_n_files()
    {
        using var files = new TestFiles();
        var image = files.Write("review-picture.png", Png);
        var data = files.Random("review-data.bin", 3 * 1024 * 1024);
        var removed = files.Random("review-removed.bin", 1000);
        await using var page = await UploadPage.OpenAsync(fixture, query: "autoStart=false");
        var creates = page.RecordCreates();
        await Assertions.Expect(page.Page.Locator("#limits")).ToHaveTextAsync("Up to 64 MiB per file · any type");

        await page.AddFilesAsync([image.Path, data.Path, removed.Path]);

        foreach (var source in new[] { image, data, removed })
        {
            await page.ExpectStatusAsync(source.Name, "ready");
        }
        // The picture has a small preview, the others an icon of their kind.
        var thumbnail = page.Row(image.Name).Locator("img.file-thumbnail");
        await Assertions.Expect(thumbnail).ToBeVisibleAsync();
        Assert.StartsWith("data:image/png", await thumbnail.GetAttributeAsync("src"), StringComparison.Ordinal);
        await Assertions.Expect(page.Row(data.Name).Locator(".file-icon")).ToHaveTextAsync("FILE");
        await page.RowButton(removed.Name, "Remove").ClickAsync();
        await Assertions.Expect(page.Row(removed.Name)).ToHaveCountAsync(0);
        Assert.Empty(creates);

        await page.Page.GetByRole(AriaRole.Button, new PageGetByRoleOptions { Name = "Upload 2 files" }).ClickAsync();

        await page.ExpectStatusAsync(image.Name, "complete");
        await page.ExpectStatusAsync(data.Name, "complete");
        Assert.Equal(2, creates.Count);
        await fixture.AssertStoredAsync(image);
        await fixture.AssertStoredAsync(data);
        Assert.DoesNotContain(await fixture.ListKeysAsync(), k => k.EndsWith("/" + removed.Name, StringComparison.Ordinal));
        Assert.Empty(page.Errors);
    }

    [Fact]
    public async Task A_file_beyond_the_servers_limit_is_refused_before_anything_is_sent()
    {
        using var files = new TestFiles();
        var tooLarge = files.Sparse("beyond-the-limit.bin", PageFixture.MaxFileSize + 1);
        await using var page = await UploadPage.OpenAsync(fixture);
        var creates = page.RecordCreates();

        await page.AddFilesAsync([tooLarge.Path]);

        await page.ExpectStatusAsync(tooLarge.Name, "failed");
        await Assertions.Expect(page.Row(tooLarge.Name)).ToContainTextAsync("The file is too large: 64 MiB. The limit is 64 MiB (67,108,864 bytes).");
        await Assertions.Expect(page.RowButton(tooLarge.Name, "Retry")).ToHaveCountAsync(0);
        Assert.Empty(creates);
        Assert.Empty(page.Errors);
    }
}
