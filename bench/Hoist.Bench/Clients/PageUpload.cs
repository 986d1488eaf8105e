using System.Globalization;
using System.Text.Json;
using Hoist.Bench.Measure;
using Hoist.Browser.Tests.Support;
using Microsoft.Playwright;

namespace Hoist.Bench.Clients;

/// <summary>
/// The "page" configuration: Hoist's upload page (wwwroot) in headless Debian Chromium, launched as
/// the browser tests launch it, a file given to Dropzone's file input as a drop gives it. Timed in
/// the page, from the input's change event to the row showing "verified" (the whole-object
/// SHA-256 matched); the client CPU is Chromium's (all its processes, from /proc).
/// </summary>
internal sealed class PageBrowser : IAsyncDisposable
{
    /// <summary>
    /// Runs in the page before its own scripts: the drop and the verified mark as performance.now()
    /// times, and where the page spends its time — reading parts into memory (Blob.arrayBuffer),
    /// WebCrypto's digest — as sums and counts (the part requests are in Resource Timing).
    /// </summary>
    private const string Probe = """
        (() => {
          const bench = (globalThis.__hoistBench = { dropped: null, complete: null, verified: null, failed: null, readMs: 0, reads: 0, digestMs: 0, digests: 0, workerMs: 0, workerHashes: 0 });
          performance.setResourceTimingBufferSize?.(100000);
          const timed = (f, add) => async function (...args) {
            const start = performance.now();
            try { return await f.apply(this, args); } finally { add(performance.now() - start); }
          };
          Blob.prototype.arrayBuffer = timed(Blob.prototype.arrayBuffer, (ms) => { bench.readMs += ms; bench.reads++; });
          // The page hashes parts in a worker (hash-worker.mjs): each message's round trip, read and digest.
          const NativeWorker = globalThis.Worker;
          globalThis.Worker = class extends NativeWorker {
            constructor(...args) {
              super(...args);
              const sent = new Map();
              const post = this.postMessage.bind(this);
              this.postMessage = (message, ...rest) => { sent.set(message?.id, performance.now()); return post(message, ...rest); };
              this.addEventListener('message', ({ data }) => {
                if (!sent.has(data?.id)) return;
                bench.workerMs += performance.now() - sent.get(data.id);
                bench.workerHashes++;
                sent.delete(data.id);
              });
            }
          };
          const subtle = globalThis.crypto?.subtle;
          if (subtle) subtle.digest = timed(subtle.digest.bind(subtle), (ms) => { bench.digestMs += ms; bench.digests++; });
          document.addEventListener('change', (event) => {
            if (bench.dropped === null && event.target?.matches?.('input.dz-hidden-input')) bench.dropped = performance.now();
          }, true);
          document.addEventListener('DOMContentLoaded', () => {
            const list = document.getElementById('uploads');
            new MutationObserver(() => {
              const row = list.querySelector('[data-status]');
              if (!row || bench.dropped === null) return;
              const status = row.dataset.status;
              if (status === 'complete') {
                bench.complete ??= performance.now();
                if (row.querySelector('.upload-verified')?.hidden === false) bench.verified ??= performance.now();
              } else if (status === 'failed') {
                bench.failed ??= row.textContent.replace(/\s+/g, ' ').trim();
              }
            }).observe(list, { subtree: true, childList: true, attributes: true, characterData: true });
          });
        })();
        """;

    private readonly IPlaywright _playwright;
    private readonly IBrowser _browser;

    private PageBrowser(IPlaywright playwright, IBrowser browser)
    {
        _playwright = playwright;
        _browser = browser;
    }

    public static async Task<PageBrowser> LaunchAsync()
    {
        var (playwright, browser) = await Chromium.LaunchAsync();
        return new PageBrowser(playwright, browser);
    }

    /// <summary>Opens the page in a fresh context (no remembered uploads) and waits until it is ready for a drop.</summary>
    public async Task<PageSession> OpenAsync(Uri server)
    {
        var context = await _browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = server.ToString() });
        try
        {
            await context.AddInitScriptAsync(Probe);
            var page = await context.NewPageAsync();
            await page.GotoAsync("/");
            await page.Locator("input.dz-hidden-input").WaitForAsync(new LocatorWaitForOptions { State = WaitForSelectorState.Attached });
            return new PageSession(context, page);
        }
        catch
        {
            await context.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _browser.DisposeAsync();
        _playwright.Dispose();
    }
}

