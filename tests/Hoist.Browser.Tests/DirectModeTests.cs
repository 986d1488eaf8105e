using System.Globalization;
using Hoist.Browser.Tests.Support;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace Hoist.Browser.Tests;

/// <summary>
/// Direct mode (README, "Direct mode"): with Hoist__Uploads__Direct=true on the S3 store the page PUTs
/// the parts straight to the bucket on presigned URLs, under the bucket's CORS rule, and verifies the
/// object by its multipart ETag; without the rule it falls back to Hoist. On a bucket of its own, since
/// the tests change its CORS rule (restored after each).
/// </summary>
public sealed class DirectModeTests(DirectModeFixture fixture, ITestOutputHelper output) : IClassFixture<DirectModeFixture>
{
    private const long MiB = 1024 * 1024;

    [Fact]
    public async Task A_file_goes_straight_to_the_store_and_is_stored_byte_for_byte_and_verified()
    {
        using var files = new TestFiles();
        var source = files.Random("direct.bin", 20 * MiB + 3);
        await using var page = await UploadPage.OpenAsync(fixture);
        var puts = page.RecordPuts();
        using var throughHoist = new PartsThroughHoist(fixture.Parts);

        var created = await page.CreatedUploadAsync(() => page.AddFilesAsync([source.Path]));

        await page.ExpectStatusAsync(source.Name, "complete");
        await Assertions.Expect(page.Row(source.Name).Locator(".upload-verified")).ToBeVisibleAsync();
        // Five parts of 5 MiB at most, each PUT once to the store's host; none reached Hoist's part route.
        Assert.Equal(5, created.PartCount);
        Assert.All(puts, url => Assert.Equal(fixture.StoreAuthority, new Uri(url).Authority));
        Assert.Equal(Enumerable.Range(1, created.PartCount), puts.Select(PartNumberOf).Order());
        Assert.Equal(0, throughHoist.Count);
        await fixture.AssertStoredAsync(source);
        Assert.Empty(page.Errors);
    }

    [Fact]
    public async Task Without_the_bucket_CORS_rule_the_parts_go_through_Hoist_and_later_files_go_there_at_once()
    {
        using var files = new TestFiles();
        var first = files.Random("refused-first.bin", 12 * MiB);
        var second = files.Random("refused-second.bin", 7 * MiB);
        await fixture.S3.RemoveCorsAsync();
        try
        {
            await using var page = await UploadPage.OpenAsync(fixture);
            var partUrlRequests = page.RecordPartUrlRequests();
            var throughHoist = new System.Collections.Concurrent.ConcurrentQueue<int>();
            using var counting = fixture.Parts.Use(async call =>
            {
                if (await call.PassAsync() == 200)
                {
                    throughHoist.Enqueue(call.PartNumber);
                }
            });

            var created = await page.CreatedUploadAsync(() => page.AddFilesAsync([first.Path]));

            await page.ExpectStatusAsync(first.Name, "complete");
            await Assertions.Expect(page.Row(first.Name).Locator(".upload-verified")).ToBeVisibleAsync();
            // Direct was tried (URLs asked), the store refused the page, and every part went through Hoist.
            Assert.NotEmpty(partUrlRequests);
            Assert.Equal(Enumerable.Range(1, created.PartCount), throughHoist.Order());
            await fixture.AssertStoredAsync(first);

            // The page remembers that direct failed: the next file goes through Hoist without trying the store.
            var laterPartUrlRequests = page.RecordPartUrlRequests();
            var laterPuts = page.RecordPuts();
            var createdSecond = await page.CreatedUploadAsync(() => page.AddFilesAsync([second.Path]));
            await page.ExpectStatusAsync(second.Name, "complete");
            await Assertions.Expect(page.Row(second.Name).Locator(".upload-verified")).ToBeVisibleAsync();
            Assert.Empty(laterPartUrlRequests);
            Assert.Equal(createdSecond.PartCount, laterPuts.Count);
            Assert.All(laterPuts, url => Assert.Equal(fixture.BaseUri.Authority, new Uri(url).Authority));
            await fixture.AssertStoredAsync(second);
            output.WriteLine($"Fallback: {partUrlRequests.Count} part URL requests before the store refused; {throughHoist.Count} parts through Hoist.");
            Assert.DoesNotContain(page.Errors, e => e.StartsWith("uncaught", StringComparison.Ordinal));
        }
        finally
        {
            await fixture.S3.AllowBrowserPutsAsync(fixture.PageOrigin);
        }
    }

