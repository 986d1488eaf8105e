using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Hoist.Client;
using Hoist.Server.Tests.Support;
using Xunit.Abstractions;

namespace Hoist.Server.Tests.Processes;

/// <summary>
/// The deployment of docs/deployment.md, for real: nginx (Debian's, as a child process) balancing two
/// Hoist server processes round-robin, both on the S3 store (Ceph) under the same prefix with the same
/// signing key. Hoist.Client uploads 20 files of 1 KiB to 24 MiB through nginx, 4 files at a time, 4
/// parts each, 8 MiB/s in all; a quarter of the way through one instance is killed (SIGKILL) and 3 s
/// later started again on the same port. Every upload must complete with its checksum verified, every
/// object read back through nginx must have its file's SHA-256, and the restarted instance must serve
/// again. Runs alone (it kills processes and has a time budget).
/// </summary>
[Collection(nameof(TimedAlone))]
public sealed class NginxDeploymentTests(S3Fixture fixture, ITestOutputHelper output) : IClassFixture<S3Fixture>
{
    private const int KiB = 1024;
    private const int MiB = 1024 * KiB;
    private const int PartSize = 5 * MiB;
    private const string UpstreamHeader = "X-Hoist-Upstream";

    /// <summary>One-part files (up to 5 MiB, one exactly 5 MiB) and multi-part ones (5 MiB + 1 byte to 24 MiB); 182 MiB in all.</summary>
    private static readonly int[] Sizes =
    [
        1 * KiB, 24 * MiB, 300 * KiB, 11 * MiB, PartSize, 17 * MiB, (2 * MiB) + 7, 24 * MiB, 64 * KiB, 9 * MiB,
        PartSize + 1, 20 * MiB, 3 * MiB, 15 * MiB, 4 * KiB, 7 * MiB, 600 * KiB, 22 * MiB, 4 * MiB, 13 * MiB,
    ];

    /// <summary>
    /// The http block of docs/deployment.md's nginx example, minus TLS, on loopback ports, plus one
    /// header for the test: which instance answered (more than one address when nginx tried another).
    /// </summary>
    private static string NginxHttpBlock(int port, Uri a, Uri b) => $$"""
            upstream hoist {
                server 127.0.0.1:{{a.Port}} max_fails=1 fail_timeout=5s;
                server 127.0.0.1:{{b.Port}} max_fails=1 fail_timeout=5s;
                keepalive 32;
            }

            server {
                listen 127.0.0.1:{{port}};

                proxy_http_version 1.1;
                proxy_set_header Connection "";
                proxy_set_header Host $host;
                proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
                proxy_set_header X-Forwarded-Proto $scheme;
                proxy_connect_timeout 2s;
                proxy_send_timeout 300s;
                proxy_read_timeout 300s;
                proxy_buffering off;

                # A request that fails on one instance is tried on the other; nginx can do this only for a
                # request whose body it still holds, so only for those of "location /" below. Part PUTs (bodies
                # streamed, not held) are passed on only when the instance refused the connection (nothing
                # sent yet): a part that was on its way to an instance that died comes back 502, and the
                # client sends it again. non_idempotent lets nginx resend POSTs too: a complete is idempotent
                # (it answers the same object again); a create sent again may leave the first create's upload
                # open and empty, as a client's own retry of the create would: the sweeper aborts it after
                # Hoist__Uploads__AbandonAfter. 429 is not retried elsewhere: rate limits are per instance.
                proxy_next_upstream error timeout http_502 http_503 non_idempotent;
                proxy_next_upstream_tries 2;

                add_header {{UpstreamHeader}} $upstream_addr always;

                location ~ ^/api/uploads/[^/]+/parts/[0-9]+$ {
                    client_max_body_size 0;
                    proxy_request_buffering off;
                    proxy_pass http://hoist;
                }

                location / {
                    proxy_pass http://hoist;
                }
            }
        """;

    [NginxFact]
    public async Task Twenty_uploads_through_nginx_to_two_instances_survive_one_instance_killed_and_restarted()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        var ct = timeout.Token;
        var clock = Stopwatch.StartNew();
        var settings = fixture.Settings(new Dictionary<string, string?>
        {
            ["Hoist:Uploads:PreferredPartSize"] = PartSize.ToString(CultureInfo.InvariantCulture),
        });
        var files = Sizes.Select((size, i) => TestData.Bytes(seed: 1200 + i, size)).ToList();
        long total = Sizes.Sum(s => (long)s);

        await using var servers = await ServerProcess.StartManyAsync(2, settings, ct);
        var (a, b) = (servers[0], servers[1]);
        var port = ChildProcess.FreePort();
        await using var nginx = await NginxProcess.StartAsync(NginxHttpBlock(port, a.Address, b.Address), port, ct);
        var started = clock.Elapsed;

