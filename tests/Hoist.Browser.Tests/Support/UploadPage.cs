using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace Hoist.Browser.Tests.Support;

/// <summary>
/// The upload page in a fresh browser context, with what it logged. The page's machine-readable
/// surface: a row per file with data-status and a .file-name, the stored files as links in #files.
/// </summary>
public sealed partial class UploadPage : IAsyncDisposable
{
    /// <summary>How long one file may take to reach its final status.</summary>
    public static readonly TimeSpan UploadTimeout = TimeSpan.FromSeconds(120);

    private readonly IBrowserContext _context;
    private readonly List<string> _errors = [];

    private UploadPage(IBrowserContext context, IPage page)
    {
        _context = context;
        Page = page;
        page.Console += (_, message) =>
        {
            if (message.Type == "error")
            {
                lock (_errors)
                {
                    _errors.Add(message.Text);
                }
            }
        };
        page.PageError += (_, error) =>
        {
            lock (_errors)
            {
                _errors.Add($"uncaught: {error}");
            }
        };
        // The page asks before it is left with uploads running: the tests that reload answer "Leave".
        page.Dialog += async (_, dialog) =>
        {
            if (dialog.Type == DialogType.BeforeUnload)
            {
                await dialog.AcceptAsync();
            }
        };
    }

    public IPage Page { get; }

    /// <summary>The browser context of the page: its network can be cut (SetOfflineAsync).</summary>
    public IBrowserContext Context => _context;

    /// <summary>Console errors and uncaught exceptions, in order.</summary>
    public IReadOnlyList<string> Errors
    {
        get
        {
            lock (_errors)
            {
                return [.. _errors];
            }
        }
    }

    /// <summary>Errors other than Chromium's line about a request that failed (for tests that make requests fail).</summary>
    public IReadOnlyList<string> ErrorsBesideFailedRequests => Errors.Where(e => !e.StartsWith("Failed to load resource", StringComparison.Ordinal)).ToList();

