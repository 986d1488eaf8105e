using System.Diagnostics;
using System.Security.Cryptography;
using System.Text.Json;
using Hoist.Bench.Clients;
using Hoist.Bench.Measure;
using Hoist.Testing;

namespace Hoist.Bench.Runs;

/// <summary>Where everything is, and how one run is measured: CPU of every process involved, the proxy's memory, the machine's other load.</summary>
internal sealed class BenchContext
{
    public required string ServerDll { get; init; }
    public required string TusDir { get; init; }
    public required string WorkDir { get; init; }
    public required string LogPath { get; init; }
    public required string RunId { get; init; }
    public S3TestSettings? S3 { get; init; }
    public string? CephConf { get; init; }
    public int? RgwPid { get; init; }
    public int? OsdPid { get; init; }
    public int? MonPid { get; init; }
    public int Parallel { get; init; } = 4;
    public long PartSize { get; init; } = 8 * Sizes.MiB;
    public string DirectMode { get; init; } = "presigned";
    /// <summary>What each fresh proxy uploads before the measured run (0: nothing).</summary>
    public long WarmUpSize { get; init; } = 24 * Sizes.MiB;
    /// <summary>Extra environment of the Hoist server (experiments: DOTNET_gcServer=0, ...).</summary>
    public Dictionary<string, string> ServerEnvironment { get; init; } = [];

    public static string Dotnet => Environment.ProcessPath is { } path && Path.GetFileNameWithoutExtension(path) == "dotnet" ? path : "dotnet";

    public static string BenchDll => typeof(BenchContext).Assembly.Location;

    public S3TestSettings RequireS3() => S3 ?? throw new BenchArgsException("This mode needs the S3 server: run it through bench/run.sh.");

    /// <summary>Every key of this invocation starts with this: one prefix to clean.</summary>
    public string KeyPrefix => $"bench-{RunId}-";

    /// <summary>A file of random bytes, made once and kept in the work folder for later invocations.</summary>
    public string RandomFile(long size, string name)
    {
        var path = Path.Combine(WorkDir, name);
        if (!HasSize(path, size))
        {
            Console.Error.WriteLine($"  making {Sizes.Label(size)} of random bytes: {path}");
            WriteRandom(path, size);
        }
        return path;
    }

    /// <summary><paramref name="count"/> files of random bytes in <paramref name="folder"/> of the work folder, made once (file-00001.bin, ...).</summary>
    public IReadOnlyList<string> RandomFiles(int count, long size, string folder)
    {
        var directory = Directory.CreateDirectory(Path.Combine(WorkDir, folder)).FullName;
        var paths = Enumerable.Range(1, count).Select(i => Path.Combine(directory, $"file-{i:D5}.bin")).ToList();
        var missing = paths.Where(p => !HasSize(p, size)).ToList();
        if (missing.Count > 0)
        {
            Console.Error.WriteLine($"  making {missing.Count} files of {Sizes.Label(size)} of random bytes: {directory}");
            missing.ForEach(p => WriteRandom(p, size));
        }
        return paths;
    }

    private static bool HasSize(string path, long size) => File.Exists(path) && new FileInfo(path).Length == size;

    private static void WriteRandom(string path, long size)
    {
        var buffer = new byte[Math.Min(4 * Sizes.MiB, Math.Max(size, 1))];
        using (var file = new FileStream(path + ".tmp", FileMode.Create, FileAccess.Write, FileShare.None, 1))
        {
            for (long written = 0; written < size; written += buffer.Length)
            {
                RandomNumberGenerator.Fill(buffer);
                file.Write(buffer, 0, (int)Math.Min(buffer.Length, size - written));
            }
        }
        File.Move(path + ".tmp", path, overwrite: true);
    }

    public string WarmUpFile() => RandomFile(WarmUpSize, $"warm-up-{WarmUpSize}.bin");

