using System.Security.Cryptography;
using Hoist.Server.Storage;

namespace Hoist.Server.Tests.Support;

/// <summary>
/// The S3Store on a real S3 server: the Hoist__Storage__S3__* environment variables when set, else
/// the local Ceph RGW of scripts/s3-server.sh. Each fixture works under a prefix of its own and
/// empties it afterwards. An unreachable server fails the tests with a message: they never skip.
/// </summary>
public sealed class S3Fixture : StoreFixture
{
    private const string EnvironmentPrefix = "Hoist__Storage__S3__";
    private static readonly string RunPrefix = $"hoist-server-tests-{DateTime.UtcNow:yyyyMMdd-HHmmss}-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(3))}/";

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

    public S3Fixture()
    {
        _s3 = LocalServer.ToDictionary(
            s => s.Key,
            s => Environment.GetEnvironmentVariable(EnvironmentPrefix + s.Key) is { Length: > 0 } value ? value : s.Value);
        _s3["Prefix"] += $"{RunPrefix}{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4))}/";
    }

    public override string StoreName => "S3";

    public override IReadOnlyDictionary<string, string?> StoreSettings
    {
        get
        {
            var settings = new Dictionary<string, string?> { ["Hoist:Storage:Provider"] = "S3" };
            foreach (var (name, value) in _s3)
            {
                settings[$"Hoist:Storage:S3:{name}"] = value;
            }
            return settings;
        }
    }

    private string Where => $"S3 server {(_s3["ServiceUrl"] is { Length: > 0 } url ? url : "(AWS)")}, bucket '{_s3["Bucket"]}'";

    public override async Task InitializeAsync()
    {
        if (_s3["ServiceUrl"] is { Length: > 0 } serviceUrl)
        {
            // Generous: a server that is down refuses at once; one that is busy (a loaded CI machine) may take a while.
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
            try
            {
                using var response = await http.GetAsync(new Uri(serviceUrl));
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                throw new InvalidOperationException(
                    $"The {Where} does not answer ({e.Message}). The S3 API tests need a real S3 server: " +
                    "start the local one with `bash scripts/s3-server.sh up`, or set the Hoist__Storage__S3__* variables.", e);
            }
        }
        await base.InitializeAsync();
    }

    public override async Task DisposeAsync()
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
            await EmptyAsync(Store, timeout.Token);
        }
        catch (InvalidOperationException)
        {
            // Never initialized: nothing to empty.
        }
        finally
        {
            await base.DisposeAsync();
        }
    }

    /// <summary>Aborts every upload and deletes every object under this fixture's prefix.</summary>
    private static async Task EmptyAsync(IObjectStore store, CancellationToken cancellationToken)
    {
        await foreach (var upload in store.ListMultipartUploadsAsync("", cancellationToken))
        {
            try
            {
                await store.AbortMultipartUploadAsync(upload.Key, upload.UploadId, cancellationToken);
            }
            catch (StoreException e) when (e.Code == StoreErrorCode.NoSuchUpload)
            {
            }
        }
        string? token = null;
        do
        {
            var page = await store.ListObjectsAsync("", token, 1000, cancellationToken);
            foreach (var o in page.Objects)
            {
                await store.DeleteObjectAsync(o.Key, cancellationToken);
            }
            token = page.NextContinuationToken;
        }
        while (token is not null);
    }
}
