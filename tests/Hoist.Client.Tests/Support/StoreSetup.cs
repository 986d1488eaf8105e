using System.Security.Cryptography;
using Hoist.Server.Storage;
using Hoist.Server.Storage.FileSystem;
using Hoist.Server.Storage.S3;

namespace Hoist.Client.Tests.Support;

/// <summary>
/// The store behind the server under test, as settings (Hoist:Storage:*) plus a direct handle on it
/// for what the API does not show (metadata) and for cleaning up.
/// </summary>
public abstract class StoreSetup : IAsyncDisposable
{
    public abstract string Name { get; }

    public abstract IReadOnlyDictionary<string, string?> Settings { get; }

    public abstract IObjectStore Open();

    public virtual Task InitializeAsync() => Task.CompletedTask;

    public abstract ValueTask DisposeAsync();
}

public sealed class FileSystemSetup : StoreSetup
{
    private readonly TempFolder _root = new();

    public override string Name => "FileSystem";

    public override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Hoist:Storage:Provider"] = "FileSystem",
        ["Hoist:Storage:FileSystem:Root"] = _root.Path,
    };

    public override IObjectStore Open() => new FileSystemStore(_root.Path);

    public override ValueTask DisposeAsync()
    {
        _root.Dispose();
        return ValueTask.CompletedTask;
    }
}

/// <summary>
/// The S3 store on a real S3 server: the Hoist__Storage__S3__* variables when set, else the local Ceph
/// RGW of scripts/s3-server.sh. A prefix of its own per run, emptied afterwards. An unreachable
/// server fails the tests: they never skip.
/// </summary>
public sealed class S3Setup : StoreSetup
{
    private const string EnvironmentPrefix = "Hoist__Storage__S3__";

    private static readonly Dictionary<string, string> LocalServer = new()
    {
        ["ServiceUrl"] = "http://127.0.0.1:7480",
        ["Bucket"] = "hoist-test",
        ["Region"] = "us-east-1",
        ["ForcePathStyle"] = "true",
        ["AccessKey"] = "hoisttestaccesskey",
        ["SecretKey"] = "hoisttestsecretkey0123456789",
        ["Prefix"] = "",
    };

    private readonly Dictionary<string, string> _s3;

    public S3Setup()
    {
        _s3 = LocalServer.ToDictionary(s => s.Key, s => Environment.GetEnvironmentVariable(EnvironmentPrefix + s.Key) is { Length: > 0 } value ? value : s.Value);
        _s3["Prefix"] += $"client-tests-{DateTime.UtcNow:yyyyMMdd-HHmmss}-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4))}/";
    }

    public override string Name => "S3";

    public override IReadOnlyDictionary<string, string?> Settings =>
        _s3.ToDictionary(s => $"Hoist:Storage:S3:{s.Key}", s => (string?)s.Value).Append(new("Hoist:Storage:Provider", "S3")).ToDictionary();

    public override IObjectStore Open() => new S3Store(new S3StorageOptions
    {
        ServiceUrl = _s3["ServiceUrl"],
        Bucket = _s3["Bucket"],
        Region = _s3["Region"],
        ForcePathStyle = bool.Parse(_s3["ForcePathStyle"]),
        AccessKey = _s3["AccessKey"],
        SecretKey = _s3["SecretKey"],
        Prefix = _s3["Prefix"],
    });

    public override async Task InitializeAsync()
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        try
        {
            using var response = await http.GetAsync(new Uri(_s3["ServiceUrl"]));
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            throw new InvalidOperationException(
                $"The S3 server {_s3["ServiceUrl"]} does not answer ({e.Message}). These tests need a real S3 server: " +
                "start the local one with `bash scripts/s3-server.sh up`, or set the Hoist__Storage__S3__* variables.", e);
        }
    }

    public override async ValueTask DisposeAsync()
    {
        var store = Open();
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
            await foreach (var upload in store.ListMultipartUploadsAsync("", timeout.Token))
            {
                await store.AbortMultipartUploadAsync(upload.Key, upload.UploadId, timeout.Token);
            }
            string? token = null;
            do
            {
                var page = await store.ListObjectsAsync("", token, 1000, timeout.Token);
                foreach (var item in page.Objects)
                {
                    await store.DeleteObjectAsync(item.Key, timeout.Token);
                }
                token = page.NextContinuationToken;
            }
            while (token is not null);
        }
        finally
        {
            (store as IDisposable)?.Dispose();
        }
    }
}
