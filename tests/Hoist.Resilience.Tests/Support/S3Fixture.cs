using System.Security.Cryptography;
using Hoist.Server.Storage;
using Hoist.Server.Storage.S3;

namespace Hoist.Resilience.Tests.Support;

/// <summary>
/// The S3Store on a real S3 server: the Hoist__Storage__S3__* environment variables when set, else
/// the local Ceph RGW of scripts/s3-server.sh. Each fixture works under a prefix of its own and
/// empties it afterwards. An unreachable server fails the tests with a message: they never skip.
/// </summary>
public sealed class S3Fixture : StoreFixture
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

    public S3Fixture()
    {
        _s3 = LocalServer.ToDictionary(
            s => s.Key,
            s => Environment.GetEnvironmentVariable(EnvironmentPrefix + s.Key) is { Length: > 0 } value ? value : s.Value);
        _s3["Prefix"] += $"hoist-resilience-{DateTime.UtcNow:yyyyMMdd-HHmmss}-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4))}/";
    }

    public override string StoreName => "S3";

    public override IReadOnlyDictionary<string, string?> StoreSettings =>
        _s3.ToDictionary(s => $"Hoist:Storage:S3:{s.Key}", s => (string?)s.Value)
            .Append(new("Hoist:Storage:Provider", "S3"))
            .ToDictionary();

    public override IObjectStore OpenStore() => new S3Store(new S3StorageOptions
    {
        ServiceUrl = _s3["ServiceUrl"] is { Length: > 0 } url ? url : null,
        Bucket = _s3["Bucket"],
        Region = _s3["Region"],
        ForcePathStyle = bool.Parse(_s3["ForcePathStyle"]),
        AccessKey = _s3["AccessKey"] is { Length: > 0 } access ? access : null,
        SecretKey = _s3["SecretKey"] is { Length: > 0 } secret ? secret : null,
        Prefix = _s3["Prefix"],
    });

    private string Where => $"S3 server {(_s3["ServiceUrl"] is { Length: > 0 } url ? url : "(AWS)")}, bucket '{_s3["Bucket"]}'";

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        try
        {
            await Store.ListObjectsAsync("", null, 1, timeout.Token);
        }
        catch (Exception e)
        {
            throw new InvalidOperationException(
                $"The {Where} does not answer ({e.GetType().Name}: {e.Message}). These tests need a real S3 server: " +
                "start the local one with `bash scripts/s3-server.sh up`, or set the Hoist__Storage__S3__* variables.", e);
        }
    }

    public override async Task DisposeAsync()
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
            await EmptyAsync(timeout.Token);
        }
        finally
        {
            await base.DisposeAsync();
        }
    }

    /// <summary>Aborts every upload and deletes every object under this fixture's prefix.</summary>
    private async Task EmptyAsync(CancellationToken cancellationToken)
    {
        foreach (var upload in await IncompleteUploadsAsync(cancellationToken))
        {
            try
            {
                await Store.AbortMultipartUploadAsync(upload.Key, upload.UploadId, cancellationToken);
            }
            catch (StoreException e) when (e.Code == StoreErrorCode.NoSuchUpload)
            {
            }
        }
        string? token = null;
        do
        {
            var page = await Store.ListObjectsAsync("", token, 1000, cancellationToken);
            foreach (var o in page.Objects)
            {
                await Store.DeleteObjectAsync(o.Key, cancellationToken);
            }
            token = page.NextContinuationToken;
        }
        while (token is not null);
    }
}
