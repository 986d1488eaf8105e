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
    private readonly List<RunRecord> _smallFiles = [];
    private readonly List<RunRecord> _sweep = [];
    private readonly DateTimeOffset _started = DateTimeOffset.UtcNow;

    public string Machine { get; } = MachineInfo.Describe();

    public LoadResult? Load { get; set; }

    /// <summary>Sweep steps that did not run (over the budget, too little free space).</summary>
    public List<SweepSkip> Skipped { get; } = [];

    public long? SweepBudget { get; set; }

    public void Add(RunRecord run)
    {
        _runs.Add(run);
        Progress(run);
    }

    public void AddSmallFiles(RunRecord run)
    {
        _smallFiles.Add(run);
        Progress(run);
    }

    public void AddSweep(RunRecord run)
    {
        _sweep.Add(run);
        Progress(run);
    }

    private static void Progress(RunRecord run) =>
        Console.WriteLine(run.Ok
            ? Invariant($"  {run.Config,-23} #{run.Round}  {run.WallSeconds,6:F2} s  {run.MiBPerSecond,6:F1} MiB/s{(run.Files is { } f ? Invariant($"  {f} files {run.FilesPerSecond:F1}/s") : "")}  client {run.ClientCpuSeconds,5:F2}  proxy {Fmt(run.ProxyCpuSeconds),5}  rgw {Fmt(run.RgwCpuSeconds),5}  osd {Fmt(run.OsdCpuSeconds),5} CPU-s  peak {MiB(run.ProxyPeakRssBytes),4} MiB  other {run.OtherCpuSeconds,5:F1} CPU-s  load {run.LoadBefore:F1}")
            : $"  {run.Config,-23} #{run.Round}  FAILED: {run.Error}");

    /// <summary>The small-files run per configuration: medians, CPU in milliseconds per file.</summary>
    public IReadOnlyList<SmallFilesSummary> SmallFilesSummaries() =>
        _smallFiles.GroupBy(r => r.Config).Select(g =>
        {
            var ok = g.Where(r => r.Ok).ToList();
            double PerFile(Func<RunRecord, double?> f) => Median(ok.Select(r => f(r) is { } v ? v * 1000 / (r.Files ?? 1) : double.NaN));
            return new SmallFilesSummary(g.Key, ok.Count, g.Count() - ok.Count, ok.FirstOrDefault()?.Files ?? 0, ok.FirstOrDefault()?.Concurrency ?? 0,
                Median(ok.Select(r => r.WallSeconds)), Median(ok.Select(r => r.FilesPerSecond)),
                PerFile(r => r.ProxyCpuSeconds), PerFile(r => r.RgwCpuSeconds), PerFile(r => r.OsdCpuSeconds), PerFile(r => r.ClientCpuSeconds),
                ok.Max(r => r.ProxyPeakRssBytes), Median(ok.Select(r => r.OtherCpuSeconds)), ok.LastOrDefault()?.Detail);
        }).ToList();

    /// <summary>The sweep per step (size x uploads at once): medians; peak RSS is the highest VmHWM of its runs.</summary>
    public IReadOnlyList<SweepStep> SweepSteps() =>
        _sweep.GroupBy(r => r.Config).Select(g =>
        {
            var ok = g.Where(r => r.Ok).ToList();
            var first = g.First();
            var files = first.Files ?? 1;
            return new SweepStep(first.Bytes / files, first.Concurrency ?? 1, files, first.Bytes, ok.Count, g.Count() - ok.Count,
                Median(ok.Select(r => r.WallSeconds)), Median(ok.Select(r => r.MiBPerSecond)), Median(ok.Select(r => r.FilesPerSecond)),
                Median(ok.Select(r => r.ProxyCpuSeconds is { } v ? v / (r.Bytes / (double)Sizes.GiB) : double.NaN)),
                ok.Max(r => r.ProxyPeakRssBytes), ok.Max(r => r.ProxySampledPeakRssBytes), Median(ok.Select(r => r.OtherCpuSeconds)), Median(ok.Select(r => r.LoadBefore)),
                ok.LastOrDefault()?.Detail);
        }).OrderBy(s => s.FileSize).ThenBy(s => s.Concurrency).ToList();

    /// <summary>
    /// Least-squares lines through the sweep's peak RSS: against uploads at once for each file size
    /// (MiB per concurrent upload), and against the file size for each concurrency (MiB per GiB of file).
    /// </summary>
    public MemoryFits FitMemory()
    {
        var steps = SweepSteps().Where(s => s.Runs > 0 && s.PeakRssBytes is not null).ToList();
        // Steps come ordered by size, then concurrency: First/Last are the smallest and largest.
        var perUpload = steps.GroupBy(s => s.FileSize).Where(g => g.Select(s => s.Concurrency).Distinct().Count() >= 2)
            .Select(g => new MemoryFit(g.Key, null, Fit(g.Select(s => ((double)s.Concurrency, s.PeakRssBytes!.Value / (double)Sizes.MiB))), g.Count(),
                g.First().PeakRssBytes!.Value, g.Last().PeakRssBytes!.Value))
            .ToList();
        // Below the in-flight window (parts in flight x part size) an upload holds its whole file, so memory
        // rises with the size by design; "flat in the size" is about the files that fill the window.
        var window = (long)context.Parallel * context.PartSize;
        var perSize = steps.Where(s => s.FileSize >= window).GroupBy(s => s.Concurrency).Where(g => g.Select(s => s.FileSize).Distinct().Count() >= 2)
            .Select(g => new MemoryFit(null, g.Key, Fit(g.Select(s => (s.FileSize / (double)Sizes.GiB, s.PeakRssBytes!.Value / (double)Sizes.MiB))), g.Count(),
                g.First().PeakRssBytes!.Value, g.Last().PeakRssBytes!.Value, g.First().FileSize, g.Last().FileSize))
            .ToList();
        return new MemoryFits(perUpload, perSize);
    }

    private static (double Slope, double Intercept) Fit(IEnumerable<(double X, double Y)> points)
    {
        var p = points.ToList();
        var (mx, my) = (p.Average(q => q.X), p.Average(q => q.Y));
        var sxx = p.Sum(q => (q.X - mx) * (q.X - mx));
        var slope = sxx == 0 ? double.NaN : p.Sum(q => (q.X - mx) * (q.Y - my)) / sxx;
        return (slope, my - (slope * mx));
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
        text.AppendLine($"Machine: {Machine}");
        if (s.Count > 0)
        {
            text.AppendLine(Invariant($"Medians of {runs} interleaved runs; CPU in CPU-seconds per GiB; peak RSS = the proxy's VmHWM ({servers}; warm-up {Sizes.Label(context.WarmUpSize)})."));
            text.AppendLine(Invariant($"| config | runs | wall s | MiB/s | client CPU | proxy CPU | radosgw | ceph-osd | proxy peak RSS MiB | other CPU-s | load 1m |"));
            text.AppendLine("|---|---|---|---|---|---|---|---|---|---|---|");
            foreach (var row in s)
            {
                text.AppendLine(Invariant($"| {row.Description} | {row.Runs}{Failed(row.Failed)} | {row.WallSeconds:F2} | {row.MiBPerSecond:F1} | {Fmt(row.ClientCpuPerGiB)} | {Fmt(row.ProxyCpuPerGiB)} | {Fmt(row.RgwCpuPerGiB)} | {Fmt(row.OsdCpuPerGiB)} | {MiB(row.PeakRssBytes)} | {row.OtherCpuSeconds:F1} | {row.Load:F1} |"));
            }
        }
        RenderSmallFiles(text, servers);
        RenderSweep(text);
        RenderCapacity(text);
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

    private void RenderSmallFiles(StringBuilder text, string servers)
    {
        var small = SmallFilesSummaries();
        if (small.Count == 0)
        {
            return;
        }
        var first = small[0];
        text.AppendLine();
        text.AppendLine(Invariant($"Small files: {first.Files} files of {Sizes.Label(_smallFiles[0].Bytes / Math.Max(1, first.Files))}, {first.Concurrency} at a time, on S3; medians of {small.Max(r => r.Runs + r.Failed)} interleaved rounds ({servers}). CPU in milliseconds per file; the server's from /proc/PID/stat."));
        text.AppendLine("| config | runs | wall s | files/s | server CPU ms/file | radosgw ms/file | ceph-osd ms/file | client CPU ms/file | server peak RSS MiB | other CPU-s | client says |");
        text.AppendLine("|---|---|---|---|---|---|---|---|---|---|---|");
        foreach (var row in small)
        {
            text.AppendLine(Invariant($"| {Configurations.Describe(row.Config, context)} | {row.Runs}{Failed(row.Failed)} | {row.WallSeconds:F2} | {row.FilesPerSecond:F1} | {Fmt(row.ServerCpuMsPerFile)} | {Fmt(row.RgwCpuMsPerFile)} | {Fmt(row.OsdCpuMsPerFile)} | {Fmt(row.ClientCpuMsPerFile)} | {MiB(row.PeakRssBytes)} | {row.OtherCpuSeconds:F1} | {row.ClientDetail} |"));
        }
        var ratios = SmallFilesRatios(small);
        if (ratios.Count > 0)
        {
            text.AppendLine("Ratios: " + string.Join(", ", ratios.Select(r => Invariant($"{r.Key} = {r.Value:F2}"))));
        }
    }

    private static Dictionary<string, double> SmallFilesRatios(IReadOnlyList<SmallFilesSummary> small)
    {
        var ratios = new Dictionary<string, double>();
        var hoist = small.FirstOrDefault(r => r.Config == SmallFilesRun.Hoist && r.Runs > 0);
        var direct = small.FirstOrDefault(r => r.Config == SmallFilesRun.Direct && r.Runs > 0);
        var tus = small.FirstOrDefault(r => r.Config == SmallFilesRun.Tus && r.Runs > 0);
        if (hoist is not null && direct is not null)
        {
            ratios["files/s hoist/direct"] = hoist.FilesPerSecond / direct.FilesPerSecond;
        }
        if (hoist is not null && tus is not null)
        {
            ratios["files/s hoist/tus"] = hoist.FilesPerSecond / tus.FilesPerSecond;
            ratios["server CPU per file hoist/tus"] = hoist.ServerCpuMsPerFile / tus.ServerCpuMsPerFile;
        }
        return ratios;
    }

    private void RenderSweep(StringBuilder text)
    {
        var steps = SweepSteps();
        if (steps.Count == 0 && Skipped.Count == 0)
        {
            return;
        }
        text.AppendLine();
        text.AppendLine(Invariant($"Sweep: Hoist on S3, each upload with {context.Parallel} parts of {Sizes.Label(context.PartSize)} in flight; a fresh server per step, so peak RSS is its VmHWM (start, {Sizes.Label(context.WarmUpSize)} warm-up, the step). CPU in CPU-seconds per GiB."));
        text.AppendLine("| file size | uploads at once | files | data | runs | wall s | MiB/s | files/s | server CPU-s/GiB | server peak RSS MiB | sampled peak MiB | other CPU-s | load 1m | client says |");
        text.AppendLine("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|");
        foreach (var step in steps)
        {
            text.AppendLine(Invariant($"| {Sizes.Label(step.FileSize)} | {step.Concurrency} | {step.Files} | {Sizes.Label(step.Bytes)} | {step.Runs}{Failed(step.Failed)} | {step.WallSeconds:F2} | {step.MiBPerSecond:F1} | {step.FilesPerSecond:F1} | {Fmt(step.ServerCpuPerGiB)} | {MiB(step.PeakRssBytes)} | {MiB(step.SampledPeakRssBytes)} | {step.OtherCpuSeconds:F1} | {step.Load:F1} | {step.ClientDetail} |"));
        }
        foreach (var skip in Skipped)
        {
            text.AppendLine(Invariant($"  skipped {Sizes.Label(skip.Size)} x {skip.Concurrency}: {skip.Reason}"));
        }
        var fits = FitMemory();
        foreach (var fit in fits.PerUpload)
        {
            text.AppendLine(Invariant($"Memory per concurrent upload at {Sizes.Label(fit.FileSize!.Value)}: {fit.Slope:F1} MiB per upload ({fit.Points} steps; peak RSS ≈ {fit.Intercept:F0} MiB + {fit.Slope:F1} MiB x uploads at once)"));
        }
        foreach (var fit in fits.PerSize)
        {
            text.AppendLine(Invariant($"Memory vs file size at {fit.Concurrency} upload(s) at once: {MiB(fit.FirstBytes)} MiB at {Sizes.Label(fit.SmallestFile!.Value)}, {MiB(fit.LastBytes)} MiB at {Sizes.Label(fit.LargestFile!.Value)} ({fit.Points} sizes at or above the {Sizes.Label((long)context.Parallel * context.PartSize)} in flight; fitted {fit.Slope:F1} MiB per GiB of file): {(fit.Flat ? "flat (the largest within 10% of the smallest)" : "GROWS with the file")}"));
        }
    }

    /// <summary>1 Gbit/s in GiB/s: cores per Gbit/s = this x CPU-seconds per GiB.</summary>
    private const double GiBPerSecondPerGbit = 1e9 / 8 / Sizes.GiB;

    /// <summary>The per-instance figures the README's Capacity section turns into sizing.</summary>
    private void RenderCapacity(StringBuilder text)
    {
        var lines = new List<string>();
        // CPU per GiB where per-request costs weigh least: the largest file, the most uploads at once.
        if (SweepSteps().Where(st => st.Runs > 0).OrderBy(st => st.FileSize).ThenBy(st => st.Concurrency).LastOrDefault() is { } big)
        {
            lines.Add(Invariant($"server {big.ServerCpuPerGiB:F2} CPU-s per GiB ({Sizes.Label(big.FileSize)} x {big.Concurrency}): {GiBPerSecondPerGbit * big.ServerCpuPerGiB:F2} cores per Gbit/s of uploads, busy"));
        }
        if (FitMemory().PerUpload.OrderBy(f => f.FileSize).LastOrDefault() is { } fit)
        {
            lines.Add(Invariant($"memory ≈ {fit.Intercept:F0} MiB + {fit.Slope:F1} MiB per concurrent upload ({Sizes.Label(fit.FileSize!.Value)} files, {context.Parallel} parts in flight each)"));
        }
        if (SmallFilesSummaries().FirstOrDefault(r => r.Config == SmallFilesRun.Hoist && r.Runs > 0) is { } small)
        {
            lines.Add(Invariant($"small files: {small.ServerCpuMsPerFile:F1} server CPU-ms per file: {1000 / small.ServerCpuMsPerFile:F0} files/s per busy core"));
        }
        if (lines.Count > 0)
        {
            text.AppendLine();
            text.AppendLine("Capacity inputs (README, Capacity): " + string.Join("; ", lines));
        }
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
            smallFiles = new { summaries = SmallFilesSummaries(), ratios = SmallFilesRatios(SmallFilesSummaries()), runRecords = _smallFiles },
            sweep = new { budget = SweepBudget, steps = SweepSteps(), skipped = Skipped, memory = FitMemory(), runRecords = _sweep },
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
        if (Find(s, Configurations.HoistDirect) is { } hoistDirect && Find(s, Configurations.Direct) is { } direct)
        {
            ratios[$"{Configurations.HoistDirect}/{Configurations.Direct}"] = hoistDirect.MiBPerSecond / direct.MiBPerSecond;
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
        Ratio("hoist/direct", 0.8, "Hoist at >= 0.8 x direct (hoist/direct >= 0.8)");
        Ratio("hoist/tus-stream", 1.15, "Hoist >= 1.15 x @tus/server streaming (hoist/tus-stream >= 1.15)");
        Ratio("hoist/tus-chunked", 3, "Hoist >= 3 x @tus/server 8 MiB chunks (hoist/tus-chunked >= 3)");
        Ratio("fs-hoist/cp+fsync", 0.4, "Hoist on the FileSystem store >= 0.4 x cp + fsync (fs-hoist/cp+fsync >= 0.4)");
        if (Find(s, "fs-hoist") is { } fs)
        {
            targets.Add(new Target("Hoist server on the FileSystem store <= 3 CPU-s per GiB", fs.ProxyCpuPerGiB <= 3, Invariant($"{fs.ProxyCpuPerGiB:F2} CPU-s/GiB")));
        }
        foreach (var key in ratios.Keys.Where(k => k.StartsWith(PageRun.Page, StringComparison.Ordinal)).ToList())
        {
            Ratio(key, 0.8, $"the page >= 0.8 x the CLI on the same server ({key} >= 0.8)");
        }
        var hoistRuns = s.Where(r => Configurations.IsHoistOnS3(r.Config)).ToList();
        if (hoistRuns.Count > 0)
        {
            var worst = hoistRuns.Max(r => r.ProxyCpuPerGiB);
            targets.Add(new Target("Hoist server <= 2.5 CPU-s per GiB on S3, every byte verified", worst <= 2.5, Invariant($"{string.Join(", ", hoistRuns.Select(r => $"{r.Config}: {r.ProxyCpuPerGiB:F2}"))} CPU-s/GiB")));
        }
        var oneGiB = hoistRuns.Where(r => r.Bytes == Sizes.GiB).ToList();
        if (oneGiB.Count > 0 && oneGiB.Max(r => r.PeakRssBytes) is { } peak1)
        {
            targets.Add(new Target($"Hoist server peak RSS <= 200 MiB at 1 GiB, {context.Parallel} in flight", peak1 <= 200 * Sizes.MiB, $"{MiB(peak1)} MiB"));
        }
        foreach (var fit in FitMemory().PerSize)
        {
            targets.Add(new Target($"Hoist peak RSS flat in the file size at {fit.Concurrency} upload(s) at once (sweep, files that fill the parts in flight: the largest file's within 10% of the smallest's)", fit.Flat,
                $"{MiB(fit.FirstBytes)} MiB at {Sizes.Label(fit.SmallestFile!.Value)}, {MiB(fit.LastBytes)} MiB at {Sizes.Label(fit.LargestFile!.Value)}"));
        }
        var small = SmallFilesRatios(SmallFilesSummaries());
        if (small.TryGetValue("files/s hoist/direct", out var direct))
        {
            targets.Add(new Target("Small files: Hoist >= 0.5 x direct PutObject (files/s)", direct >= 0.5, Invariant($"hoist/direct = {direct:F2}")));
        }
        if (small.TryGetValue("files/s hoist/tus", out var tus))
        {
            targets.Add(new Target("Small files: Hoist >= 2 x @tus/server creation-with-upload (files/s)", tus >= 2, Invariant($"hoist/tus = {tus:F2}")));
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

    private static string Failed(int failed) => failed > 0 ? $" ({failed} failed)" : "";

    private static string Fmt(double? value) => value is { } v && !double.IsNaN(v) ? v.ToString("F2", CultureInfo.InvariantCulture) : "–";

    private static string MiB(long? bytes) => bytes is { } b ? (b / (double)Sizes.MiB).ToString("F0", CultureInfo.InvariantCulture) : "–";

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}

internal sealed record Summary(string Config, string Description, int Runs, int Failed, long Bytes, double WallSeconds, double MiBPerSecond,
    double ClientCpuPerGiB, double ProxyCpuPerGiB, double RgwCpuPerGiB, double OsdCpuPerGiB, long? PeakRssBytes, double OtherCpuSeconds, double Load);

internal sealed record Target(string Name, bool Met, string Measured);

internal sealed record SmallFilesSummary(string Config, int Runs, int Failed, int Files, int Concurrency, double WallSeconds, double FilesPerSecond,
    double ServerCpuMsPerFile, double RgwCpuMsPerFile, double OsdCpuMsPerFile, double ClientCpuMsPerFile, long? PeakRssBytes, double OtherCpuSeconds, string? ClientDetail);

internal sealed record SweepStep(long FileSize, int Concurrency, int Files, long Bytes, int Runs, int Failed, double WallSeconds, double MiBPerSecond,
    double FilesPerSecond, double ServerCpuPerGiB, long? PeakRssBytes, long? SampledPeakRssBytes, double OtherCpuSeconds, double Load, string? ClientDetail);

/// <summary>
/// A line through peak RSS (MiB): against uploads at once at one <see cref="FileSize"/>, or against GiB of file at one
/// <see cref="Concurrency"/>; <see cref="FirstBytes"/> and <see cref="LastBytes"/> are the peaks at the lowest and highest x.
/// </summary>
internal sealed record MemoryFit(long? FileSize, int? Concurrency, [property: JsonIgnore] (double Slope, double Intercept) Line, int Points,
    long FirstBytes, long LastBytes, long? SmallestFile = null, long? LargestFile = null)
{
    public double Slope => Line.Slope;
    public double Intercept => Line.Intercept;
    /// <summary>Memory does not grow with x: the peak at the highest x is at most 10% above the peak at the lowest.</summary>
    public bool Flat => LastBytes <= FirstBytes * 1.1;
}

internal sealed record MemoryFits(IReadOnlyList<MemoryFit> PerUpload, IReadOnlyList<MemoryFit> PerSize);
