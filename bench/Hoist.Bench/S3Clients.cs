using Amazon.Runtime;
using Amazon.S3;
using Hoist.Testing;

namespace Hoist.Bench;

/// <summary>The S3 client of the bench's direct uploads and cleaning, on the store of <see cref="S3TestSettings"/>.</summary>
internal static class S3Clients
{
    public static AmazonS3Client CreateClient(this S3TestSettings settings) => new(new BasicAWSCredentials(settings.AccessKey, settings.SecretKey), new AmazonS3Config
    {
        ServiceURL = settings.ServiceUrl,
        AuthenticationRegion = settings.Region,
        ForcePathStyle = settings.ForcePathStyle,
        // Ceph 16 refuses the SDK's default flexible checksums (a trailing CRC32) over http.
        RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
        ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
    });
}
