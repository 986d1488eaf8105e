using System.Security.Cryptography;
using Hoist.Server.Storage;

namespace Hoist.Storage.Tests;

public abstract partial class StoreContract
{
    [Fact]
    public async Task Concurrent_completes_of_one_upload_make_one_whole_object()
    {
        for (var round = 0; round < 3; round++)
        {
            var key = Key($"raced-complete-{round}.bin");
            var uploadId = await CreateUploadAsync(key);
            byte[][] bodies = [TestData.Bytes(round * 10 + 1, MinPart), TestData.Bytes(round * 10 + 2, MinPart), TestData.Bytes(round * 10 + 3, MiB)];
            var parts = await Task.WhenAll(bodies.Select((b, i) => UploadPartAsync(key, uploadId, i + 1, b)));
            var expectedETag = MultipartETag(bodies);
            var size = bodies.Sum(b => (long)b.Length);

            using var start = new SemaphoreSlim(0);
            var racers = Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
            {
                await start.WaitAsync(Ct);
                try
                {
                    return (Completed: await CompleteAsync(key, uploadId, parts), Error: (StoreException?)null);
                }
                catch (StoreException e)
                {
                    return (Completed: (CompletedObject?)null, Error: e);
                }
            })).ToList();
            start.Release(racers.Count);
            var outcomes = await Task.WhenAll(racers);

