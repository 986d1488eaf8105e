using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using Hoist.Server.Tests.Security;
using Hoist.Server.Tests.Support;
using Xunit.Abstractions;

namespace Hoist.Server.Tests.Processes;

/// <summary>
/// Slow bodies must not exhaust the store. A real server process on the S3 store (Ceph), with the
/// default Hoist:Limits: 500 part PUTs from one address (127.0.0.2), spread over 8 keys, drip their
/// bodies at 300 B/s. Without limits each would hold a request in the store for the 8 hours its 8 MiB
/// take. With them, at most 64 (the per-address cap) are taken and the rest refused at once with 429;
/// the minimum body rate drops those taken after its grace period; a 64 MiB upload by another owner
/// from another address meanwhile takes less than 3 times as long as alone, /healthz stays 200, and
/// nothing of the drips is stored. Timed, so it runs alone, after the other tests.
/// </summary>
[Collection(nameof(TimedAlone))]
public sealed class SlowBodyProcessTests(S3Fixture fixture, ITestOutputHelper output) : IClassFixture<S3Fixture>
{
    private const int MiB = 1024 * 1024;
    private const int PartSize = 8 * MiB;
    private const int FileSize = 64 * MiB;
    private const int Drips = 500;
    private const int DripBytesPerSecond = 300;
    private const int Attackers = 8;
    private static readonly IPAddress AttackerAddress = IPAddress.Parse("127.0.0.2");
    private static readonly string[] TcpTables = ["/proc/net/tcp", "/proc/net/tcp6"];