/// <summary>One open page: one file dropped, timed to its verified mark.</summary>
internal sealed class PageSession(IBrowserContext context, IPage page) : IAsyncDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(30);

    /// <summary>Drops the file and waits for the verified mark; the report's CPU is Chromium's during the upload.</summary>
    /// <param name="profile">Also sample the page's main thread (V8's CPU profiler) and print the functions that took the most of it.</param>
    public async Task<ClientReport> DropAsync(string file, bool profile = false)
    {
        var size = new FileInfo(file).Length;
        var self = Environment.ProcessId;
        var chromium = ProcStat.Descendants(self, "chromium");
        var cpu0 = ProcStat.CpuSecondsOf(chromium);
        ICDPSession? cdp = null;
        if (profile)
        {
            cdp = await context.NewCDPSessionAsync(page);
            await cdp.SendAsync("Profiler.enable");
            await cdp.SendAsync("Profiler.setSamplingInterval", new Dictionary<string, object> { ["interval"] = 1000 });
            await cdp.SendAsync("Profiler.start");
        }
        var clock = System.Diagnostics.Stopwatch.StartNew();
        await page.Locator("input.dz-hidden-input").SetInputFilesAsync(file, new LocatorSetInputFilesOptions { Timeout = 0 });
        await page.WaitForFunctionAsync(
            "() => { const b = globalThis.__hoistBench; return b.verified !== null || b.failed !== null || (b.complete !== null && performance.now() - b.complete > 3000); }",
            null, new PageWaitForFunctionOptions { PollingInterval = 100, Timeout = (float)Timeout.TotalMilliseconds });
        var hostSeconds = clock.Elapsed.TotalSeconds;
        if (cdp is not null)
        {
            PrintProfile((await cdp.SendAsync("Profiler.stop"))!.Value.GetProperty("profile"));
        }
        // Processes Chromium started meanwhile count from 0; those that ended are left out at both ends.
        var cpu1 = ProcStat.CpuSecondsOf(ProcStat.Descendants(self, "chromium"));
        var browserCpu = cpu1.Sum(p => p.Value - cpu0.GetValueOrDefault(p.Key));
        var byRole = cpu1.GroupBy(p => RoleOf(p.Key)).Select(g => string.Create(CultureInfo.InvariantCulture, $"{g.Key} {g.Sum(p => p.Value - cpu0.GetValueOrDefault(p.Key)):F2}"));
        var probe = await page.EvaluateAsync<JsonElement>("""
            () => {
              const b = globalThis.__hoistBench;
              // Parts through Hoist (…/parts/N) and, in direct mode, straight to the store (?partNumber=N&uploadId=…).
              const parts = performance.getEntriesByType('resource').filter((e) => e.initiatorType === 'xmlhttprequest' && e.startTime >= b.dropped && (e.name.includes('/parts/') || e.name.includes('partNumber=')));
              const putMs = parts.reduce((sum, e) => sum + e.duration, 0);
              return { ...b, parts: parts.length, direct: parts.filter((e) => e.name.includes('partNumber=')).length, putMs };
            }
            """);
        var failed = probe.GetProperty("failed");
        if (failed.ValueKind == JsonValueKind.String)
        {
            throw new InvalidOperationException($"The page failed the upload: {failed.GetString()}");
        }
        if (probe.GetProperty("verified").ValueKind != JsonValueKind.Number)
        {
            throw new InvalidOperationException("The page completed the upload but did not mark it verified.");
        }
        double Ms(string name) => probe.GetProperty(name).GetDouble();
        var wall = (Ms("verified") - Ms("dropped")) / 1000;
        var detail = string.Create(CultureInfo.InvariantCulture,
            $"host {hostSeconds:F2} s; on the main thread {probe.GetProperty("reads").GetInt32()} part reads {Ms("readMs") / 1000:F2} s, {probe.GetProperty("digests").GetInt32()} digests {Ms("digestMs") / 1000:F2} s; {probe.GetProperty("workerHashes").GetInt32()} hashed in a worker {Ms("workerMs") / 1000:F2} s; {probe.GetProperty("parts").GetInt32()} part PUTs ({probe.GetProperty("direct").GetInt32()} straight to the store) {Ms("putMs") / 1000:F2} s (on average {Ms("putMs") / 1000 / wall:F1} in flight); complete -> verified {(Ms("verified") - Ms("complete")) / 1000:F2} s; Chromium CPU-s: {string.Join(", ", byRole)}");
        return new ClientReport(size, wall, browserCpu) { Detail = detail };
    }

    public async ValueTask DisposeAsync() => await context.DisposeAsync();

    /// <summary>The main thread's time by function (self time), from a V8 CPU profile: the 15 largest.</summary>
    private static void PrintProfile(JsonElement profile)
    {
        var frames = profile.GetProperty("nodes").EnumerateArray().ToDictionary(n => n.GetProperty("id").GetInt32(), n => n.GetProperty("callFrame"));
        var samples = profile.GetProperty("samples").EnumerateArray().Select(x => x.GetInt32()).ToList();
        var deltas = profile.GetProperty("timeDeltas").EnumerateArray().Select(x => x.GetDouble()).ToList();
        var selfMs = new Dictionary<string, double>();
        for (var i = 0; i + 1 < samples.Count; i++)
        {
            var frame = frames[samples[i]];
            var name = $"{frame.GetProperty("functionName").GetString()} {Path.GetFileName(frame.GetProperty("url").GetString())}:{frame.GetProperty("lineNumber").GetInt32() + 1}";
            // A sample's time is the delta to the next one (microseconds).
            selfMs[name] = selfMs.GetValueOrDefault(name) + (deltas[i + 1] / 1000);
        }
        Console.WriteLine("      the page's main thread, self time by function:");
        foreach (var (name, ms) in selfMs.OrderByDescending(kv => kv.Value).Take(15))
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"        {ms,8:F0} ms  {name}"));
        }
    }

    /// <summary>A Chromium process's role from its command line: browser, renderer, gpu-process, or the utility's service (network, storage, ...).</summary>
    private static string RoleOf(int pid)
    {
        string[] args;
        try
        {
            // Chromium rewrites its command line (setproctitle): one string, arguments joined by spaces.
            args = File.ReadAllText($"/proc/{pid}/cmdline").Split(['\0', ' '], StringSplitOptions.RemoveEmptyEntries);
        }
        catch (IOException)
        {
            return "ended";
        }
        string? Value(string name) => args.FirstOrDefault(a => a.StartsWith(name + "=", StringComparison.Ordinal))?[(name.Length + 1)..];
        return Value("--type") switch
        {
            null => "browser",
            "utility" => Value("--utility-sub-type")?.Split('.')[0] ?? "utility",
            var type => type,
        };
    }
}
