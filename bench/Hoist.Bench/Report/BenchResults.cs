using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Hoist.Bench.Runs;

namespace Hoist.Bench.Report;

/// <summary>All runs of one invocation: the progress lines, the summary table with ratios and targets, and the JSON file.</summary>
internal sealed class BenchResults(BenchContext context, long size, int runs, bool serverPerRun, string? note)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    private readonly List<RunRecord> _runs = [];
    private readonly DateTimeOffset _started = DateTimeOffset.UtcNow;

    public string Machine { get; } = MachineInfo.Describe();

    public LoadResult? Load { get; set; }

    public void Add(RunRecord run)
    {
        _runs.Add(run);
        Console.WriteLine(run.Ok
            ? Invariant($"  {run.Config,-23} #{run.Round}  {run.WallSeconds,6:F2} s  {run.MiBPerSecond,6:F1} MiB/s  client {run.ClientCpuSeconds,5:F2}  proxy {Fmt(run.ProxyCpuSeconds),5}  rgw {Fmt(run.RgwCpuSeconds),5}  osd {Fmt(run.OsdCpuSeconds),5} CPU-s  peak {MiB(run.ProxyPeakRssBytes),4} MiB  other {run.OtherCpuSeconds,5:F1} CPU-s  load {run.LoadBefore:F1}")
            : $"  {run.Config,-23} #{run.Round}  FAILED: {run.Error}");
    }

    /// <summary>Medians per configuration (CPU per GiB), peak RSS as the highest of the runs.</summary>
    public IReadOnlyList<Summary> Summaries() =>
        _runs.GroupBy(r => r.Config).Select(g =>
        {
            var ok = g.Where(r => r.Ok).ToList();
            double PerGiB(Func<RunRecord, double?> f) => Median(ok.Select(r => f(r) is { } v ? v / (r.Bytes / (double)Sizes.GiB) : double.NaN));
            return new Summary(g.Key, Configurations.Describe(g.Key, context), ok.Count, g.Count() - ok.Count,
                ok.Count > 0 ? ok[0].Bytes : 0,
                Median(ok.Select(r => r.WallSeconds)), Median(ok.Select(r => r.MiBPerSecond)),
                PerGiB(r => r.ClientCpuSeconds), PerGiB(r => r.ProxyCpuSeconds), PerGiB(r => r.RgwCpuSeconds), PerGiB(r => r.OsdCpuSeconds),
                ok.Max(r => r.ProxyPeakRssBytes),
                Median(ok.Select(r => r.OtherCpuSeconds)), Median(ok.Select(r => r.LoadBefore)));
        }).ToList();

    public string Render()
    {
        var s = Summaries();
        var text = new StringBuilder();
        var servers = serverPerRun
            ? "a fresh proxy process per run"
            : "one proxy process per configuration for all its runs, so round 1 carries its JIT";
        text.AppendLine(Invariant($"Medians of {runs} interleaved runs; CPU in CPU-seconds per GiB; peak RSS = the proxy's VmHWM ({servers}; warm-up {Sizes.Label(context.WarmUpSize)}). Machine: {Machine}"));
        text.AppendLine(Invariant($"| config | runs | wall s | MiB/s | client CPU | proxy CPU | radosgw | ceph-osd | proxy peak RSS MiB | other CPU-s | load 1m |"));
        text.AppendLine("|---|---|---|---|---|---|---|---|---|---|---|");
        foreach (var row in s)
        {
            text.AppendLine(Invariant($"| {row.Description} | {row.Runs}{(row.Failed > 0 ? $" ({row.Failed} failed)" : "")} | {row.WallSeconds:F2} | {row.MiBPerSecond:F1} | {Fmt(row.ClientCpuPerGiB)} | {Fmt(row.ProxyCpuPerGiB)} | {Fmt(row.RgwCpuPerGiB)} | {Fmt(row.OsdCpuPerGiB)} | {MiB(row.PeakRssBytes)} | {row.OtherCpuSeconds:F1} | {row.Load:F1} |"));
        }
        var ratios = Ratios(s);
        if (ratios.Count > 0)
        {
            text.AppendLine();
            text.AppendLine("Ratios (MiB/s): " + string.Join(", ", ratios.Select(r => Invariant($"{r.Key} = {r.Value:F2}"))));
        }
        var targets = Targets(s);
        if (targets.Count > 0)
        {
            text.AppendLine();
            text.AppendLine("Targets (Hoist's throughput against direct and @tus/server, its server's CPU per GiB and peak memory):");
            foreach (var t in targets)
            {
                text.AppendLine($"  [{(t.Met ? "met" : "NOT MET")}] {t.Name}: {t.Measured}");
            }
        }
        if (Load is { } load)
        {
            text.AppendLine();
            text.AppendLine(Invariant($"Load run: {load.Files} files x {Sizes.Label(load.FileSize)}, {load.Concurrency} uploads at a time x {load.Parallelism} parts in flight, one Hoist server:"));
            text.AppendLine(Invariant($"  {load.Completed}/{load.Files} completed, {load.Verified} downloaded back with the right SHA-256, {load.Errors.Count} errors, {load.Retries} retries"));
            text.AppendLine(Invariant($"  {load.WallSeconds:F1} s, {load.MiBPerSecond:F1} MiB/s in total; per upload median {load.P50UploadSeconds:F2} s, slowest {load.MaxUploadSeconds:F2} s"));
            var gib = load.Completed * load.FileSize / (double)Sizes.GiB;
            text.AppendLine(Invariant($"  server {load.ServerCpuSeconds / gib:F2} CPU-s/GiB, peak RSS {MiB(load.ServerPeakRssBytes)} MiB; radosgw {Fmt(load.RgwCpuSeconds / gib)}, ceph-osd {Fmt(load.OsdCpuSeconds / gib)} CPU-s/GiB; load {load.LoadBefore:F1} -> {load.LoadAfter:F1}"));
            foreach (var error in load.Errors.Take(10))
            {
                text.AppendLine("  error: " + error);
            }
        }
        return text.ToString();
    }

    public async Task WriteAsync(string path)
    {
        var s = Summaries();
        var document = new
        {
            started = _started,
            finished = DateTimeOffset.UtcNow,
            machine = Machine,
            note,
            size,
            runs,
            settings = new { context.Parallel, context.PartSize, context.DirectMode, context.WarmUpSize, serverPerRun, serverDll = context.ServerDll, serverEnvironment = context.ServerEnvironment },
            summaries = s,
            ratios = Ratios(s),
            targets = Targets(s),
            load = Load,
            runRecords = _runs,
        };
        await File.WriteAllTextAsync(path, JsonSerializer.Serialize(document, Json));
    }

    private static Dictionary<string, double> Ratios(IReadOnlyList<Summary> s)
    {
        var ratios = new Dictionary<string, double>();
        var hoist = Find(s, Configurations.Hoist);
        var others = s.Select(r => r.Config).Where(Configurations.IsDirect).OrderBy(c => c != Configurations.Direct)
            .Concat([Configurations.TusStreaming, Configurations.TusChunked]);
        foreach (var other in others)
        {
            if (hoist is not null && Find(s, other) is { } o)
            {
                ratios[$"{Configurations.Hoist}/{other}"] = hoist.MiBPerSecond / o.MiBPerSecond;
            }
        }
        if (Find(s, "fs-hoist") is { } fs)
        {
            foreach (var copy in new[] { "cp", "cp+fsync" })
            {
                if (Find(s, copy) is { } c)
                {
                    ratios[$"fs-hoist/{copy}"] = fs.MiBPerSecond / c.MiBPerSecond;
                }
            }
        }
        foreach (var page in s.Where(r => r.Config.StartsWith(PageRun.Page, StringComparison.Ordinal) && !r.Config.EndsWith(PageRun.CliSuffix, StringComparison.Ordinal)))
        {
            if (Find(s, page.Config + PageRun.CliSuffix) is { } cli && page.Runs > 0)
            {
                ratios[$"{page.Config}/{cli.Config}"] = page.MiBPerSecond / cli.MiBPerSecond;
            }
        }
        return ratios;
    }

    private List<Target> Targets(IReadOnlyList<Summary> s)
    {
        var targets = new List<Target>();
        var ratios = Ratios(s);
        void Ratio(string key, double floor, string name)
        {
            if (ratios.TryGetValue(key, out var value))
            {
                targets.Add(new Target(name, value >= floor, Invariant($"{key} = {value:F2}")));
            }
        }
        Ratio("hoist/direct", 0.9, "Hoist at >= 0.9 x direct (hoist/direct >= 0.9)");
        Ratio("hoist/tus-stream", 1.15, "Hoist >= 1.15 x @tus/server streaming (hoist/tus-stream >= 1.15)");
        Ratio("hoist/tus-chunked", 3, "Hoist >= 3 x @tus/server 8 MiB chunks (hoist/tus-chunked >= 3)");
        foreach (var key in ratios.Keys.Where(k => k.StartsWith(PageRun.Page, StringComparison.Ordinal)).ToList())
        {
            Ratio(key, 0.8, $"the page >= 0.8 x the CLI on the same server ({key} >= 0.8)");
        }
        var hoistRuns = s.Where(r => Configurations.IsHoistOnS3(r.Config)).ToList();
        if (hoistRuns.Count > 0)
        {
            var worst = hoistRuns.Max(r => r.ProxyCpuPerGiB);
            targets.Add(new Target("Hoist server <= 3 CPU-s per GiB", worst <= 3, Invariant($"{string.Join(", ", hoistRuns.Select(r => $"{r.Config}: {r.ProxyCpuPerGiB:F2}"))} CPU-s/GiB")));
        }
        var oneGiB = hoistRuns.Where(r => r.Bytes == Sizes.GiB).ToList();
        if (oneGiB.Count > 0 && oneGiB.Max(r => r.PeakRssBytes) is { } peak1)
        {
            targets.Add(new Target($"Hoist server peak RSS <= 200 MiB at 1 GiB, {context.Parallel} in flight", peak1 <= 200 * Sizes.MiB, $"{MiB(peak1)} MiB"));
            if (hoistRuns.Where(r => r.Bytes == 4 * Sizes.GiB).Select(r => r.PeakRssBytes).Max() is { } peak4)
            {
                // Allow 10% for the GC's noise: a leak of the file's size would be 3 GiB here, not 20 MiB.
                targets.Add(new Target("Hoist peak RSS no higher at 4 GiB than at 1 GiB (within 10%)", peak4 <= peak1 * 1.1, $"{MiB(peak1)} MiB at 1 GiB, {MiB(peak4)} MiB at 4 GiB"));
            }
        }
        return targets;
    }

    private static Summary? Find(IReadOnlyList<Summary> s, string config) => s.FirstOrDefault(r => r.Config == config && r.Runs > 0);

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Where(v => !double.IsNaN(v)).Order().ToList();
        return sorted.Count == 0 ? double.NaN
            : sorted.Count % 2 == 1 ? sorted[sorted.Count / 2]
            : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
    }

    private static string Fmt(double? value) => value is { } v && !double.IsNaN(v) ? v.ToString("F2", CultureInfo.InvariantCulture) : "–";

    private static string MiB(long? bytes) => bytes is { } b ? (b / (double)Sizes.MiB).ToString("F0", CultureInfo.InvariantCulture) : "–";

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}

internal sealed record Summary(string Config, string Description, int Runs, int Failed, long Bytes, double WallSeconds, double MiBPerSecond,
    double ClientCpuPerGiB, double ProxyCpuPerGiB, double RgwCpuPerGiB, double OsdCpuPerGiB, long? PeakRssBytes, double OtherCpuSeconds, double Load);

internal sealed record Target(string Name, bool Met, string Measured);
