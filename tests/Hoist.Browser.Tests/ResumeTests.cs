using System.Diagnostics;
using System.Text.Json;
using System.Text.RegularExpressions;
using Hoist.Browser.Tests.Support;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace Hoist.Browser.Tests;

/// <summary>
/// Uploads that are interrupted — a reload, a pause, failing requests, an upload gone from the
/// server — and still end with the right bytes, sending only what the store is missing. On each store.
/// </summary>
public abstract class ResumeTests(PageFixture fixture, ITestOutputHelper output)
{
    private const long MiB = 1024 * 1024;

    [Fact]
    public async Task A_file_dropped_again_after_a_reload_sends_only_the_parts_the_store_is_missing()
    {
        using var files = new TestFiles();
        var source = files.Random("resumed-after-reload.bin", 60 * MiB);
        await using var page = await UploadPage.OpenAsync(fixture);
        using var gate = PartGate.Install(fixture, allowed: 3);
        var created = await page.CreatedUploadAsync(() => page.AddFilesAsync([source.Path]));
        await gate.AllowedPartsStored.WaitAsync(UploadPage.UploadTimeout);
        Assert.Contains(created.UploadId, (await page.RememberedUploadsAsync()).Values);

        // Mid-upload: three parts stored, the next ones in flight when the page goes away.
        await page.ReloadAsync();
        await gate.AllHeldGivenUpAsync();
        var before = await fixture.ListPartsAsync(created.UploadId);
        Assert.Equal(3, before.Parts.Count);
        var partRequests = page.RecordPartRequests();
        await page.AddFilesAsync([source.Path]);

        var percent = 100 * before.Parts.Sum(p => p.Size) / source.Size;
        await Assertions.Expect(page.Row(source.Name)).ToContainTextAsync($"Resuming: {percent}% already stored");
        gate.Release();
        await page.ExpectStatusAsync(source.Name, "complete");
        await Assertions.Expect(page.Row(source.Name)).ToContainTextAsync($"Resumed: {percent}% was already stored");
        Assert.Equal(created.PartCount - before.Parts.Count, partRequests.Count);
        output.WriteLine($"{fixture.StoreName}: the resumed upload sent {partRequests.Count} part requests for {created.PartCount} parts ({before.Parts.Count} stored before the reload).");
        await fixture.AssertStoredAsync(source);
        Assert.Empty(await page.RememberedUploadsAsync());
        Assert.Empty(page.Errors);
    }

    [Fact]
    public async Task A_paused_upload_sends_nothing_until_it_is_resumed()
    {
        using var files = new TestFiles();
        var source = files.Random("paused.bin", 40 * MiB);
        await using var page = await UploadPage.OpenAsync(fixture);
        using var gate = PartGate.Install(fixture, allowed: 2);
        await page.AddFilesAsync([source.Path]);
        await gate.AllowedPartsStored.WaitAsync(UploadPage.UploadTimeout);

        await page.RowButton(source.Name, "Pause").ClickAsync();

        await page.ExpectStatusAsync(source.Name, "paused");
        // Counted from the pause on: the part sent when the second one was stored went before it.
        var partRequests = page.RecordPartRequests();
        // The page aborted every part it had in flight, and sends nothing more while it is paused.
        await gate.AllHeldGivenUpAsync();
        Assert.True(gate.Held > 0, "No part was in flight when the upload was paused.");
        await Task.Delay(TimeSpan.FromSeconds(2));
        Assert.Empty(partRequests);
        // Paused, the bar shows what the server holds: two parts of five.
        Assert.Equal(40, await page.ProgressAsync(source.Name));
        await Assertions.Expect(page.RowButton(source.Name, "Resume")).ToBeVisibleAsync();
        await Assertions.Expect(page.Row(source.Name)).ToContainTextAsync(new Regex(@"Paused · [0-9.]+ MiB of 40 MiB stored"));

        gate.Release();
        await page.Page.GetByRole(AriaRole.Button, new PageGetByRoleOptions { Name = "Resume all" }).ClickAsync();

        await page.ExpectStatusAsync(source.Name, "complete");
        // 40 MiB in parts of 8 MiB: five parts, two stored before the pause.
        Assert.Equal(5 - 2, partRequests.Count);
        await fixture.AssertStoredAsync(source);
        Assert.Empty(page.Errors);
    }