        var log = new RequestLog(clock);
        using var http = new HttpClient(new RecordingHandler(log) { InnerHandler = new SocketsHttpHandler { UseProxy = false } }) { Timeout = Timeout.InfiniteTimeSpan };
        // 8 MiB/s for all uploads together (clients on slower links; about 23 s for the 182 MiB): parts stay in
        // flight for seconds, so the kill cuts several, and the restarted instance is back while uploads go on.
        var hoist = new HoistClient(http, new HoistClientOptions { ServerUrl = nginx.Address, Parallelism = 4, MaxBytesPerSecond = 8 * MiB });

        // The uploads, 4 files at a time; meanwhile the killer waits for a quarter of the bytes, kills A, restarts it.
        var uploaded = new long[files.Count];
        var results = new UploadResult[files.Count];
        await using var kill = new KillAndRestart(a, settings, clock);
        using var uploadsDone = CancellationTokenSource.CreateLinkedTokenSource(ct);
        using var stopKiller = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var killer = kill.RunAsync(() => uploaded.Sum(), total / 4, uploadsDone.Token, stopKiller.Token);
        var uploading = clock.Elapsed;
        try
        {
            await Parallel.ForEachAsync(Enumerable.Range(0, files.Count), new ParallelOptions { MaxDegreeOfParallelism = 4, CancellationToken = ct }, async (i, token) =>
            {
                using var content = new MemoryStream(files[i], writable: false);
                results[i] = await hoist.UploadAsync(content, $"file-{i:00}.bin", new UploadOptions
                {
                    Progress = new SyncProgress(p => Interlocked.Exchange(ref uploaded[i], p.BytesUploaded)),
                }, token);
            });
        }
        catch
        {
            output.WriteLine($"A killed at {kill.KilledAt.TotalSeconds:F2} s; every try until the failure:\n{string.Join('\n', log.Entries)}\nnginx's error log:\n{Short(nginx.Log)}");
            await stopKiller.CancelAsync();
            try
            {
                await killer;
            }
            catch (OperationCanceledException)
            {
                // Stopped before it restarted A (a server it started is disposed with it).
            }
            throw;
        }
        var uploadsEnded = clock.Elapsed;
        await uploadsDone.CancelAsync();
        await killer;

        // Every object, read back through nginx (the restarted instance among those that answer).
        var downloads = new (string Sha256, long Length)[files.Count];
        await Parallel.ForEachAsync(Enumerable.Range(0, files.Count), new ParallelOptions { MaxDegreeOfParallelism = 4, CancellationToken = ct }, async (i, token) =>
        {
            await using var stream = await hoist.OpenReadAsync(results[i].Key, token);
            downloads[i] = await TestData.Sha256HexAsync(stream, token);
        });
        var downloadsEnded = clock.Elapsed;

        var entries = log.Entries;
        var aAddress = $"127.0.0.1:{a.Address.Port}";
        var bAddress = $"127.0.0.1:{b.Address.Port}";
        var failed = entries.Where(e => e.Status is null or >= 400).ToList();
        var passedOn = entries.Where(e => e.Upstream?.Contains(',', StringComparison.Ordinal) == true).ToList();
        output.WriteLine($"{files.Count} files, {total / (double)MiB:F1} MiB; instances A {aAddress}, B {bAddress}, nginx 127.0.0.1:{port}; started in {started.TotalSeconds:F1} s");
        output.WriteLine($"uploads {uploading.TotalSeconds:F1} to {uploadsEnded.TotalSeconds:F1} s ({total / (double)MiB / (uploadsEnded - uploading).TotalSeconds:F1} MiB/s); " +
            $"A killed at {kill.KilledAt.TotalSeconds:F1} s with {kill.SentAtKill / (double)MiB:F0} MiB sent, answering /healthz again at {kill.RestartedAt.TotalSeconds:F1} s; " +
            $"downloads ended at {downloadsEnded.TotalSeconds:F1} s");
        output.WriteLine($"requests: {entries.Count}; answered by A before the kill {entries.Count(e => e.At < kill.KilledAt && e.Upstream == aAddress)}, by B {entries.Count(e => e.Upstream == bAddress)}, " +
            $"by A after its restart {entries.Count(e => e.At > kill.RestartedAt && e.Upstream == aAddress)} ({entries.Count(e => e.At > kill.RestartedAt && e.At <= uploadsEnded && e.Upstream == aAddress)} of them upload requests)");
        output.WriteLine($"client retries (UploadResult.Retries): {results.Sum(r => r.Retries)} in {results.Count(r => r.Retries > 0)} uploads; failed tries seen by the client: {failed.Count}");
        foreach (var failure in failed)
        {
            output.WriteLine($"  {failure}");
        }
        var unverifiable = results.Select((r, i) => (r, i)).Where(x => x.r.ChecksumSha256 is null).Select(x => $"file {x.i} ({x.r.UploadId[^6..]})").ToList();
        if (unverifiable.Count > 0)
        {
            output.WriteLine($"completes answered without checksumSha256: {string.Join(", ", unverifiable)}");
        }
        output.WriteLine($"passed on by nginx to the other instance: {passedOn.Count}");
        foreach (var entry in passedOn)
        {
            output.WriteLine($"  {entry}");
        }
        output.WriteLine($"nginx's error log:\n{Short(nginx.Log)}");

