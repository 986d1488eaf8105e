using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using Hoist.Server.Storage;

namespace Hoist.Testing;

/// <summary>
/// The real S3 server the tests and the bench use: the Hoist__Storage__S3__* environment variables
/// (<c>eval "$(bash scripts/s3-server.sh env)"</c>) when set, else the values that script prints for
/// the local Ceph RGW. An empty ServiceUrl means AWS itself.
/// </summary>
public sealed record S3TestSettings(string ServiceUrl, string Bucket, string AccessKey, string SecretKey, string Region, bool ForcePathStyle, string Prefix)
{
    public const string EnvironmentPrefix = "Hoist__Storage__S3__";

    public static S3TestSettings FromEnvironment() => new(
        Get("ServiceUrl", "http://127.0.0.1:7480"),
        Get("Bucket", "hoist-test"),
        Get("AccessKey", "hoisttestaccesskey"),
        Get("SecretKey", "hoisttestsecretkey0123456789"),
        Get("Region", "us-east-1"),
        bool.Parse(Get("ForcePathStyle", "true")),
        Get("Prefix", ""));

    /// <summary>The same server and bucket, under <paramref name="folder"/> (ending in '/') below the prefix.</summary>
    public S3TestSettings Under(string folder) => this with { Prefix = Prefix + folder };

    /// <summary>"S3 server URL, bucket 'name'", for messages.</summary>
    public string Where => $"S3 server {(ServiceUrl is { Length: > 0 } url ? url : "(AWS)")}, bucket '{Bucket}'";

    /// <summary>Hoist:Storage:Provider and Hoist:Storage:S3:*, as an app's configuration.</summary>
    public IReadOnlyDictionary<string, string?> ToSettings() => new Dictionary<string, string?>
    {
        ["Hoist:Storage:Provider"] = "S3",
        ["Hoist:Storage:S3:ServiceUrl"] = ServiceUrl,
        ["Hoist:Storage:S3:Bucket"] = Bucket,
        ["Hoist:Storage:S3:Region"] = Region,
        ["Hoist:Storage:S3:ForcePathStyle"] = ForcePathStyle ? "true" : "false",
        ["Hoist:Storage:S3:AccessKey"] = AccessKey,
        ["Hoist:Storage:S3:SecretKey"] = SecretKey,
        ["Hoist:Storage:S3:Prefix"] = Prefix,
    };

    /// <summary>The variables a child process (a server, a client) needs to reach the same store.</summary>
    public Dictionary<string, string> ToEnvironment()
    {
        var environment = new Dictionary<string, string>
        {
            [EnvironmentPrefix + "ServiceUrl"] = ServiceUrl,
            [EnvironmentPrefix + "Bucket"] = Bucket,
            [EnvironmentPrefix + "AccessKey"] = AccessKey,
            [EnvironmentPrefix + "SecretKey"] = SecretKey,
            [EnvironmentPrefix + "Region"] = Region,
            [EnvironmentPrefix + "ForcePathStyle"] = ForcePathStyle ? "true" : "false",
        };
        if (Prefix.Length > 0)
        {
            environment[EnvironmentPrefix + "Prefix"] = Prefix;
        }
        return environment;
    }

    public S3StorageOptions ToOptions() => new()
    {
        ServiceUrl = ServiceUrl is { Length: > 0 } url ? url : null,
        Bucket = Bucket,
        Region = Region,
        ForcePathStyle = ForcePathStyle,
        AccessKey = AccessKey is { Length: > 0 } access ? access : null,
        SecretKey = SecretKey is { Length: > 0 } secret ? secret : null,
        Prefix = Prefix,
    };

    /// <summary>An AWS SDK client of this server, for what a test or the bench does beside Hoist (a bucket's CORS rule, a direct upload).</summary>
    public AmazonS3Client CreateS3Client() => new(new BasicAWSCredentials(AccessKey, SecretKey), new AmazonS3Config
    {
        ServiceURL = ServiceUrl,
        AuthenticationRegion = Region,
        ForcePathStyle = ForcePathStyle,
        // Ceph 16 refuses the SDK's default flexible checksums (a trailing CRC32) over http.
        RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
        ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
    });

    /// <summary>Creates the bucket when it is not there yet (a bucket of a test's own, e.g. one whose CORS rule the test changes).</summary>
    public async Task EnsureBucketAsync()
    {
        using var s3 = CreateS3Client();
        try
        {
            await s3.PutBucketAsync(new PutBucketRequest { BucketName = Bucket });
        }
        catch (AmazonS3Exception e) when (e.ErrorCode is "BucketAlreadyOwnedByYou" or "BucketAlreadyExists")
        {
            // There from an earlier run.
        }
    }

    /// <summary>
    /// The bucket CORS rule the README gives for browsers that PUT parts to presigned URLs: PUT from
    /// <paramref name="origin"/>, Content-MD5 and Content-Type allowed, ETag exposed.
    /// </summary>
    public async Task AllowBrowserPutsAsync(string origin = "*")
    {
        using var s3 = CreateS3Client();
        await s3.PutCORSConfigurationAsync(new PutCORSConfigurationRequest
        {
            BucketName = Bucket,
            Configuration = new CORSConfiguration
            {
                Rules = [new CORSRule { AllowedOrigins = [origin], AllowedMethods = ["PUT"], AllowedHeaders = ["content-type", "content-md5"], ExposeHeaders = ["ETag"], MaxAgeSeconds = 3600 }],
            },
        });
    }

    /// <summary>Removes the bucket's CORS rules: a browser may no longer send to it from another origin.</summary>
    public async Task RemoveCorsAsync()
    {
        using var s3 = CreateS3Client();
        await s3.DeleteCORSConfigurationAsync(new DeleteCORSConfigurationRequest { BucketName = Bucket });
    }

    /// <summary>Fails with a message saying what to do when the server does not answer HTTP (tests never skip for it).</summary>
    public async Task ProbeAsync()
    {
        if (ServiceUrl is not { Length: > 0 } serviceUrl)
        {
            return;
        }
        // Generous: a server that is down refuses at once; one that is busy (a loaded CI machine) may take a while.
        using var http = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { Timeout = TimeSpan.FromSeconds(30) };
        try
        {
            using var response = await http.GetAsync(new Uri(serviceUrl));
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            throw new InvalidOperationException(
                $"The {Where} does not answer ({e.Message}). These tests need a real S3 server: " +
                "start the local one with `bash scripts/s3-server.sh up`, or set the Hoist__Storage__S3__* variables.", e);
        }
    }

    private static string Get(string name, string fallback) =>
        Environment.GetEnvironmentVariable(EnvironmentPrefix + name) is { Length: > 0 } value ? value : fallback;
}
