using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Hoist.Server.Hooks;
using Hoist.Server.Storage;
using Hoist.Server.Tests.Support;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Hoist.Server.Tests.Hooks;

/// <summary>The pre-create and post-finish HTTP hooks, against a receiver on a loopback port.</summary>
public abstract class HookTests(StoreFixture fixture) : ApiTests(fixture)
{
    private const string HookKey = "hoist-hook-tests-signing-key-0123456789";

    private static Dictionary<string, string?> PreCreate(Uri url, string timeout = "00:00:05") => new()
    {
        ["Hoist:Hooks:PreCreateUrl"] = url.ToString(),
        ["Hoist:Hooks:Timeout"] = timeout,
    };

    private static Dictionary<string, string?> PostFinish(Uri url, bool deliver = true) => new()
    {
        ["Hoist:Hooks:PostFinishUrl"] = url.ToString(),
        ["Hoist:Hooks:SigningKey"] = HookKey,
        ["Hoist:Hooks:Deliver"] = deliver ? "true" : "false",
        ["Hoist:Hooks:PollInterval"] = "00:00:00.200",
        ["Hoist:Hooks:RetryDelay"] = "00:00:00.100",
        ["Hoist:Hooks:MaxRetryDelay"] = "00:00:00.500",
        ["Hoist:Hooks:Timeout"] = "00:00:02",
    };

    private IRecordStore Records => Fixture.App.Services.GetRequiredService<StoreCapabilities>().Records!;

    [Fact]
    public async Task A_pre_create_hook_that_answers_2xx_is_told_the_upload_and_its_metadata_is_kept_with_the_object()
    {
        await using var receiver = await HookReceiver.StartAsync();
        receiver.Answer = _ => new HookAnswer(200, "application/json", """{"metadata": {"project": "apollo", "reviewed-by": "hook"}}""");
        await using var app = Fixture.CreateApp(PreCreate(receiver.Url));
        using var api = app.CreateApi();
        var file = TestData.Bytes(1, 1000);

        var upload = await api.CreateAsync("report.pdf", file.Length, "application/pdf", cancellationToken: Ct);
        var part = await api.PutPartAsync(upload.UploadId, 1, file, cancellationToken: Ct);

        var asked = Assert.Single(receiver.Requests);
        using var body = JsonDocument.Parse(asked.Body);
        Assert.Equal(("report.pdf", 1000L, "application/pdf"),
            (body.RootElement.GetProperty("fileName").GetString(), body.RootElement.GetProperty("size").GetInt64(), body.RootElement.GetProperty("contentType").GetString()));
        Assert.StartsWith(body.RootElement.GetProperty("owner").GetString() + "/", upload.Key, StringComparison.Ordinal);
        var stored = await Fixture.Store.HeadObjectAsync(part.Completed!.Key, Ct);
        Assert.NotNull(stored);
        Assert.Equal("apollo", stored.Metadata["project"]);
        Assert.Equal("hook", stored.Metadata["reviewed-by"]);
    }

    [Theory]
    [InlineData(422, "application/problem+json", """{"title": "Unprocessable", "detail": "Team quota exceeded: 3 of 3 files."}""", "Team quota exceeded: 3 of 3 files.")]
    [InlineData(403, "text/plain", "PDFs only, please.", "PDFs only, please.")]
    public async Task A_pre_create_hook_that_answers_4xx_is_rejected_by_hook_with_its_message_and_nothing_is_created(int status, string contentType, string answer, string message)
    {
        await using var receiver = await HookReceiver.StartAsync();
        receiver.Answer = _ => new HookAnswer(status, contentType, answer);
        await using var app = Fixture.CreateApp(PreCreate(receiver.Url));
        using var api = app.CreateApi();
        var before = await SnapshotAsync();

        var problem = await Problem.AssertAsync(api.CreateRawAsync(new { fileName = "a.txt", size = 10 }, Ct), 403, "rejected_by_hook");

        Assert.Equal(message, problem.GetProperty("detail").GetString());
        Assert.Equal(status, problem.GetProperty("hookStatus").GetInt32());
        await AssertUnchangedAsync(before);
    }

    [Theory]
    [InlineData("down")]
    [InlineData("500")]
    [InlineData("slow")]
    public async Task A_pre_create_hook_that_is_down_failing_or_slow_is_hook_unavailable_with_Retry_After_and_nothing_is_created(string how)
    {
        await using var receiver = await HookReceiver.StartAsync();
        receiver.Answer = _ => how == "slow" ? new HookAnswer(200, Delay: TimeSpan.FromSeconds(5)) : new HookAnswer(500);
        await using var app = Fixture.CreateApp(PreCreate(how == "down" ? HookReceiver.Nowhere() : receiver.Url, timeout: "00:00:01"));
        using var api = app.CreateApi();
        var before = await SnapshotAsync();

        using var response = await api.CreateRawAsync(new { fileName = "a.txt", size = 10 }, Ct);

        await Problem.AssertAsync(response, 503, "hook_unavailable");
        Assert.NotNull(response.Headers.RetryAfter);
        await AssertUnchangedAsync(before);
    }

