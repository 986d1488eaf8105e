namespace Hoist.Bench.Runs;

/// <summary>One measured upload (or copy). CPU figures are seconds for the whole run; per GiB is computed in the summary.</summary>
internal sealed record RunRecord
{
    public required string Config { get; init; }
    public required int Round { get; init; }
    public required long Bytes { get; init; }
    /// <summary>Files uploaded in this run (the small-files run and the sweep; null: one file).</summary>
    public int? Files { get; init; }
    /// <summary>Uploads at once (the small-files run and the sweep).</summary>
    public int? Concurrency { get; init; }
    public double WallSeconds { get; init; } = double.NaN;
    /// <summary>The client process's CPU during the upload (self-measured: no process start, no JIT of start-up).</summary>
    public double ClientCpuSeconds { get; init; } = double.NaN;
    /// <summary>The client process's CPU from start to exit (its parent's cutime).</summary>
    public double ClientProcessCpuSeconds { get; init; } = double.NaN;
    public double? ProxyCpuSeconds { get; init; }
    public double? RgwCpuSeconds { get; init; }
    public double? OsdCpuSeconds { get; init; }
    public double? MonCpuSeconds { get; init; }
    /// <summary>Highest VmRSS sampled every 50 ms during the measured upload.</summary>
    public long? ProxySampledPeakRssBytes { get; init; }
    /// <summary>VmHWM: the proxy's peak resident memory since its start (start, warm-up and measured upload).</summary>
    public long? ProxyPeakRssBytes { get; init; }
    /// <summary>Busy CPU of the machine not spent by the processes measured here: other work on a shared machine.</summary>
    public double OtherCpuSeconds { get; init; } = double.NaN;
    public double StealSeconds { get; init; } = double.NaN;
    public double LoadBefore { get; init; } = double.NaN;
    public double LoadAfter { get; init; } = double.NaN;
    public string? Detail { get; init; }
    public string? Error { get; init; }

    public double MiBPerSecond => Bytes / (double)Sizes.MiB / WallSeconds;

    public double FilesPerSecond => (Files ?? 1) / WallSeconds;

    public bool Ok => Error is null && WallSeconds > 0;
}