    public Dictionary<string, string> HoistServerEnvironment(string provider, string storePrefixOrRoot)
    {
        var env = new Dictionary<string, string>
        {
            ["Hoist__Storage__Provider"] = provider,
            ["Hoist__Uploads__PreferredPartSize"] = PartSize.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Hoist__Uploads__SweepInterval"] = "00:00:00",
            ["Hoist__Uploads__MaxConcurrentUploadsPerOwner"] = "0",
            ["Hoist__RateLimits__RequestsPerMinutePerOwner"] = "0",
            ["Hoist__RateLimits__RequestsPerMinutePerAddress"] = "0",
            // One bench client is one owner at one address: the fairness caps between clients would only
            // refuse its parts (429) and measure the retries. The store-write cap per instance stays.
            ["Hoist__Limits__MaxPartsInFlightPerOwner"] = "0",
            ["Hoist__Limits__MaxPartsInFlightPerAddress"] = "0",
            ["Hoist__Tokens__SigningKey"] = Convert.ToHexString(RandomNumberGenerator.GetBytes(32)),
        };
        if (provider == "S3")
        {
            foreach (var (name, value) in RequireS3().ToEnvironment())
            {
                env[name] = value;
            }
            env["Hoist__Storage__S3__Prefix"] = storePrefixOrRoot;
        }
        else
        {
            env["Hoist__Storage__FileSystem__Root"] = storePrefixOrRoot;
        }
        foreach (var (name, value) in ServerEnvironment)
        {
            env[name] = value;
        }
        return env;
    }

    public async Task<ProxyProcess> StartHoistAsync(Dictionary<string, string> environment)
    {
        var port = ChildProcess.FreePort();
        return await ProxyProcess.StartAsync(Dotnet, [ServerDll, "--urls", $"http://127.0.0.1:{port}"], environment,
            Path.GetDirectoryName(ServerDll)!, port, "healthz", anyStatus: false, LogPath);
    }

    public async Task<ProxyProcess> StartTusAsync(string idPrefix)
    {
        var port = ChildProcess.FreePort();
        return await ProxyProcess.StartAsync("node", ["server.mjs", port.ToString(System.Globalization.CultureInfo.InvariantCulture), idPrefix],
            RequireS3().ToEnvironment(), TusDir, port, "files", anyStatus: true, LogPath);
    }

    /// <summary>Runs a client process; its JSON report is its last line.</summary>
    public async Task<ClientReport> ClientAsync(string fileName, params string[] arguments)
    {
        var line = await ClientProcess.RunAsync(fileName, arguments, null, LogPath, TimeSpan.FromMinutes(30));
        return JsonSerializer.Deserialize<ClientReport>(line, ClientReport.Json) ?? throw new InvalidOperationException($"Unreadable report: {line}");
    }

    public Task<ClientReport> HoistClientAsync(ProxyProcess server, string file, int? parallel = null) =>
        ClientAsync(Dotnet, [BenchDll, "hoist", "--server", server.Url.ToString(), "--file", file, "--parallel", Str(parallel ?? Parallel),
            .. (AllowUnverified ? ["--allow-unverified"] : Array.Empty<string>())]);

    /// <summary>Accept an upload whose whole-file checksum the server could not answer (experiments only).</summary>
    public bool AllowUnverified { get; init; }

    public Task<ClientReport> TusClientAsync(ProxyProcess server, string file, string chunk) =>
        ClientAsync("node", Path.Combine(TusDir, "client.mjs"), new Uri(server.Url, "files/").ToString(), file, chunk);

    /// <summary>Many Hoist uploads from one client process: <paramref name="input"/> is ["--dir", D] or ["--file", F, "--copies", N].</summary>
    public Task<ClientReport> HoistManyClientAsync(ProxyProcess server, string[] input, int concurrency) =>
        ClientAsync(Dotnet, [BenchDll, "many", "--target", "hoist", "--server", server.Url.ToString(), "--concurrency", Str(concurrency), "--parallel", Str(Parallel), .. input]);

    /// <summary>Many PutObjects straight to S3 from one client process, under <paramref name="keyPrefix"/>.</summary>
    public Task<ClientReport> DirectManyClientAsync(string keyPrefix, string[] input, int concurrency) =>
        ClientAsync(Dotnet, [BenchDll, "many", "--target", "direct", "--key-prefix", keyPrefix, "--concurrency", Str(concurrency), .. input]);

    /// <summary>Every file of <paramref name="folder"/> to @tus/server, <paramref name="concurrency"/> at a time, each by creation-with-upload.</summary>
    public Task<ClientReport> TusManyClientAsync(ProxyProcess server, string folder, int concurrency) =>
        ClientAsync("node", Path.Combine(TusDir, "client.mjs"), new Uri(server.Url, "files/").ToString(), folder, "Infinity", Str(concurrency));