    [Fact]
    public async Task A_post_finish_event_is_delivered_signed_with_the_upload_it_describes_and_then_leaves_the_store()
    {
        await using var receiver = await HookReceiver.StartAsync();
        await using var app = Fixture.CreateApp(PostFinish(receiver.Url));
        using var api = app.CreateApi();

        var (_, completed) = await UploadWithAsync(api, "finished.bin", TestData.Bytes(2, 1234));

        var delivered = await EventuallyAsync(() => receiver.Requests.FirstOrDefault());
        var expected = "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(HookKey), delivered.Body));
        Assert.Equal(expected, delivered.Headers["Hoist-Signature"]);
        using var body = JsonDocument.Parse(delivered.Body);
        var root = body.RootElement;
        Assert.Equal(("post-finish", completed.Key, completed.Size, completed.ETag),
            (root.GetProperty("type").GetString(), root.GetProperty("key").GetString(), root.GetProperty("size").GetInt64(), root.GetProperty("etag").GetString()));
        Assert.Equal(root.GetProperty("id").GetString(), delivered.Headers["Hoist-Event-Id"]);
        Assert.StartsWith(root.GetProperty("owner").GetString() + "/", completed.Key, StringComparison.Ordinal);
        Assert.True(root.TryGetProperty("completedAt", out _));
        await EventuallyAsync(async () => await Records.GetRecordAsync(UploadEvents.Folder, UploadEvents.RecordName(root.GetProperty("id").GetString()!), Ct) is null ? true : (bool?)null);
    }

    [Fact]
    public async Task A_receiver_that_is_down_for_a_while_still_gets_every_event_by_id_and_the_events_leave_the_store()
    {
        await using var receiver = await HookReceiver.StartAsync();
        receiver.Answer = n => new HookAnswer(n < 8 ? 503 : 200);
        await using var app = Fixture.CreateApp(PostFinish(receiver.Url));
        using var api = app.CreateApi();

        var ids = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < 3; i++)
        {
            var (_, completed) = await UploadWithAsync(api, $"down-{i}.bin", TestData.Bytes(10 + i, 100 + i));
            ids.Add(UploadEvents.IdOf(completed.Key, completed.ETag));
        }

