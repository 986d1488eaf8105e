using System.Security.Cryptography;
using Hoist.Server.Storage;
using Hoist.Server.Storage.FileSystem;
using Hoist.Server.Storage.S3;

namespace Hoist.Testing;

/// <summary>
/// A store for tests, of its own: its settings (Hoist:Storage:*, as an operator writes them), a direct
/// handle on it (to look behind the API), and its cleanup. Every suite runs on both kinds.
/// </summary>
public abstract class TestStore : IAsyncDisposable
{
    /// <summary>"FileSystem" or "S3", for messages.</summary>
    public abstract string Name { get; }

    public abstract IReadOnlyDictionary<string, string?> Settings { get; }

    /// <summary>A new store object over this storage (the real one, without the server's decorators); the caller disposes it.</summary>
    public abstract IObjectStore Open();

    public virtual Task InitializeAsync() => Task.CompletedTask;

    /// <summary>The ETag this store gives a part of these bytes (docs/store-contract.md, "ETags"), computed here from the bytes alone.</summary>
    public abstract string PartETag(ReadOnlySpan<byte> bytes);

    /// <summary>The multipart ETag of these parts on this store: MD5 of the binary part ETags, then "-N".</summary>
    public string MultipartETag(IEnumerable<ReadOnlyMemory<byte>> parts)
    {
        var etags = parts.Select(p => Convert.FromHexString(PartETag(p.Span))).ToList();
        return $"{Convert.ToHexStringLower(MD5.HashData(etags.SelectMany(e => e).ToArray()))}-{etags.Count}";
    }

    /// <summary>The multipart ETag of a file sent in parts of <paramref name="partSize"/> (one empty part for an empty file).</summary>
    public string MultipartETag(byte[] file, int partSize) => MultipartETag(TestData.Split(file, partSize));

    public abstract ValueTask DisposeAsync();

    /// <summary>Aborts every upload and deletes every object <paramref name="store"/> can see (all of it the test's own).</summary>
    public static async Task EmptyAsync(IObjectStore store, CancellationToken cancellationToken)
    {
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = cancellationToken };
        var uploads = new List<IncompleteUpload>();
        await foreach (var upload in store.ListMultipartUploadsAsync("", cancellationToken))
        {
            uploads.Add(upload);
        }
        await Parallel.ForEachAsync(uploads, parallel, async (upload, ct) =>
        {
            try
            {
                await store.AbortMultipartUploadAsync(upload.Key, upload.UploadId, ct);
            }
            catch (StoreException e) when (e.Code == StoreErrorCode.NoSuchUpload)
            {
            }
        });
        string? token = null;
        do
        {
            var page = await store.ListObjectsAsync("", token, 1000, cancellationToken);
            await Parallel.ForEachAsync(page.Objects, parallel, async (o, ct) => await store.DeleteObjectAsync(o.Key, ct));
            token = page.NextContinuationToken;
        }
        while (token is not null);
    }
}

/// <summary>The embedded FileSystemStore on a fresh temporary folder, deleted afterwards.</summary>
public sealed class FileSystemTestStore(string purpose) : TestStore
{
    public string Root { get; } = Path.Combine(Path.GetTempPath(), $"{purpose}-{Guid.NewGuid():N}");

    public override string Name => "FileSystem";

    public override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Hoist:Storage:Provider"] = "FileSystem",
        ["Hoist:Storage:FileSystem:Root"] = Root,
    };

    public override IObjectStore Open() => new FileSystemStore(Root);

    /// <summary>The first half of the part's SHA-256, in hex: the file system store hashes each byte once.</summary>
    public override string PartETag(ReadOnlySpan<byte> bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes).AsSpan(0, 16));

    public override ValueTask DisposeAsync()
    {
        try
        {
            if (Directory.Exists(Root))
            {
                Directory.Delete(Root, recursive: true);
            }
        }
        catch (IOException)
        {
            // A process killed by a test may still hold a file for a moment; the OS temp cleaner gets it.
        }
        return ValueTask.CompletedTask;
    }
}

/// <summary>
/// The S3Store on the real S3 server (<see cref="S3TestSettings"/>), under a prefix of its own per
/// store, emptied afterwards. An unreachable server fails the tests with a message: they never skip.
/// </summary>
/// <param name="purpose">the start of the store's key prefix</param>
/// <param name="bucket">a bucket other than the test server's own (created when missing), for tests that change a bucket's settings</param>
public sealed class S3TestStore(string purpose, string? bucket = null) : TestStore
{
    public S3TestSettings S3 { get; } = (bucket is null ? S3TestSettings.FromEnvironment() : S3TestSettings.FromEnvironment() with { Bucket = bucket })
        .Under($"{purpose}-{DateTime.UtcNow:yyyyMMdd-HHmmss}-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4))}/");

    public override string Name => "S3";

    public override IReadOnlyDictionary<string, string?> Settings => S3.ToSettings();

    public override IObjectStore Open() => new S3Store(S3.ToOptions());

    /// <summary>S3's rule: the hex MD5 of the part.</summary>
    public override string PartETag(ReadOnlySpan<byte> bytes) => TestData.Md5Hex(bytes);

    public override async Task InitializeAsync()
    {
        await S3.ProbeAsync();
        if (bucket is not null)
        {
            await S3.EnsureBucketAsync();
        }
        var store = Open();
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await store.ListObjectsAsync("", null, 1, timeout.Token);
        }
        catch (Exception e)
        {
            throw new InvalidOperationException($"The {S3.Where} answers HTTP, but S3Store cannot list the bucket: {e.GetType().Name}: {e.Message}", e);
        }
        finally
        {
            (store as IDisposable)?.Dispose();
        }
    }

    public override async ValueTask DisposeAsync()
    {
        var store = Open();
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
            await EmptyAsync(store, timeout.Token);
        }
        finally
        {
            (store as IDisposable)?.Dispose();
        }
    }
}