    public Task<ClientReport> DirectClientAsync(string file, string key, string mode) =>
        ClientAsync(Dotnet, BenchDll, "direct", "--file", file, "--key", key, "--mode", mode, "--parallel", Str(Parallel), "--part-size", Str(PartSize));

    /// <summary>
    /// Measures one run: CPU of the client process (self-reported for the upload, and whole from
    /// cutime), of the proxy and the S3 daemons from /proc/PID/stat before and after, the proxy's
    /// memory, and the machine's busy CPU that none of these account for.
    /// </summary>
    public async Task<RunRecord> MeasureAsync(string config, int round, long bytes, ProxyProcess? proxy, Func<Task<ClientReport>> client)
    {
        var self = Environment.ProcessId;
        var load0 = ProcStat.LoadAverage();
        var (busy0, steal0) = ProcStat.MachineCpuSeconds();
        var children0 = ProcStat.ChildrenCpuSeconds(self);
        var self0 = ProcStat.CpuSeconds(self);
        var proxy0 = proxy is null ? 0 : ProcStat.CpuSeconds(proxy.Pid);
        var (rgw0, osd0, mon0) = (Cpu(RgwPid), Cpu(OsdPid), Cpu(MonPid));
        var sampler = proxy is null ? null : new RssSampler(proxy.Pid);
        var clock = Stopwatch.StartNew();
        ClientReport report;
        try
        {
            report = await client();
        }
        catch (Exception e) when (e is InvalidOperationException or TimeoutException or IOException or HttpRequestException)
        {
            if (sampler is not null)
            {
                await sampler.DisposeAsync();
            }
            return new RunRecord { Config = config, Round = round, Bytes = bytes, Error = e.Message, LoadBefore = load0 };
        }
        var wall = clock.Elapsed.TotalSeconds;
        long? sampled = null;
        if (sampler is not null)
        {
            await sampler.DisposeAsync();
            sampled = sampler.PeakBytes;
        }
        var (busy1, steal1) = ProcStat.MachineCpuSeconds();
        var clientProcess = ProcStat.ChildrenCpuSeconds(self) - children0;
        var selfCpu = ProcStat.CpuSeconds(self) - self0;
        var proxyCpu = proxy is null ? (double?)null : ProcStat.CpuSeconds(proxy.Pid) - proxy0;
        var (rgw, osd, mon) = (Cpu(RgwPid) - rgw0, Cpu(OsdPid) - osd0, Cpu(MonPid) - mon0);
        var other = busy1 - busy0 - clientProcess - selfCpu - (proxyCpu ?? 0) - (rgw ?? 0) - (osd ?? 0) - (mon ?? 0);
        return new RunRecord
        {
            Config = config,
            Round = round,
            Bytes = report.Bytes,
            Files = report.Files,
            // A client that reports its own upload time is timed without its process start.
            WallSeconds = report.WallSeconds > 0 ? report.WallSeconds : wall,
            ClientCpuSeconds = report.WallSeconds > 0 ? report.CpuSeconds : clientProcess,
            ClientProcessCpuSeconds = clientProcess,
            ProxyCpuSeconds = proxyCpu,
            RgwCpuSeconds = rgw,
            OsdCpuSeconds = osd,
            MonCpuSeconds = mon,
            ProxySampledPeakRssBytes = sampled,
            ProxyPeakRssBytes = proxy is null ? null : ProcStat.StatusBytes(proxy.Pid, "VmHWM"),
            OtherCpuSeconds = other,
            StealSeconds = steal1 - steal0,
            LoadBefore = load0,
            LoadAfter = ProcStat.LoadAverage(),
            Detail = report.Detail,
        };
    }

    /// <summary>Deletes this invocation's objects and uploads, and lets Ceph's GC settle before the next run.</summary>
    public async Task CleanS3Async()
    {
        if (S3 is null)
        {
            return;
        }
        using var s3 = S3.CreateS3Client();
        await BucketCleaner.CleanAsync(s3, S3.Bucket, KeyPrefix);
        await BucketCleaner.CollectGarbageAsync(CephConf);
    }

    public static string Str(long value) => value.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static double? Cpu(int? pid)
    {
        try
        {
            return pid is { } p ? ProcStat.CpuSeconds(p) : null;
        }
        catch (IOException)
        {
            return null;
        }
    }
}