    [Fact]
    public async Task Five_hundred_parts_dripping_at_300_B_per_s_are_capped_and_dropped_while_a_64_MiB_upload_alongside_takes_under_3_times_its_time_alone_and_healthz_stays_200()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(4));
        var ct = timeout.Token;
        var attackers = Enumerable.Range(0, Attackers).Select(i => (Owner: $"mallory{i}", Key: $"mallory{i}-api-key-0123456789abcdef")).ToList();
        var extra = new Dictionary<string, string?> { ["Hoist:Uploads:PreferredPartSize"] = PartSize.ToString(CultureInfo.InvariantCulture) };
        for (var i = 0; i < attackers.Count; i++)
        {
            extra[$"Hoist:Auth:ApiKeys:{i + 2}:Key"] = attackers[i].Key;
            extra[$"Hoist:Auth:ApiKeys:{i + 2}:Owner"] = attackers[i].Owner;
        }
        await using var server = await ServerProcess.StartAsync(fixture.Settings(ApiKeyOwners.Settings(extra)), ct);
        using var alice = Client(server, ApiKeyOwners.AliceKey);
        var file = TestData.Bytes(seed: 410, FileSize);

        await UploadAsync(alice, "warm-up.bin", TestData.Bytes(seed: 411, 2 * PartSize), ct);
        var (aloneKey, alone) = await UploadAsync(alice, "alone.bin", file, ct);

        // The drips: parts 1..63 of one upload per attacker key, all from 127.0.0.2.
        var perAttacker = (Drips + Attackers - 1) / Attackers;
        var targets = new List<(string Key, string UploadId, HoistApi Api)>();
        foreach (var attacker in attackers)
        {
            var api = Client(server, attacker.Key);
            targets.Add((attacker.Key, (await api.CreateAsync("drip.bin", (long)perAttacker * PartSize, cancellationToken: ct)).UploadId, api));
        }
        var drips = new List<DrippingPart>();
        var clock = Stopwatch.StartNew();
        for (var d = 0; d < Drips; d++)
        {
            var target = targets[d % Attackers];
            drips.Add(await DrippingPart.OpenAsync(server.Address, target.UploadId, (d / Attackers) + 1, PartSize, target.Key, ct, from: AttackerAddress));
        }
        var opened = clock.Elapsed;
        using var stopDripping = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var dripping = DripAllAsync(drips, stopDripping.Token);
        using var stopWatching = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var watching = WatchAsync(server, StorePort(), stopWatching.Token);
        // Those refused are answered at once; those taken drip on.
        while (drips.Count(d => d.Answer.IsCompleted) < Drips - 64 && clock.Elapsed < TimeSpan.FromSeconds(20))
        {
            await Task.Delay(100, ct);
        }
        var answeredBeforeUpload = drips.Count(d => d.Answer.IsCompleted);

        var (alongsideKey, alongside) = await UploadAsync(alice, "alongside.bin", file, ct);
        var stillDripping = drips.Count(d => !d.Answer.IsCompleted);
        var uploadEndedAt = clock.Elapsed;
        await Task.WhenAny(Task.WhenAll(drips.Select(d => d.Answer)), Task.Delay(TimeSpan.FromSeconds(40), ct));
        await stopWatching.CancelAsync();
        var (healthStatuses, storeConnections) = await watching;
        await stopDripping.CancelAsync();
        await dripping;
        var answers = drips.Select(d => d.Answer.IsCompleted ? d.Answer.Result : null).ToList();
        var stored = new List<string>();
        foreach (var target in targets)
        {
            stored.AddRange((await target.Api.ListPartsAsync(target.UploadId, ct)).Parts.Select(p => $"{target.Key[..8]} part {p.PartNumber} ({p.Size} B)"));
        }

        var refused = answers.Where(a => a?.Status == 429).Select(a => a!).ToList();
        var taken = answers.Where(a => a?.Status != 429).ToList();
        output.WriteLine($"alone: {alone.TotalSeconds:F2} s; alongside the drips: {alongside.TotalSeconds:F2} s ({alongside / alone:F2}x)");
        output.WriteLine($"{Drips} drips opened in {opened.TotalSeconds:F1} s; {answeredBeforeUpload} answered before the upload, {stillDripping} still dripping when it ended ({uploadEndedAt.TotalSeconds:F1} s)");
        output.WriteLine($"answers: {string.Join("; ", answers.GroupBy(a => a is null ? "no end within 40 s" : a.Status is { } s ? $"{s} {a.Code}" : "closed").Select(g => $"{g.Count()} x {g.Key}"))}");
        var takenEnds = taken.Where(a => a is not null).Select(a => a!.After.TotalSeconds).ToList();
        output.WriteLine($"refused within {(refused.Count == 0 ? 0 : refused.Max(a => a.After.TotalSeconds)):F1} s; taken ones ended after {(takenEnds.Count == 0 ? "-" : $"{takenEnds.Min():F1} to {takenEnds.Max():F1}")} s");
        output.WriteLine($"/healthz: {healthStatuses.Count} checks, {string.Join(", ", healthStatuses.GroupBy(s => s).Select(g => $"{g.Count()} x {g.Key}"))}");
        output.WriteLine($"connections from the server to the store: at most {(storeConnections.Count == 0 ? "(not measurable here)" : storeConnections.Max())} while the drips lasted");
        output.WriteLine($"stored of the drips: {(stored.Count == 0 ? "nothing" : string.Join(", ", stored.Take(10)))}");

        Assert.Equal((TestData.Sha256Hex(file), (long)FileSize), await alice.DownloadSha256Async(aloneKey, ct));
        Assert.Equal((TestData.Sha256Hex(file), (long)FileSize), await alice.DownloadSha256Async(alongsideKey, ct));
        Assert.True(alongside < 3 * alone, $"the upload took {alongside.TotalSeconds:F2} s alongside the drips, {alone.TotalSeconds:F2} s alone");
        Assert.NotEmpty(healthStatuses);
        Assert.All(healthStatuses, status => Assert.Equal(200, status));
        Assert.True(taken.Count <= 64, $"{taken.Count} drips were taken; the per-address cap is 64");
        Assert.All(refused, a => Assert.True(a is { Code: "too_many_parts_in_flight", RetryAfter: not null } && a.After < TimeSpan.FromSeconds(10), a.ToString()));
        // Taken ones are dropped by the minimum body rate (16 KiB/s after 10 s): 408, or closed.
        Assert.All(taken, a => Assert.True(a is { Status: 408 or null } && a.After < TimeSpan.FromSeconds(30), a?.ToString() ?? "still open after 40 s"));
        Assert.Empty(stored);
        // The store never sees more than the taken drips (64) and a few of its own: the upload alongside, pooled connections.
        Assert.True(storeConnections.Count == 0 || storeConnections.Max() <= 64 + 32, $"the server held up to {storeConnections.Max()} connections to the store");
        foreach (var target in targets)
        {
            using var aborted = await target.Api.AbortRawAsync(target.UploadId, ct);
        }
        foreach (var drip in drips)
        {
            await drip.DisposeAsync();
        }
    }

    private static HoistApi Client(ServerProcess server, string key)
    {
        var api = server.CreateApi();
        api.Http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        api.Http.Timeout = TimeSpan.FromMinutes(2);
        return api;
    }

    /// <summary>Uploads a file as a client does (4 parts at a time) and answers its key and the time from create to complete.</summary>
    private static async Task<(string Key, TimeSpan Took)> UploadAsync(HoistApi api, string name, byte[] file, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        var upload = await api.CreateAsync(name, file.Length, cancellationToken: ct);
        var parts = TestData.Split(file, (int)upload.PartSize);
        await Parallel.ForEachAsync(Enumerable.Range(1, parts.Count), new ParallelOptions { MaxDegreeOfParallelism = 4, CancellationToken = ct },
            async (n, token) => await api.PutPartAsync(upload.UploadId, n, parts[n - 1], cancellationToken: token));
        await api.CompleteAsync(upload.UploadId, ct);
        return (upload.Key, clock.Elapsed);
    }

    /// <summary>Sends each unanswered drip its next bytes twice a second (300 B/s) until stopped.</summary>
    private static async Task DripAllAsync(List<DrippingPart> drips, CancellationToken stop)
    {
        try
        {
            while (!stop.IsCancellationRequested)
            {
                foreach (var drip in drips.Where(d => !d.Answer.IsCompleted))
                {
                    await drip.SendAsync(DripBytesPerSecond / 2, stop);
                }
                await Task.Delay(500, stop);
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
    }

    /// <summary>
    /// GET /healthz four times a second until stopped, counting meanwhile the server's connections to the
    /// store; answers the statuses (0 for no answer within 5 s) and the counts.
    /// </summary>
    private static async Task<(List<int> Statuses, List<int> StoreConnections)> WatchAsync(ServerProcess server, int? storePort, CancellationToken stop)
    {
        var statuses = new List<int>();
        var connections = new List<int>();
        using var http = new HttpClient { BaseAddress = server.Address, Timeout = TimeSpan.FromSeconds(5) };
        while (!stop.IsCancellationRequested)
        {
            try
            {
                if (storePort is { } port && ConnectionsTo(server.ProcessId, port) is { } count)
                {
                    connections.Add(count);
                }
                using var response = await http.GetAsync(new Uri("/healthz", UriKind.Relative), CancellationToken.None);
                statuses.Add((int)response.StatusCode);
                await Task.Delay(250, stop);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                statuses.Add(0);
            }
        }
        return (statuses, connections);
    }

    private int? StorePort() =>
        fixture.StoreSettings.TryGetValue("Hoist:Storage:S3:ServiceUrl", out var url) && Uri.TryCreate(url, UriKind.Absolute, out var uri) ? uri.Port : null;

    /// <summary>
    /// The established TCP connections of a process to a port (each part body in flight holds one to the
    /// store): its socket inodes in /proc/PID/fd matched with /proc/net/tcp*. Null where there is no /proc.
    /// </summary>
    private static int? ConnectionsTo(int processId, int port)
    {
        try
        {
            var inodes = new HashSet<string>(StringComparer.Ordinal);
            foreach (var fd in Directory.EnumerateFiles($"/proc/{processId}/fd"))
            {
                if (new FileInfo(fd).LinkTarget is { } target && target.StartsWith("socket:[", StringComparison.Ordinal))
                {
                    inodes.Add(target["socket:[".Length..^1]);
                }
            }
            var remote = ":" + port.ToString("X4", CultureInfo.InvariantCulture);
            var count = 0;
            foreach (var table in TcpTables.Where(File.Exists))
            {
                foreach (var line in File.ReadLines(table).Skip(1))
                {
                    // sl local_address rem_address st ... inode (field 9); st 01 is ESTABLISHED
                    var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                    if (fields.Length > 9 && fields[3] == "01" && fields[2].EndsWith(remote, StringComparison.Ordinal) && inodes.Contains(fields[9]))
                    {
                        count++;
                    }
                }
            }
            return count;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}

/// <summary>Tests that measure time: they run one at a time, after the tests that run in parallel.</summary>
[CollectionDefinition(nameof(TimedAlone), DisableParallelization = true)]
public sealed class TimedAlone;
