using System.Security.Cryptography;
using Hoist.Browser.Tests.Support;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace Hoist.Browser.Tests;

/// <summary>
/// A finished row: a download link, a "verified" mark, Copy link (a share link that downloads the
/// bytes without credentials) and Delete with a confirmation. On each store.
/// </summary>
public abstract class FinishedFileTests(PageFixture fixture, ITestOutputHelper output)
{
    [Fact]
    public async Task A_finished_row_is_verified_links_to_the_file_shares_it_and_deletes_it()
    {
        using var files = new TestFiles();
        var source = files.Random("finished-row.bin", 20 * 1024 * 1024);
        await using var page = await UploadPage.OpenAsync(fixture);
        await page.AddFilesAsync([source.Path]);
        await page.ExpectStatusAsync(source.Name, "complete");
        var row = page.Row(source.Name);
        await Assertions.Expect(row.Locator(".upload-verified")).ToBeVisibleAsync();
        await Assertions.Expect(row).ToContainTextAsync("Uploaded and verified");
        var key = Assert.Single(await fixture.ListKeysAsync(), k => k.EndsWith("/" + source.Name, StringComparison.Ordinal));
        var download = row.GetByRole(AriaRole.Link, new LocatorGetByRoleOptions { Name = $"Download {source.Name}" });
        Assert.EndsWith(key, Uri.UnescapeDataString(await download.GetAttributeAsync("href") ?? ""), StringComparison.Ordinal);

        await row.GetByRole(AriaRole.Button, new LocatorGetByRoleOptions { Name = $"Copy link to {source.Name}" }).ClickAsync();

        var share = row.Locator("input.upload-share");
        await Assertions.Expect(share).ToBeVisibleAsync();
        var url = new Uri(fixture.BaseUri, await share.InputValueAsync());
        output.WriteLine($"{fixture.StoreName}: share link {url.GetLeftPart(UriPartial.Path)}");
        using (var anonymous = new HttpClient())
        {
            var bytes = await anonymous.GetByteArrayAsync(url);
            Assert.Equal(source.Sha256, Convert.ToHexStringLower(SHA256.HashData(bytes)));
        }

        await row.GetByRole(AriaRole.Button, new LocatorGetByRoleOptions { Name = $"Delete {source.Name}" }).ClickAsync();
        // Nothing is deleted before the confirmation.
        Assert.Contains(key, await fixture.ListKeysAsync());
        await row.GetByRole(AriaRole.Button, new LocatorGetByRoleOptions { Name = $"Confirm delete of {source.Name}" }).ClickAsync();

        await page.ExpectStatusAsync(source.Name, "deleted");
        Assert.DoesNotContain(key, await fixture.ListKeysAsync());
        Assert.Empty(page.Errors);
    }
}

public sealed class FileSystemFinishedFileTests(FileSystemPageFixture fixture, ITestOutputHelper output) : FinishedFileTests(fixture, output), IClassFixture<FileSystemPageFixture>;

public sealed class S3FinishedFileTests(S3PageFixture fixture, ITestOutputHelper output) : FinishedFileTests(fixture, output), IClassFixture<S3PageFixture>;
