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
            var expectedETag = TestData.MultipartETag(bodies.Select(b => MD5.HashData(b)).ToList());
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
}