    [Fact]
    public async Task A_direct_upload_dropped_again_after_a_reload_sends_only_the_parts_the_store_is_missing()
    {
        using var files = new TestFiles();
        var source = files.Random("direct-resumed.bin", 25 * MiB);
        await using var page = await UploadPage.OpenAsync(fixture);
        var puts = page.RecordPuts();
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var asked = 0;
        PageUpload created;
        int stored;
        // The first request for part URLs is answered, the later ones held: the parts of the first
        // batch are stored, the others wait for their URLs when the page goes away.
        using (fixture.Parts.UseForPartUrls(async call =>
        {
            if (Interlocked.Increment(ref asked) > 1 && !await call.HoldAsync(release.Task))
            {
                return;
            }
            await call.PassAsync();
        }))
        {
            created = await page.CreatedUploadAsync(() => page.AddFilesAsync([source.Path]));
            stored = await StoredPartsOnceSettledAsync(created.UploadId, puts);
            await page.ReloadAsync();
            release.TrySetResult();
        }
        Assert.InRange(stored, 1, created.PartCount - 1);
        Assert.Equal(stored, (await fixture.ListPartsAsync(created.UploadId)).Parts.Count);

        var resumedPuts = page.RecordPuts();
        await page.AddFilesAsync([source.Path]);

        await page.ExpectStatusAsync(source.Name, "complete");
        await Assertions.Expect(page.Row(source.Name).Locator(".upload-verified")).ToBeVisibleAsync();
        // The parts stored directly have no SHA-256 on the server: the page matched them by their ETag (MD5).
        Assert.Equal(created.PartCount - stored, resumedPuts.Count);
        Assert.All(resumedPuts, url => Assert.Equal(fixture.StoreAuthority, new Uri(url).Authority));
        output.WriteLine($"Resumed: {stored} of {created.PartCount} parts stored before the reload, {resumedPuts.Count} sent after.");
        await fixture.AssertStoredAsync(source);
        Assert.Empty(await page.RememberedUploadsAsync());
        Assert.Empty(page.Errors);
    }

    [Fact]
    public async Task A_paused_direct_upload_sends_nothing_until_it_is_resumed_and_a_refused_request_for_urls_is_tried_again()
    {
        using var files = new TestFiles();
        var source = files.Random("direct-paused.bin", 25 * MiB);
        await using var page = await UploadPage.OpenAsync(fixture);
        var puts = page.RecordPuts();
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var asked = 0;
        var givenUp = 0;
        // The first request for part URLs is refused as a busy server would (503: tried again), the
        // second answered, the later ones held until the test lets them through.
        using var urls = fixture.Parts.UseForPartUrls(async call =>
        {
            var nth = Interlocked.Increment(ref asked);
            if (nth == 1)
            {
                await call.RefuseAsync(503, "server_busy", "The server is busy; try again.");
                return;
            }
            if (nth > 2 && !await call.HoldAsync(release.Task))
            {
                Interlocked.Increment(ref givenUp);
                return;
            }
            await call.PassAsync();
        });
        var created = await page.CreatedUploadAsync(() => page.AddFilesAsync([source.Path]));
        var stored = await StoredPartsOnceSettledAsync(created.UploadId, puts);

        await page.RowButton(source.Name, "Pause").ClickAsync();

        await page.ExpectStatusAsync(source.Name, "paused");
        var pausedPuts = page.RecordPuts();
        // The held requests for URLs were aborted with the pause, and nothing goes out while it is paused.
        await WaitUntilAsync(() => Task.FromResult(Volatile.Read(ref givenUp) == Volatile.Read(ref asked) - 2), "the held requests for part URLs to be given up");
        await Task.Delay(TimeSpan.FromSeconds(2));
        Assert.Empty(pausedPuts);
        Assert.Equal(stored, (await fixture.ListPartsAsync(created.UploadId)).Parts.Count);

        release.TrySetResult();
        await page.RowButton(source.Name, "Resume").ClickAsync();

        await page.ExpectStatusAsync(source.Name, "complete");
        await Assertions.Expect(page.Row(source.Name).Locator(".upload-verified")).ToBeVisibleAsync();
        Assert.Equal(created.PartCount - stored, pausedPuts.Count);
        Assert.All(pausedPuts, url => Assert.Equal(fixture.StoreAuthority, new Uri(url).Authority));
        await fixture.AssertStoredAsync(source);
        Assert.Empty(page.ErrorsBesideFailedRequests);
    }