            Assert.Contains(outcomes, o => o.Completed is not null);
            Assert.All(outcomes.Where(o => o.Completed is not null), o => Assert.Equal((expectedETag, size), (o.Completed!.ETag, o.Completed.Size)));
            Assert.All(outcomes.Where(o => o.Error is not null), o => Assert.True(o.Error!.Code == StoreErrorCode.NoSuchUpload,
                $"A losing complete must answer NoSuchUpload (or succeed), not {o.Error.Code}: {o.Error.Message}"));
            var head = await Store.HeadObjectAsync(key, Ct);
            Assert.Equal((expectedETag, size), (head?.ETag, head?.Size));
            Assert.Equal(
                Convert.ToHexString(SHA256.HashData(bodies.SelectMany(b => b).ToArray())),
                Convert.ToHexString(SHA256.HashData(await ReadAsync(key))));
        }
    }

    [Fact]
    public async Task A_reader_never_sees_a_partial_object_while_an_upload_completes()
    {
        var key = Key("watched.bin");
        var uploadId = await CreateUploadAsync(key);
        var parts = await Task.WhenAll(Enumerable.Range(1, 4).Select(n => UploadPartAsync(key, uploadId, n, TestData.Bytes(n, MinPart))));
        var size = 4L * MinPart;

        var seen = new List<(long Size, string ETag)?>();
        var completing = Task.Run(() => CompleteAsync(key, uploadId, parts));
        while (!completing.IsCompleted)
        {
            var head = await Store.HeadObjectAsync(key, Ct);
            seen.Add(head is null ? null : (head.Size, head.ETag));
        }
        var completed = await completing;

        Assert.All(seen, s => Assert.True(s is null || s == (size, completed.ETag), $"A reader saw {s} while the upload completed."));
        Assert.Equal(size, (await Store.HeadObjectAsync(key, Ct))?.Size);
    }

    [Fact]
    public async Task A_reader_sees_the_old_object_or_the_new_one_while_a_complete_replaces_it()
    {
        var key = Key("replaced-while-watched.bin");
        var old = await PutAsync(key, TestData.Bytes(99, 1000));
        var uploadId = await CreateUploadAsync(key);
        var parts = await Task.WhenAll(Enumerable.Range(1, 4).Select(n => UploadPartAsync(key, uploadId, n, TestData.Bytes(n, MinPart))));

        var seen = new List<(long Size, string ETag)?>();
        var completing = Task.Run(() => CompleteAsync(key, uploadId, parts));
        while (!completing.IsCompleted)
        {
            var head = await Store.HeadObjectAsync(key, Ct);
            seen.Add(head is null ? null : (head.Size, head.ETag));
        }
        var completed = await completing;

        Assert.All(seen, s => Assert.True(s == (old.Size, old.ETag) || s == (completed.Size, completed.ETag),
            $"A reader saw {s?.ToString() ?? "no object"} while the upload replaced the object."));
    }

    private const int RaceTrials = 20;

    [Fact]
    public async Task A_part_resent_while_the_upload_completes_never_changes_what_the_complete_answered()
    {
        for (var trial = 0; trial < RaceTrials; trial++)
        {
            var key = Key($"resent-during-complete-{trial}.bin");
            var uploadId = await CreateUploadAsync(key);
            byte[] first = TestData.Bytes(trial * 10 + 1, MinPart), second = TestData.Bytes(trial * 10 + 2, 10), resent = TestData.Bytes(trial * 10 + 3, MinPart);
            var p1 = await UploadPartAsync(key, uploadId, 1, first, Sha256(first));
            var p2 = await UploadPartAsync(key, uploadId, 2, second, Sha256(second));

            using var start = new SemaphoreSlim(0);
            var completing = Outcome(async () => { await start.WaitAsync(Ct); return await CompleteAsync(key, uploadId, p1, p2); });
            var resending = Outcome(async () => { await start.WaitAsync(Ct); return await UploadPartAsync(key, uploadId, 1, resent, Sha256(resent)); });
            start.Release(2);
            var (completed, completeError) = await completing;
            var (_, resendError) = await resending;

            // The loser of each race answers as S3 does: the part came too late, or replaced the one the complete named.
            Assert.True(resendError is null or { Code: StoreErrorCode.NoSuchUpload }, $"trial {trial}: the resent part got {resendError?.Code}: {resendError?.Message}");
            Assert.True(completeError is null or { Code: StoreErrorCode.InvalidPart }, $"trial {trial}: the complete got {completeError?.Code}: {completeError?.Message}");
            if (completed is null)
            {
                Assert.Null(await Store.HeadObjectAsync(key, Ct));
                await Store.AbortMultipartUploadAsync(key, uploadId, Ct);
                continue;
            }
            var stored = await ReadAsync(key);
            byte[][] storedParts = [stored[..MinPart], stored[MinPart..]];
            Assert.Equal(MultipartETag(storedParts), completed.ETag);
            Assert.Equal(CompositeSha256(storedParts), completed.ChecksumSha256);
            Assert.Equal(completed, await Store.HeadCompletedAsync(key, Ct));
        }
    }

    [Fact]
    public async Task Of_a_racing_complete_and_abort_exactly_one_wins()
    {
        var outcomes = new List<string>();
        for (var trial = 0; trial < RaceTrials; trial++)
        {
            var key = Key($"complete-or-abort-{trial}.bin");
            var uploadId = await CreateUploadAsync(key);
            var p1 = await UploadPartAsync(key, uploadId, 1, TestData.Bytes(trial * 10 + 1, MinPart));
            var p2 = await UploadPartAsync(key, uploadId, 2, TestData.Bytes(trial * 10 + 2, 10));

            using var start = new SemaphoreSlim(0);
            var completing = Outcome(async () => { await start.WaitAsync(Ct); return await CompleteAsync(key, uploadId, p1, p2); });
            var aborting = Outcome(async () => { await start.WaitAsync(Ct); await Store.AbortMultipartUploadAsync(key, uploadId, Ct); return true; });
            start.Release(2);
            var (completed, completeError) = await completing;
            var (aborted, abortError) = await aborting;

            Assert.True(completeError is null or { Code: StoreErrorCode.NoSuchUpload }, $"trial {trial}: the complete got {completeError?.Code}: {completeError?.Message}");
            Assert.True(abortError is null or { Code: StoreErrorCode.NoSuchUpload }, $"trial {trial}: the abort got {abortError?.Code}: {abortError?.Message}");
            Assert.True(completed is not null ^ aborted, $"trial {trial}: exactly one must win, but complete won: {completed is not null}, abort won: {aborted}");
            var head = await Store.HeadObjectAsync(key, Ct);
            Assert.Equal(completed?.Size, head?.Size);
            await AssertStoreErrorAsync(StoreErrorCode.NoSuchUpload, () => ListPartsAsync(key, uploadId));
            outcomes.Add(completed is not null ? "complete" : "abort");
        }
        Assert.Equal(RaceTrials, outcomes.Count);
    }

    /// <summary>Runs a racer to its end: its answer, or the store's refusal (anything else fails the test).</summary>
    private static async Task<(T? Value, StoreException? Error)> Outcome<T>(Func<Task<T>> racer)
    {
        await Task.Yield();
        try
        {
            return (await Task.Run(racer), null);
        }
        catch (StoreException e)
        {
            return (default, e);
        }
    }

    private static string CompositeSha256(IEnumerable<byte[]> parts)
    {
        var sums = parts.Select(SHA256.HashData).ToList();
        return $"{Convert.ToBase64String(SHA256.HashData(sums.SelectMany(s => s).ToArray()))}-{sums.Count}";
    }
}
