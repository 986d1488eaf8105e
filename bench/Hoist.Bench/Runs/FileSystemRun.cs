using Hoist.Bench.Clients;
using Hoist.Bench.Report;

namespace Hoist.Bench.Runs;

/// <summary>
/// Hoist on its embedded FileSystem store against a plain copy of the same file to the same disk.
/// The store writes each part where it belongs in the object's file (fsync per part) and completes by
/// renaming it: each byte is written once, so "cp, then fsync" is the fair floor and plain cp the
/// page-cache ceiling.
/// </summary>
internal static class FileSystemRun
{
    public static async Task RunAsync(BenchContext context, BenchResults results, long size, int runs)
    {
        var file = context.RandomFile(size, $"random-{size}.bin");
        Console.WriteLine($"\n== FileSystem store vs copy: {runs} rounds, {Sizes.Label(size)}, in {context.WorkDir} ==");
        var root = Path.Combine(context.WorkDir, "fs-store");
        DeleteQuietly(root);
        try
        {
            // One server for all rounds, as for the S3 configurations: round 1 carries its JIT, the
            // median shows the steady cost.
            await using var servers = new ServerPool(perRun: false);
            for (var round = 1; round <= runs; round++)
            {
                results.Add(await Configurations.HoistAsync(context, servers, () => context.HoistServerEnvironment("FileSystem", root), "fs-hoist", round, file));
                // Each round's object goes before the copies: gigabytes left on the disk slowed the next
                // rounds (cp without fsync took 2 CPU-s per GiB instead of 0.3 once 2 GiB were kept).
                DeleteObjects(root);
                results.Add(await CopyAsync(context, "cp", round, file, "cp -- \"$1\" \"$2\""));
                results.Add(await CopyAsync(context, "cp+fsync", round, file, "cp -- \"$1\" \"$2\" && sync -- \"$2\""));
            }
        }
        finally
        {
            DeleteQuietly(root);
        }
    }

    private static async Task<RunRecord> CopyAsync(BenchContext context, string config, int round, string file, string script)
    {
        var target = Path.Combine(context.WorkDir, "copy.bin");
        try
        {
            // The orchestrator times the copy; the report's zero wall says so. CPU is cp's, from cutime.
            return await context.MeasureAsync(config, round, new FileInfo(file).Length, null,
                () => context.ClientAsync("bash", "-c", script + " && echo '{\"bytes\":" + BenchContext.Str(new FileInfo(file).Length) + ",\"wallSeconds\":0,\"cpuSeconds\":0}'", "copy", file, target));
        }
        finally
        {
            DeleteQuietly(target);
        }
    }

    /// <summary>The store's objects (everything but its reserved .hoist folder, which the running server keeps using).</summary>
    private static void DeleteObjects(string root)
    {
        foreach (var entry in new DirectoryInfo(root).EnumerateFileSystemInfos())
        {
            if (entry.Name != ".hoist")
            {
                DeleteQuietly(entry.FullName);
            }
        }
    }

    private static void DeleteQuietly(string path)
    {
        if (Directory.Exists(path))
        {
            Directory.Delete(path, recursive: true);
        }
        else if (File.Exists(path))
        {
            File.Delete(path);
        }
    }
}
