using System.Security.Cryptography;

namespace Hoist.Storage.Tests;

/// <summary>
/// An S3Store on a real S3 server: the Hoist__Storage__S3__* environment variables when set,
/// else the local Ceph RGW of scripts/s3-server.sh. Each run works under its own random prefix
/// and empties it afterwards. An unreachable server fails every test: these tests never skip.
/// </summary>
public sealed class S3StoreFixture : StoreFixture
{
    private const string EnvironmentPrefix = "Hoist__Storage__S3__";

    public override bool Presigns => true;

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

    private readonly Dictionary<string, string> _s3 = LocalServer.ToDictionary(
        s => s.Key,
        s => Environment.GetEnvironmentVariable(EnvironmentPrefix + s.Key) is { Length: > 0 } value ? value : s.Value);

    public S3StoreFixture()
    {
        // A prefix of its own per run: runs sharing a bucket never see each other's objects or uploads.
        _s3["Prefix"] += $"store-contract-{DateTime.UtcNow:yyyyMMdd-HHmmss}-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4))}/";
    }

    private string Where => $"S3 server {(_s3["ServiceUrl"] is { Length: > 0 } url ? url : "(AWS)")}, bucket '{_s3["Bucket"]}'";

    protected override IReadOnlyDictionary<string, string?> Settings()
    {
        var settings = new Dictionary<string, string?> { ["Hoist:Storage:Provider"] = "S3" };
        foreach (var (name, value) in _s3)
        {
            settings[$"Hoist:Storage:S3:{name}"] = value;
        }
        return settings;
    }

    public override async Task InitializeAsync()
    {
        await ProbeServerAsync();
        await base.InitializeAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try
        {
            await Store.ListObjectsAsync("", null, 1, timeout.Token);
        }
        catch (Exception e)
        {
            throw new InvalidOperationException(
                $"The {Where} answers HTTP, but S3Store cannot list the bucket: {e.GetType().Name}: {e.Message}", e);
        }
    }

    public override async Task DisposeAsync()
    {
        try
        {
            if (Store is not null)
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
                await EmptyStoreAsync(timeout.Token);
            }
        }
        finally
        {
            await base.DisposeAsync();
        }
    }

    private async Task ProbeServerAsync()
    {
        if (_s3["ServiceUrl"] is not { Length: > 0 } serviceUrl)
        {
            return;
        }
        using var http = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { Timeout = TimeSpan.FromSeconds(30) };
        try
        {
            using var response = await http.GetAsync(new Uri(serviceUrl));
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            throw new InvalidOperationException(
                $"The {Where} does not answer ({e.Message}). The S3 store contract tests need a real S3 server: " +
                "start the local one with `bash scripts/s3-server.sh up`, or set the Hoist__Storage__S3__* variables.", e);
        }
    }
}
