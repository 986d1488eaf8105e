using Hoist.Browser.Tests.Support;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace Hoist.Browser.Tests;

/// <summary>
/// The page at phone and desktop width: nothing wider than the screen, the controls reachable by
/// their names. Screenshots are kept beside the test binaries (screenshots/) for a person to look at.
/// </summary>
public sealed class PageLayoutTests(FileSystemPageFixture fixture, ITestOutputHelper output) : IClassFixture<FileSystemPageFixture>
{
    private static readonly string Screenshots = Path.Combine(AppContext.BaseDirectory, "screenshots");

    [Theory]
    [InlineData("phone", 375, 812)]
    [InlineData("desktop", 1280, 900)]
    public async Task The_page_fits_the_screen_and_names_its_controls(string device, int width, int height)
    {
        using var files = new TestFiles();
        TestFile[] sources =
        [
            files.Random($"quarterly-report-{device}-with-a-rather-long-file-name-that-must-not-widen-the-page.pdf", 300_000),
            files.Random($"holiday-{device}.mov", 9 * 1024 * 1024),
        ];
        await using var page = await UploadPage.OpenAsync(fixture, width, height);
        await Assertions.Expect(page.Page.GetByRole(AriaRole.Button, new PageGetByRoleOptions { Name = "Choose files" })).ToBeVisibleAsync();

        await page.AddFilesAsync(sources.Select(s => s.Path));

        foreach (var source in sources)
        {
            await page.ExpectStatusAsync(source.Name, "complete");
            await Assertions.Expect(page.Page.GetByRole(AriaRole.Progressbar, new PageGetByRoleOptions { Name = $"Progress of {source.Name}" })).ToHaveCountAsync(1);
            await Assertions.Expect(page.Page.GetByRole(AriaRole.Link, new PageGetByRoleOptions { Name = source.Name, Exact = true })).ToHaveCountAsync(1);
        }

        // And one paused half-way, with its own controls and the page's.
        var paused = files.Random($"paused-{device}.bin", 20 * 1024 * 1024);
        using (var gate = PartGate.Install(fixture, allowed: 1))
        {
            await page.AddFilesAsync([paused.Path]);
            await gate.AllowedPartsStored.WaitAsync(UploadPage.UploadTimeout);
            await page.RowButton(paused.Name, "Pause").ClickAsync();
            await page.ExpectStatusAsync(paused.Name, "paused");
            await gate.AllHeldGivenUpAsync();
        }
        await Assertions.Expect(page.RowButton(paused.Name, "Resume")).ToBeVisibleAsync();
        await Assertions.Expect(page.RowButton(paused.Name, "Cancel")).ToBeVisibleAsync();
        await Assertions.Expect(page.Page.GetByRole(AriaRole.Button, new PageGetByRoleOptions { Name = "Resume all" })).ToBeVisibleAsync();
        var scrollWidth = await page.Page.EvaluateAsync<int>("document.documentElement.scrollWidth");
        Assert.True(scrollWidth <= width, $"The page is {scrollWidth}px wide on a {width}px screen.");

        Directory.CreateDirectory(Screenshots);
        var path = Path.Combine(Screenshots, $"upload-page-{device}.png");
        await page.Page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true });
        output.WriteLine($"Screenshot: {path}");
        Assert.Empty(page.Errors);
    }
}
