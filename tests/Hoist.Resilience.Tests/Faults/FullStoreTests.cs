using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using Hoist.Resilience.Tests.Support;

namespace Hoist.Resilience.Tests.Faults;

/// <summary>
/// A store that cannot take more bytes (a full disk under the file system store, a used-up quota on
/// S3) is a coded refusal clients do not retry, and leaves nothing partial; a store that hangs cannot
/// hold /readyz.
/// </summary>
public sealed class FullStoreTests : TimedTests
{
    private const int MiB = 1024 * 1024;

    public FullStoreTests()
        : base(TimeSpan.FromMinutes(2))
    {
    }

    [RootFact]
    public async Task A_full_disk_answers_507_insufficient_storage_keeps_nothing_partial_frees_the_space_and_still_completes_a_placed_upload()
    {
        await using var disk = await SmallDisk.MountAsync(12 * MiB, Ct);
        await using var app = new HoistApp(Settings(new()
        {
            ["Hoist:Storage:Provider"] = "FileSystem",
            ["Hoist:Storage:FileSystem:Root"] = disk.Path,
        }));
        using var api = app.CreateHoistClient();
        var parts = Enumerable.Range(1, 3).Select(n => TestData.Bytes(seed: 800 + n, TestData.PartSize)).ToList();

        // 12 MiB hold two 5 MiB parts, not a third.
        var upload = await api.CreateAsync("too-big.bin", 3L * TestData.PartSize, cancellationToken: Ct);
        await api.PutPartAsync(upload.UploadId, 1, parts[0], Ct);
        await api.PutPartAsync(upload.UploadId, 2, parts[1], Ct);
        var free = disk.FreeBytes;
        using (var refused = await api.PutPartRawAsync(upload.UploadId, 3, HoistClient.Part(parts[2], TestData.Sha256Base64(parts[2])), Ct))
        {
            var problem = await Problem.AssertAsync(refused, 507, "insufficient_storage");
            Assert.Null(refused.Headers.RetryAfter);
            Assert.Contains("full", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        }
        Assert.Equal([1, 2], (await api.ListPartsAsync(upload.UploadId, Ct)).Parts.Select(p => p.PartNumber));
        Assert.Empty(disk.TemporaryFiles());
        Assert.InRange(disk.FreeBytes, free - 64 * 1024, long.MaxValue); // the failed part's space is free again
        await AbortAsync(api, upload.UploadId);

        // A disk too full for a second copy of the file still completes it: the store placed the parts
        // where they belong in the object, so the complete renames instead of copying (docs/store-contract.md).
        var file = TestData.Bytes(seed: 810, 2 * TestData.PartSize + 10);
        var fits = await api.CreateAsync("completes-on-a-full-disk.bin", file.Length, cancellationToken: Ct);
        var pieces = TestData.Split(file, TestData.PartSize);
        for (var n = 1; n <= pieces.Count; n++)
        {
            await api.PutPartAsync(fits.UploadId, n, pieces[n - 1], Ct);
        }
        Assert.True(disk.FreeBytes < file.Length, $"The disk should be too full for a copy of the file: {disk.FreeBytes} bytes free.");
        await api.CompleteAsync(fits.UploadId, Ct);
        Assert.Empty(disk.TemporaryFiles());
        Assert.Equal(TestData.Sha256Hex(file), Convert.ToHexStringLower(SHA256.HashData(await File.ReadAllBytesAsync(Path.Combine(disk.Path, fits.Key), Ct))));
    }

    [Fact]
    public async Task A_used_up_S3_quota_answers_403_quota_exceeded_and_stores_nothing()
    {
        // A user of its own whose quota (4 MiB) is less than one part: the shared test user stays untouched.
        var quotaUser = await QuotaUserSettingsAsync("hoist-quota", 4 * MiB);
        await using var app = new HoistApp(Settings(quotaUser));
        using var api = app.CreateHoistClient();
        var part = TestData.Bytes(seed: 820, TestData.PartSize);
        var upload = await api.CreateAsync("over-quota.bin", TestData.PartSize + 10L, cancellationToken: Ct);

        using (var refused = await api.PutPartRawAsync(upload.UploadId, 1, HoistClient.Part(part, TestData.Sha256Base64(part)), Ct))
        {
            await Problem.AssertAsync(refused, 403, "quota_exceeded");
            Assert.Null(refused.Headers.RetryAfter);
        }

        Assert.Empty((await api.ListPartsAsync(upload.UploadId, Ct)).Parts);
        await AbortAsync(api, upload.UploadId);
    }

    [Fact]
    public async Task Readyz_answers_503_within_its_bound_when_the_store_hangs()
    {
        // An "S3 server" that takes connections and never answers.
        using var silent = new TcpListener(IPAddress.Loopback, 0);
        silent.Start();
        var held = new List<TcpClient>();
        _ = Task.Run(async () =>
        {
            while (!Ct.IsCancellationRequested)
            {
                held.Add(await silent.AcceptTcpClientAsync(Ct));
            }
        }, Ct);
        await using var app = new HoistApp(Settings(new()
        {
            ["Hoist:Storage:Provider"] = "S3",
            ["Hoist:Storage:S3:ServiceUrl"] = $"http://127.0.0.1:{((IPEndPoint)silent.LocalEndpoint).Port}",
            ["Hoist:Storage:S3:Bucket"] = "hangs",
            ["Hoist:Storage:S3:Region"] = "us-east-1",
            ["Hoist:Storage:S3:ForcePathStyle"] = "true",
            ["Hoist:Storage:S3:AccessKey"] = "hangs",
            ["Hoist:Storage:S3:SecretKey"] = "hangs-hangs-hangs",
            ["Hoist:Storage:CheckAtStart"] = "false",
        }));
        using var api = app.CreateHoistClient();

        var clock = Stopwatch.StartNew();
        using var health = await api.Http.GetAsync(new Uri("/readyz", UriKind.Relative), Ct);
        clock.Stop();

        await Problem.AssertAsync(health, 503, "store_unavailable");
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(3.5), $"/readyz took {clock.Elapsed.TotalSeconds:F1} s; its bound is 2 s.");
        Assert.NotEmpty(held);
        held.ForEach(c => c.Dispose());
    }