    [Fact]
    public async Task A_part_refused_with_503_is_sent_again_after_a_backoff_that_honours_Retry_After()
    {
        using var files = new TestFiles();
        var source = files.Random("flaky.bin", 20 * MiB);
        await using var page = await UploadPage.OpenAsync(fixture);
        var clock = Stopwatch.StartNew();
        var triesOfPart2 = new List<TimeSpan>();
        using var faults = fixture.Parts.Use(async call =>
        {
            int tries;
            lock (triesOfPart2)
            {
                tries = call.PartNumber == 2 ? triesOfPart2.Count + 1 : 0;
                if (tries > 0)
                {
                    triesOfPart2.Add(clock.Elapsed);
                }
            }
            if (tries is 1 or 2)
            {
                // S3's SlowDown reaches the page as a 503; the second one says when to come back.
                await call.RefuseAsync(503, "store_unavailable", "The store is unavailable; try again.", tries == 2 ? "1" : null);
                return;
            }
            await call.PassAsync();
        });

        await page.AddFilesAsync([source.Path]);

        await page.ExpectStatusAsync(source.Name, "complete");
        Assert.Equal(3, triesOfPart2.Count);
        var wait = triesOfPart2[2] - triesOfPart2[1];
        Assert.True(wait >= TimeSpan.FromSeconds(1), $"The third try came {wait.TotalMilliseconds} ms after the second, before its Retry-After.");
        await fixture.AssertStoredAsync(source);
        Assert.Empty(page.ErrorsBesideFailedRequests);
    }

    [Theory]
    [InlineData(400, "part_size_mismatch", "The part does not have its planned size.")]
    [InlineData(507, "insufficient_storage", "The store is full.")]
    public async Task A_part_refused_with_a_final_status_is_not_sent_again_and_Retry_finishes_the_file(int status, string code, string title)
    {
        using var files = new TestFiles();
        var source = files.Random($"refused-{status}.bin", 20 * MiB);
        await using var page = await UploadPage.OpenAsync(fixture);
        var triesOfPart2 = 0;
        using var faults = fixture.Parts.Use(async call =>
        {
            if (call.PartNumber == 2 && Interlocked.Increment(ref triesOfPart2) == 1)
            {
                await call.RefuseAsync(status, code, title);
                return;
            }
            await call.PassAsync();
        });

        await page.AddFilesAsync([source.Path]);

        await page.ExpectStatusAsync(source.Name, "failed");
        await Assertions.Expect(page.Row(source.Name)).ToContainTextAsync($"Part 2 of 3 could not be sent: {title}");
        await Task.Delay(500);
        Assert.Equal(1, Volatile.Read(ref triesOfPart2));

        await page.RowButton(source.Name, "Retry").ClickAsync();

        await page.ExpectStatusAsync(source.Name, "complete");
        Assert.Equal(2, Volatile.Read(ref triesOfPart2));
        await fixture.AssertStoredAsync(source);
        Assert.Empty(page.ErrorsBesideFailedRequests);
    }

    [Fact]
    public async Task A_remembered_upload_that_was_aborted_meanwhile_is_started_over()
    {
        using var files = new TestFiles();
        var source = files.Random("aborted-meanwhile.bin", 24 * MiB);
        await using var page = await UploadPage.OpenAsync(fixture);
        var first = await InterruptedUploadAsync(page, source);
        await fixture.AbortUploadAsync(first.UploadId);

        var partRequests = page.RecordPartRequests();
        var second = await page.CreatedUploadAsync(() => page.AddFilesAsync([source.Path]));

        await page.ExpectStatusAsync(source.Name, "complete");
        Assert.NotEqual(first.UploadId, second.UploadId);
        await Assertions.Expect(page.Row(source.Name)).ToContainTextAsync("The earlier upload is no longer on the server, so it starts over.");
        Assert.Equal(second.PartCount, partRequests.Count);
        await fixture.AssertStoredAsync(source);
        Assert.Empty(await page.RememberedUploadsAsync());
        Assert.Empty(page.ErrorsBesideFailedRequests);
    }

    [Fact]
    public async Task A_remembered_upload_that_expired_is_started_over()
    {
        using var files = new TestFiles();
        var source = files.Random("expired-meanwhile.bin", 12 * MiB);
        await using var page = await UploadPage.OpenAsync(fixture);
        var first = await InterruptedUploadAsync(page, source);
        // Upload ids live for days: the server's answer to an expired one is played here instead.
        await page.Page.RouteAsync("**/api/uploads/*/parts", route => route.FulfillAsync(new RouteFulfillOptions
        {
            Status = 410,
            ContentType = "application/problem+json",
            Body = JsonSerializer.Serialize(new { title = "The upload has expired.", status = 410, code = "upload_expired" }),
        }));

        var second = await page.CreatedUploadAsync(() => page.AddFilesAsync([source.Path]));

        await page.ExpectStatusAsync(source.Name, "complete");
        Assert.NotEqual(first.UploadId, second.UploadId);
        await Assertions.Expect(page.Row(source.Name)).ToContainTextAsync("The earlier upload had expired, so it starts over.");
        await fixture.AssertStoredAsync(source);
        Assert.Empty(await page.RememberedUploadsAsync());
        Assert.Empty(page.ErrorsBesideFailedRequests);
    }

    private Task<PageUpload> InterruptedUploadAsync(UploadPage page, TestFile source) => page.InterruptedUploadAsync(fixture, source, storedParts: 1);
}

public sealed class FileSystemResumeTests(FileSystemPageFixture fixture, ITestOutputHelper output) : ResumeTests(fixture, output), IClassFixture<FileSystemPageFixture>;

public sealed class S3ResumeTests(S3PageFixture fixture, ITestOutputHelper output) : ResumeTests(fixture, output), IClassFixture<S3PageFixture>;