    [Fact]
    public async Task A_direct_upload_cut_off_waits_for_the_network_and_goes_on_to_the_store_not_through_Hoist()
    {
        using var files = new TestFiles();
        var source = files.Random("direct-offline.bin", 60 * MiB);
        await using var page = await UploadPage.OpenAsync(fixture);
        var puts = page.RecordPuts();
        using var throughHoist = new PartsThroughHoist(fixture.Parts);
        var created = await page.CreatedUploadAsync(() => page.AddFilesAsync([source.Path]));

        // Cut off with a part stored and others on their way to the store.
        var storedBefore = 0;
        await WaitUntilAsync(async () =>
        {
            storedBefore = (await fixture.ListPartsAsync(created.UploadId)).Parts.Count;
            lock (puts)
            {
                return storedBefore >= 1 && puts.Count > storedBefore;
            }
        }, "a part stored and another in flight");
        await page.Context.SetOfflineAsync(true);
        Assert.InRange(storedBefore, 1, created.PartCount - 1);

        await page.ExpectStatusAsync(source.Name, "waiting");
        await Assertions.Expect(page.Row(source.Name)).ToContainTextAsync("Waiting for the connection…");
        await Task.Delay(TimeSpan.FromSeconds(2));
        await page.Context.SetOfflineAsync(false);

        await page.ExpectStatusAsync(source.Name, "complete");
        await Assertions.Expect(page.Row(source.Name).Locator(".upload-verified")).ToBeVisibleAsync();
        // No answer while offline is not a store that refuses the page: the parts still went to the store.
        Assert.Equal(0, throughHoist.Count);
        Assert.All(puts, url => Assert.Equal(fixture.StoreAuthority, new Uri(url).Authority));
        Assert.Equal(Enumerable.Range(1, created.PartCount), puts.Select(PartNumberOf).Distinct().Order());
        await fixture.AssertStoredAsync(source);
        Assert.Empty(page.ErrorsBesideFailedRequests);
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition, string what)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Waited in vain for {what}.");
            }
            await Task.Delay(25);
        }
    }

    /// <summary>Waits until every part PUT so far is stored (at least one); how many that is.</summary>
    private async Task<int> StoredPartsOnceSettledAsync(string uploadId, List<string> puts)
    {
        var deadline = DateTime.UtcNow + UploadPage.UploadTimeout;
        while (true)
        {
            var stored = (await fixture.ListPartsAsync(uploadId)).Parts.Count;
            int sent;
            lock (puts)
            {
                sent = puts.Count;
            }
            if (stored >= 1 && stored == sent)
            {
                return stored;
            }
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"{stored} parts stored of {sent} sent.");
            }
            await Task.Delay(100);
        }
    }

    private static int PartNumberOf(string url) =>
        int.Parse(System.Web.HttpUtility.ParseQueryString(new Uri(url).Query)["partNumber"] ?? "0", CultureInfo.InvariantCulture);

    /// <summary>Counts the parts that reach Hoist's part route (each passed on) until disposed.</summary>
    private sealed class PartsThroughHoist : IDisposable
    {
        private readonly IDisposable _handler;
        private int _count;

        public PartsThroughHoist(PartTraffic parts) => _handler = parts.Use(async call =>
        {
            Interlocked.Increment(ref _count);
            await call.PassAsync();
        });

        public int Count => Volatile.Read(ref _count);

        public void Dispose() => _handler.Dispose();
    }
}

/// <summary>
/// The page's server in direct mode on the S3 store, with parts of 5 MiB, over a bucket of its own whose
/// CORS rule allows the page's origin (the README's rule).
/// </summary>
public sealed class DirectModeFixture() : PageFixture(new S3TestStore("hoist-browser-direct", bucket: S3TestSettings.FromEnvironment().Bucket + "-direct"))
{
    protected override IReadOnlyDictionary<string, string?> ExtraSettings { get; } = new Dictionary<string, string?>
    {
        ["Hoist:Uploads:Direct"] = "true",
        ["Hoist:Uploads:PreferredPartSize"] = (5 * 1024 * 1024).ToString(CultureInfo.InvariantCulture),
    };

    public S3TestSettings S3 => ((S3TestStore)TestStore).S3;

    /// <summary>host:port of the store as the browser reaches it.</summary>
    public string StoreAuthority => new Uri(S3.ServiceUrl).Authority;

    /// <summary>The page's origin, which the bucket's CORS rule allows.</summary>
    public string PageOrigin => BaseUri.GetLeftPart(UriPartial.Authority);

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        await S3.AllowBrowserPutsAsync(PageOrigin);
    }
}