    private static Dictionary<string, string?> Settings(Dictionary<string, string?> store)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Hoist:Tokens:SigningKey"] = StoreFixture.SigningKey,
            ["Hoist:Uploads:PreferredPartSize"] = TestData.PartSize.ToString(CultureInfo.InvariantCulture),
            ["Hoist:Uploads:SweepInterval"] = "00:00:00",
            ["Logging:LogLevel:Default"] = "Warning",
        };
        foreach (var (name, value) in store)
        {
            settings[name] = value;
        }
        return settings;
    }

    private async Task AbortAsync(HoistClient api, string uploadId)
    {
        using var aborted = await api.Http.DeleteAsync(new Uri($"/api/uploads/{uploadId}", UriKind.Relative), Ct);
        Assert.Equal(HttpStatusCode.NoContent, aborted.StatusCode);
    }

    /// <summary>The settings of a Ceph user with a quota, made by scripts/s3-server.sh quota-user, under a prefix of this test's own.</summary>
    private async Task<Dictionary<string, string?>> QuotaUserSettingsAsync(string name, long bytes)
    {
        var script = Path.Combine(RepoRoot(), "scripts", "s3-server.sh");
        using var process = Process.Start(new ProcessStartInfo("bash", [script, "quota-user", name, bytes.ToString(CultureInfo.InvariantCulture)])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        var output = await process.StandardOutput.ReadToEndAsync(Ct);
        var errors = await process.StandardError.ReadToEndAsync(Ct);
        await process.WaitForExitAsync(Ct);
        Assert.True(process.ExitCode == 0, $"scripts/s3-server.sh quota-user failed: {errors}");
        var settings = output.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.Replace("export Hoist__Storage__S3__", "", StringComparison.Ordinal).Split('=', 2))
            .ToDictionary(kv => $"Hoist:Storage:S3:{kv[0]}", kv => (string?)kv[1]);
        settings["Hoist:Storage:Provider"] = "S3";
        settings["Hoist:Storage:S3:Prefix"] = $"quota-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4))}/";
        return settings;
    }

    private static string RepoRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Hoist.slnx")))
        {
            directory = directory.Parent;
        }
        return directory?.FullName ?? throw new InvalidOperationException($"No Hoist.slnx above {AppContext.BaseDirectory}.");
    }
}

/// <summary>A test that needs root (to mount a tmpfs); skipped with that reason otherwise.</summary>
public sealed class RootFactAttribute : FactAttribute
{
    public RootFactAttribute()
    {
        if (Environment.UserName != "root")
        {
            Skip = "Needs root to mount a small tmpfs (CI runs as root).";
        }
    }
}

/// <summary>A tmpfs of a given size, mounted on a fresh folder and unmounted afterwards.</summary>
public sealed class SmallDisk : IAsyncDisposable
{
    private SmallDisk(string path) => Path = path;

    public string Path { get; }

    public long FreeBytes => new DriveInfo(Path).AvailableFreeSpace;

    public static async Task<SmallDisk> MountAsync(long bytes, CancellationToken cancellationToken)
    {
        var path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"hoist-full-{Guid.NewGuid():N}");
        Directory.CreateDirectory(path);
        await RunAsync(["mount", "-t", "tmpfs", "-o", $"size={bytes}", "hoist-full", path], cancellationToken);
        return new SmallDisk(path);
    }

    /// <summary>Files the store writes before renaming them into place.</summary>
    public IReadOnlyList<string> TemporaryFiles() =>
        Directory.Exists(System.IO.Path.Combine(Path, ".hoist", "tmp")) ? Directory.GetFileSystemEntries(System.IO.Path.Combine(Path, ".hoist", "tmp")) : [];

    public async ValueTask DisposeAsync()
    {
        await RunAsync(["umount", Path], CancellationToken.None);
        Directory.Delete(Path);
    }

    private static async Task RunAsync(string[] commandLine, CancellationToken cancellationToken)
    {
        var (command, arguments) = (commandLine[0], commandLine[1..]);
        using var process = Process.Start(new ProcessStartInfo(command, arguments) { RedirectStandardError = true })!;
        var errors = await process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{command} {string.Join(' ', arguments)} failed: {errors}");
        }
    }
}
