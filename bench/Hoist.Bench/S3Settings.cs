using Amazon.Runtime;
using Amazon.S3;

namespace Hoist.Bench;

/// <summary>The store, from the same Hoist__Storage__S3__* variables that scripts/s3-server.sh prints.</summary>
internal sealed record S3Settings(string ServiceUrl, string Bucket, string AccessKey, string SecretKey, string Region)
{
    private const string Prefix = "Hoist__Storage__S3__";

    public static S3Settings FromEnvironment() => new(
        Get("ServiceUrl"), Get("Bucket"), Get("AccessKey"), Get("SecretKey"),
        Environment.GetEnvironmentVariable(Prefix + "Region") ?? "us-east-1");

    public AmazonS3Client CreateClient() => new(new BasicAWSCredentials(AccessKey, SecretKey), new AmazonS3Config
    {
        ServiceURL = ServiceUrl,
        AuthenticationRegion = Region,
        ForcePathStyle = true,
        // Ceph 16 refuses the SDK's default flexible checksums (a trailing CRC32) over http.
        RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
        ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
    });

    /// <summary>The variables a child process (a server, a client) needs to reach the same store.</summary>
    public Dictionary<string, string> ToEnvironment() => new()
    {
        [Prefix + "ServiceUrl"] = ServiceUrl,
        [Prefix + "Bucket"] = Bucket,
        [Prefix + "AccessKey"] = AccessKey,
        [Prefix + "SecretKey"] = SecretKey,
        [Prefix + "Region"] = Region,
        [Prefix + "ForcePathStyle"] = "true",
    };

    private static string Get(string name) =>
        Environment.GetEnvironmentVariable(Prefix + name)
        ?? throw new BenchArgsException($"{Prefix}{name} is not set: eval \"$(bash scripts/s3-server.sh env)\" first (bench/run.sh does).");
}