        // The objects first: what the store holds is what was sent, whatever the client could verify.
        for (var i = 0; i < files.Count; i++)
        {
            Assert.Equal((TestData.Sha256Hex(files[i]), (long)Sizes[i]), downloads[i]);
        }
        for (var i = 0; i < files.Count; i++)
        {
            Assert.Equal(Sizes[i], results[i].Size);
            Assert.True(results[i].ChecksumVerified, results[i].ChecksumSha256 is null
                ? $"file {i}: the complete answered no checksumSha256, so the client could not verify the upload (a complete cut by the kill after the store assembled the object, before the server recorded its checksum?)"
                : $"file {i}: checksum not verified ({results[i].ChecksumSha256} from the server, {results[i].LocalChecksumSha256} here)");
        }
        Assert.True(kill.KilledAt < uploadsEnded, $"A was killed at {kill.KilledAt.TotalSeconds:F1} s, after the uploads ended ({uploadsEnded.TotalSeconds:F1} s)");
        Assert.Contains(entries, e => e.At < kill.KilledAt && e.Upstream == aAddress);
        Assert.Contains(entries, e => e.At > kill.RestartedAt && e.Upstream == aAddress);
    }

    /// <summary>nginx's log lines without the request and upstream URLs (each holds an upload id of a few hundred characters).</summary>
    private static string Short(string log) =>
        string.Join('\n', log.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => line.Split(", client:")[0]));

    /// <summary>Kills A (SIGKILL) once the bytes sent reach a threshold, waits 3 s, and starts it again on its port.</summary>
    private sealed class KillAndRestart(ServerProcess a, IReadOnlyDictionary<string, string?> settings, Stopwatch clock) : IAsyncDisposable
    {
        private ServerProcess? _restarted;

        public TimeSpan KilledAt { get; private set; } = TimeSpan.MaxValue;

        public long SentAtKill { get; private set; }

        public TimeSpan RestartedAt { get; private set; } = TimeSpan.MaxValue;

        /// <summary>Waits for <paramref name="threshold"/> bytes (or the end of the uploads: then no kill), kills, restarts.</summary>
        public async Task RunAsync(Func<long> sent, long threshold, CancellationToken uploadsDone, CancellationToken ct)
        {
            while (sent() < threshold)
            {
                if (uploadsDone.IsCancellationRequested)
                {
                    return;
                }
                await Task.Delay(20, ct);
            }
            SentAtKill = sent();
            await a.KillAsync(ct);
            KilledAt = clock.Elapsed;
            await Task.Delay(TimeSpan.FromSeconds(3), ct);
            _restarted = await ServerProcess.StartAsync(settings, ct, port: a.Address.Port);
            RestartedAt = clock.Elapsed;
        }

        public async ValueTask DisposeAsync()
        {
            if (_restarted is not null)
            {
                await _restarted.DisposeAsync();
            }
        }
    }

    private sealed class SyncProgress(Action<UploadProgress> report) : IProgress<UploadProgress>
    {
        public void Report(UploadProgress value) => report(value);
    }

    private sealed record Entry(TimeSpan At, string Method, string Route, int? Status, string? Upstream, string? Error)
    {
        public override string ToString() =>
            $"{At.TotalSeconds,6:F2} s {Method} {Route}: {(Status is { } s ? s.ToString(CultureInfo.InvariantCulture) : Error)}{(Upstream is null ? "" : $" from {Upstream}")}";
    }

    private sealed class RequestLog(Stopwatch clock)
    {
        private readonly ConcurrentQueue<Entry> _entries = new();

        public List<Entry> Entries => [.. _entries.OrderBy(e => e.At)];

        public TimeSpan Now => clock.Elapsed;

        public void Add(Entry entry) => _entries.Enqueue(entry);
    }

    /// <summary>Records every try the client makes: when it ended, what it was, its status (or error) and which instance nginx says answered.</summary>
    private sealed class RecordingHandler(RequestLog log) : DelegatingHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var route = Route(request);
            try
            {
                var response = await base.SendAsync(request, cancellationToken);
                var upstream = response.Headers.TryGetValues(UpstreamHeader, out var values) ? string.Join(", ", values) : null;
                log.Add(new Entry(log.Now, request.Method.Method, route, (int)response.StatusCode, upstream, null));
                return response;
            }
            catch (Exception e) when (e is HttpRequestException or IOException)
            {
                log.Add(new Entry(log.Now, request.Method.Method, route, null, null, $"{e.GetType().Name}: {e.Message}"));
                throw;
            }
        }

        private static string Route(HttpRequestMessage request)
        {
            var path = request.RequestUri!.AbsolutePath;
            var segments = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
            return segments switch
            {
                ["api", "uploads"] => "create",
                ["api", "uploads", var id, "parts", var n] => $"part {n} of …{id[^6..]}",
                ["api", "uploads", var id, "parts"] => $"list parts of …{id[^6..]}",
                ["api", "uploads", var id, "complete"] => $"complete …{id[^6..]}",
                ["api", "files", ..] => $"file {segments[^1]}",
                _ => path,
            };
        }
    }
}