        await EventuallyAsync(() => ids.IsSubsetOf(Accepted(receiver)) ? true : (bool?)null, TimeSpan.FromSeconds(60));
        Assert.True(receiver.Requests.Count(r => r.Answered == 503) >= 8);
        Assert.Equal(ids.Order(), Accepted(receiver).Intersect(ids).Order());
        await EventuallyAsync(async () => (await PendingAsync()).Overlaps(ids) ? null : (bool?)true);
    }

    [Fact]
    public async Task An_event_recorded_by_a_server_that_stopped_before_delivering_is_delivered_by_another_instance()
    {
        await using var receiver = await HookReceiver.StartAsync();
        string id;
        await using (var first = Fixture.CreateApp(PostFinish(receiver.Url, deliver: false)))
        {
            using var api = first.CreateApi();
            var (_, completed) = await UploadWithAsync(api, "orphan.bin", TestData.Bytes(3, 500));
            id = UploadEvents.IdOf(completed.Key, completed.ETag);
            Assert.Contains(id, await PendingAsync());
        }
        Assert.Empty(receiver.Requests);

        await using var second = Fixture.CreateApp(PostFinish(receiver.Url));
        using var _ = second.CreateApi(); // starts it: the deliverer begins once the server listens

        await EventuallyAsync(() => Accepted(receiver).Contains(id) ? true : (bool?)null);
        await EventuallyAsync(async () => (await PendingAsync()).Contains(id) ? null : (bool?)true);
    }

    [Fact]
    public async Task An_event_of_a_server_process_killed_while_its_receiver_was_down_is_delivered_by_another_instance()
    {
        await using var receiver = await HookReceiver.StartAsync();
        var receiverUp = false;
        receiver.Answer = _ => new HookAnswer(Volatile.Read(ref receiverUp) ? 200 : 503);
        string id;
        await using (var killed = await ServerProcess.StartAsync(Fixture.Settings(PostFinish(receiver.Url)), Ct))
        {
            using var api = killed.CreateApi();
            var (_, completed) = await UploadWithAsync(api, "killed.bin", TestData.Bytes(5, 700));
            id = UploadEvents.IdOf(completed.Key, completed.ETag);
            await EventuallyAsync(() => receiver.Requests.Any(r => r.Headers["Hoist-Event-Id"] == id) ? true : (bool?)null);
        } // killed (the process and its children), its event undelivered
        Assert.Contains(id, await PendingAsync());

        Volatile.Write(ref receiverUp, true);
        await using var other = Fixture.CreateApp(PostFinish(receiver.Url));
        using var _ = other.CreateApi();

        await EventuallyAsync(() => Accepted(receiver).Contains(id) ? true : (bool?)null);
        await EventuallyAsync(async () => (await PendingAsync()).Contains(id) ? null : (bool?)true);
    }

    [Fact]
    public async Task A_library_users_upload_finished_handler_is_called_in_process_after_a_complete()
    {
        var handler = new RecordingHandler();
        await using var app = Fixture.CreateApp(services: s => s.AddSingleton<IUploadFinishedHandler>(handler));
        using var api = app.CreateApi();

        var (_, completed) = await UploadWithAsync(api, "in-process.bin", TestData.Bytes(4, 321));

        var finished = Assert.Single(handler.Seen);
        Assert.Equal((UploadEvents.IdOf(completed.Key, completed.ETag), completed.Key, completed.Size, completed.ETag),
            (finished.Id, finished.Key, finished.Size, finished.ETag));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("short")]
    public void A_post_finish_url_without_a_signing_key_of_32_characters_stops_the_start(string? key)
    {
        var settings = PostFinish(HookReceiver.Nowhere());
        settings["Hoist:Hooks:SigningKey"] = key;

        var failure = ModuleOptions.Refusal<HookOptions>(settings, (services, _) => services.AddHoistHooks());

        Assert.Contains("Hoist:Hooks:SigningKey", failure.Message, StringComparison.Ordinal);
    }

    private sealed class RecordingHandler : IUploadFinishedHandler
    {
        public System.Collections.Concurrent.ConcurrentQueue<UploadFinished> Seen { get; } = new();

        public Task OnUploadFinishedAsync(UploadFinished upload, CancellationToken cancellationToken)
        {
            Seen.Enqueue(upload);
            return Task.CompletedTask;
        }
    }

    private static async Task<(CreatedUpload, CompletedUpload)> UploadWithAsync(HoistApi api, string name, byte[] file)
    {
        var upload = await api.CreateAsync(name, file.Length);
        var part = await api.PutPartAsync(upload.UploadId, 1, file);
        return (upload, part.Completed!);
    }

    private static HashSet<string> Accepted(HookReceiver receiver) =>
        [.. receiver.Requests.Where(r => r.Answered is >= 200 and < 300).Select(r => r.Headers["Hoist-Event-Id"])];

    private async Task<HashSet<string>> PendingAsync() =>
        [.. (await Records.ListRecordsAsync(UploadEvents.Folder, 1000, Ct)).Select(Path.GetFileNameWithoutExtension).OfType<string>()];

    private static Task<T> EventuallyAsync<T>(Func<T?> probe, TimeSpan? within = null) where T : class =>
        EventuallyAsync(() => Task.FromResult(probe()), within);

    private static Task<bool> EventuallyAsync(Func<bool?> probe, TimeSpan? within = null) =>
        EventuallyAsync(() => Task.FromResult(probe()), within);

    private static async Task<bool> EventuallyAsync(Func<Task<bool?>> probe, TimeSpan? within = null)
    {
        var deadline = DateTime.UtcNow + (within ?? TimeSpan.FromSeconds(30));
        while (true)
        {
            if (await probe() is { } found)
            {
                return found;
            }
            Assert.True(DateTime.UtcNow < deadline, "The condition did not hold in time.");
            await Task.Delay(100);
        }
    }

    private static async Task<T> EventuallyAsync<T>(Func<Task<T?>> probe, TimeSpan? within = null) where T : class
    {
        var deadline = DateTime.UtcNow + (within ?? TimeSpan.FromSeconds(30));
        while (true)
        {
            if (await probe() is { } found)
            {
                return found;
            }
            Assert.True(DateTime.UtcNow < deadline, "The condition did not hold in time.");
            await Task.Delay(100);
        }
    }
}

public sealed class HooksOnFileSystem(FileSystemFixture fixture) : HookTests(fixture), IClassFixture<FileSystemFixture>;

public sealed class HooksOnS3(S3Fixture fixture) : HookTests(fixture), IClassFixture<S3Fixture>;
