using Hoist.Browser.Tests.Support;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace Hoist.Browser.Tests;

/// <summary>
/// The browser's network gone mid-upload (Playwright's offline mode): the file waits for the
/// connection and goes on by itself when it returns; only after the retry budget does it fail.
/// </summary>
public abstract class OfflineTests(PageFixture fixture, ITestOutputHelper output)
{
    private const long MiB = 1024 * 1024;

    [Fact]
    public async Task An_upload_cut_off_for_20_seconds_finishes_without_a_click_once_the_network_is_back()
    {
        using var files = new TestFiles();
        var source = files.Random("offline-20s.bin", 48 * MiB);
        await using var page = await UploadPage.OpenAsync(fixture);
        var gate = PartGate.Install(fixture, allowed: 2);
        await page.AddFilesAsync([source.Path]);
        await gate.AllowedPartsStored.WaitAsync(UploadPage.UploadTimeout);

        await page.Context.SetOfflineAsync(true);
        gate.Dispose();
        await page.ExpectStatusAsync(source.Name, "waiting");
        await Assertions.Expect(page.Row(source.Name)).ToContainTextAsync("Waiting for the connection…");
        await Task.Delay(TimeSpan.FromSeconds(20));
        // Twenty seconds later it still waits: it neither failed nor asks for a click.
        Assert.Equal("waiting", await page.Row(source.Name).GetAttributeAsync("data-status"));
        await Assertions.Expect(page.RowButton(source.Name, "Retry")).ToHaveCountAsync(0);
        output.WriteLine($"{fixture.StoreName}: after 20 s offline the row says: {(await page.Row(source.Name).InnerTextAsync()).ReplaceLineEndings(" | ")}");

        var back = System.Diagnostics.Stopwatch.StartNew();
        await page.Context.SetOfflineAsync(false);

        await page.ExpectStatusAsync(source.Name, "complete");
        output.WriteLine($"{fixture.StoreName}: complete {back.ElapsedMilliseconds} ms after the network came back.");
        await fixture.AssertStoredAsync(source);
        Assert.Empty(page.ErrorsBesideFailedRequests);
    }

    [Fact]
    public async Task A_network_gone_longer_than_the_retry_budget_fails_the_file_and_Retry_finishes_it()
    {
        using var files = new TestFiles();
        var source = files.Random("offline-budget.bin", 56 * MiB);
        await using var page = await UploadPage.OpenAsync(fixture, query: "retryBudgetSeconds=3");
        var gate = PartGate.Install(fixture, allowed: 1);
        await page.AddFilesAsync([source.Path]);
        await gate.AllowedPartsStored.WaitAsync(UploadPage.UploadTimeout);

        await page.Context.SetOfflineAsync(true);
        gate.Dispose();

        await page.ExpectStatusAsync(source.Name, "failed");
        await Assertions.Expect(page.RowButton(source.Name, "Retry")).ToBeVisibleAsync();
        await page.Context.SetOfflineAsync(false);
        await page.RowButton(source.Name, "Retry").ClickAsync();

        await page.ExpectStatusAsync(source.Name, "complete");
        await fixture.AssertStoredAsync(source);
        Assert.Empty(page.ErrorsBesideFailedRequests);
    }
}

public sealed class FileSystemOfflineTests(FileSystemPageFixture fixture, ITestOutputHelper output) : OfflineTests(fixture, output), IClassFixture<FileSystemPageFixture>;

public sealed class S3OfflineTests(S3PageFixture fixture, ITestOutputHelper output) : OfflineTests(fixture, output), IClassFixture<S3PageFixture>;