    /// <summary>Opens the page; <paramref name="query"/> carries page settings (see page-settings.mjs), e.g. "retryBudgetSeconds=3".</summary>
    public static async Task<UploadPage> OpenAsync(PageFixture fixture, int width = 1280, int height = 900, string query = "")
    {
        var context = await fixture.Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = fixture.BaseUri.ToString(),
            ViewportSize = new ViewportSize { Width = width, Height = height },
        });
        var page = new UploadPage(context, await context.NewPageAsync());
        await page.Page.GotoAsync(query.Length > 0 ? "/?" + query : "/");
        // The module has run once Dropzone made its file input.
        await page.Page.Locator("input.dz-hidden-input").WaitForAsync(new LocatorWaitForOptions { State = WaitForSelectorState.Attached });
        return page;
    }

    /// <summary>Reloads the page, as a person pressing F5 mid-upload (and confirming to leave) would.</summary>
    public async Task ReloadAsync()
    {
        await Page.ReloadAsync();
        await Page.Locator("input.dz-hidden-input").WaitForAsync(new LocatorWaitForOptions { State = WaitForSelectorState.Attached });
    }

    /// <summary>The uploads the page remembers in localStorage for resuming after a reload: fingerprint → uploadId.</summary>
    public async Task<IReadOnlyDictionary<string, string>> RememberedUploadsAsync() =>
        await Page.EvaluateAsync<Dictionary<string, string>>(
            "() => Object.fromEntries(Object.entries(JSON.parse(localStorage.getItem('hoist.uploads.v1') ?? '{}')).map(([k, v]) => [k, v.uploadId]))");

    /// <summary>A file's progress bar value (0 to 100).</summary>
    public Task<double> ProgressAsync(string fileName) => Row(fileName).Locator("progress").EvaluateAsync<double>("bar => bar.value");

    /// <summary>A button of a file's row, by its accessible name ("Pause upload of x.bin").</summary>
    public ILocator RowButton(string fileName, string action) =>
        Row(fileName).GetByRole(AriaRole.Button, new LocatorGetByRoleOptions { Name = $"{action} upload of {fileName}", Exact = true });

    /// <summary>What a drop or the file picker does: the files go to Dropzone's file input.</summary>
    public Task AddFilesAsync(IEnumerable<string> paths) => Page.Locator("input.dz-hidden-input").SetInputFilesAsync(paths);

    /// <summary>The row of a file, by its exact name.</summary>
    public ILocator Row(string fileName) =>
        Page.Locator("#uploads [data-status]").Filter(new LocatorFilterOptions
        {
            Has = Page.Locator(".file-name", new PageLocatorOptions { HasTextRegex = new Regex($"^{Regex.Escape(fileName)}$") }),
        });

    public Task ExpectStatusAsync(string fileName, string status) =>
        Assertions.Expect(Row(fileName)).ToHaveAttributeAsync("data-status", status, new LocatorAssertionsToHaveAttributeOptions { Timeout = (float)UploadTimeout.TotalMilliseconds });

    /// <summary>The stored files' links, once the list shows one for each name.</summary>
    public async Task<IReadOnlyList<string>> StoredLinksAsync(params string[] fileNames)
    {
        foreach (var name in fileNames)
        {
            await Assertions.Expect(Page.Locator("#files a", new PageLocatorOptions { HasTextString = name }).First).ToBeVisibleAsync();
        }
        return await Page.Locator("#files a").EvaluateAllAsync<string[]>("links => links.map(a => a.getAttribute('href'))");
    }

    /// <summary>The answer of the POST /api/uploads that <paramref name="action"/> causes.</summary>
    public async Task<PageUpload> CreatedUploadAsync(Func<Task> action)
    {
        var response = Page.WaitForResponseAsync(
            r => r.Request.Method == "POST" && r.Url.EndsWith("/api/uploads", StringComparison.Ordinal),
            new PageWaitForResponseOptions { Timeout = (float)UploadTimeout.TotalMilliseconds });
        await action();
        var json = await (await response).JsonAsync() ?? throw new InvalidOperationException("POST /api/uploads answered nothing.");
        return new PageUpload(json.GetProperty("uploadId").GetString()!, json.GetProperty("partCount").GetInt32());
    }

    /// <summary>Starts uploading a file, then reloads the page once <paramref name="storedParts"/> parts are stored and the next ones are in flight.</summary>
    public Task<PageUpload> InterruptedUploadAsync(PageFixture fixture, TestFile source, int storedParts) =>
        InterruptedUploadAsync(fixture, () => AddFilesAsync([source.Path]), storedParts);

    /// <summary>As above, the file added by <paramref name="add"/>.</summary>
    public async Task<PageUpload> InterruptedUploadAsync(PageFixture fixture, Func<Task> add, int storedParts)
    {
        using var gate = PartGate.Install(fixture, allowed: storedParts);
        var created = await CreatedUploadAsync(add);
        await gate.AllowedPartsStored.WaitAsync(UploadTimeout);
        await ReloadAsync();
        await gate.AllHeldGivenUpAsync();
        Assert.Contains(created.UploadId, (await RememberedUploadsAsync()).Values);
        return created;
    }

    /// <summary>The URLs of the part requests the page makes from now on, as the browser reports them.</summary>
    public List<string> RecordPartRequests() => RecordRequests("PUT", url => url.Contains("/parts/", StringComparison.Ordinal));

    /// <summary>The URLs of every PUT the page makes from now on, to Hoist or (direct mode) to the store.</summary>
    public List<string> RecordPuts() => RecordRequests("PUT", _ => true);

    /// <summary>The URLs of the requests for part URLs (direct mode) the page makes from now on.</summary>
    public List<string> RecordPartUrlRequests() => RecordRequests("POST", url => url.EndsWith("/part-urls", StringComparison.Ordinal));

    /// <summary>The URLs of the creates (POST /api/uploads) the page makes from now on.</summary>
    public List<string> RecordCreates() => RecordRequests("POST", url => url.EndsWith("/api/uploads", StringComparison.Ordinal));

    private List<string> RecordRequests(string method, Func<string, bool> matches)
    {
        var urls = new List<string>();
        Page.Request += (_, request) =>
        {
            if (request.Method == method && matches(request.Url))
            {
                lock (urls)
                {
                    urls.Add(request.Url);
                }
            }
        };
        return urls;
    }

    /// <summary>The row of a remembered unfinished upload listed after a reload, by its file name.</summary>
    public ILocator UnfinishedRow(string fileName) =>
        Page.Locator("#unfinished-list li").Filter(new LocatorFilterOptions
        {
            Has = Page.Locator(".file-name", new PageLocatorOptions { HasTextRegex = new Regex($"^{Regex.Escape(fileName)}$") }),
        });

    public async ValueTask DisposeAsync() => await _context.DisposeAsync();
}

/// <summary>The answer of POST /api/uploads, as a test needs it.</summary>
public sealed record PageUpload(string UploadId, int PartCount);
