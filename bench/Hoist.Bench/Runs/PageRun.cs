using Hoist.Bench.Clients;
using Hoist.Bench.Report;

namespace Hoist.Bench.Runs;

/// <summary>
/// The upload page next to the CLI on the same Hoist server: each round drops the file on the page
/// in headless Chromium (timed from the drop to the row's "verified" mark), then uploads it with
/// HoistClient. One server and one browser for all rounds, both warmed up first, as they live on.
/// </summary>
internal static class PageRun
{
    public const string Page = "page";
    public const string CliSuffix = "-cli";

    /// <param name="store">"S3" or "FileSystem".</param>
    /// <param name="direct">The server offers direct mode (Hoist__Uploads__Direct): parts go from the browser straight to the store.</param>
    /// <param name="profile">Also print where the page's main thread spent its time (V8's CPU profiler) in each measured drop.</param>
    public static async Task RunAsync(BenchContext context, BenchResults results, long size, int runs, string store, bool direct, bool profile)
    {
        var file = context.RandomFile(size, $"random-{size}.bin");
        var page = Page + (direct ? "-direct" : "") + (store == "FileSystem" ? "-fs" : "");
        var cli = page + CliSuffix;
        var root = Path.Combine(context.WorkDir, "page-store");
        var environment = context.HoistServerEnvironment(store, store == "S3" ? $"{context.KeyPrefix}{page}/" : root);
        // The page comes with the server: a build that is not published serves it from the project
        // folder (its static web assets manifest), so what is measured is this tree's page.
        if (direct)
        {
            environment["Hoist__Uploads__Direct"] = "true";
        }
        Console.WriteLine($"\n== the page in Chromium vs the CLI, same Hoist server on {store}{(direct ? " (direct mode)" : "")}: {runs} rounds, {Sizes.Label(size)} ==");
        try
        {
            await using var server = await context.StartHoistAsync(environment);
            await Configurations.WarmUpHoistAsync(context, server);
            await using var browser = await PageBrowser.LaunchAsync();
            if (context.WarmUpSize > 0)
            {
                await using var warmUp = await browser.OpenAsync(server.Url);
                await warmUp.DropAsync(context.WarmUpFile());
            }
            for (var round = 1; round <= runs; round++)
            {
                // Opened before the measurement: the page's own start (listing, modules) is not the upload.
                await using (var session = await browser.OpenAsync(server.Url))
                {
                    var record = await context.MeasureAsync(page, round, size, server, () => session.DropAsync(file, profile));
                    // Chromium's CPU is the client's here, not other load on the machine.
                    results.Add(record.Ok ? record with { OtherCpuSeconds = record.OtherCpuSeconds - record.ClientCpuSeconds } : record);
                    Console.WriteLine($"      {record.Detail}");
                }
                results.Add(await context.MeasureAsync(cli, round, size, server, () => context.HoistClientAsync(server, file)));
                await context.CleanS3Async();
            }
        }
        finally
        {
            if (Directory.Exists(root))
            {
                Directory.Delete(root, recursive: true);
            }
        }
    }

    public static string? Describe(string config) =>
        !config.StartsWith(Page, StringComparison.Ordinal) ? null
        : config.EndsWith(CliSuffix, StringComparison.Ordinal) ? $"{config}: HoistClient (the CLI's) on the page's server"
        : $"{config}: the upload page in headless Chromium, drop -> verified (client CPU = Chromium's)";
}
