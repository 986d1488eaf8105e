using Amazon.S3;
using Amazon.S3.Model;

namespace Hoist.Server.Storage.S3;

public sealed partial class S3Store
{
    public async Task<Uri> PresignUploadPartAsync(string key, string uploadId, int partNumber, DateTimeOffset expiresAt, byte[]? contentMd5, CancellationToken cancellationToken)
    {
        ObjectKey.Validate(key);
        ValidateUploadId(uploadId);
        ValidatePartNumber(partNumber);
        // The SDK refuses more than 7 days by its own clock.
        var latest = DateTimeOffset.UtcNow + IPresigningStore.MaxLifetime - TimeSpan.FromSeconds(1);
        var presign = new GetPreSignedUrlRequest
        {
            BucketName = _bucket,
            Key = ToS3Key(key),
            Verb = HttpVerb.PUT,
            Protocol = _presignProtocol,
            UploadId = uploadId,
            PartNumber = partNumber,
            Expires = (expiresAt < latest ? expiresAt : latest).UtcDateTime,
        };
        if (contentMd5 is not null)
        {
            // A signed header: S3 refuses a PUT without it (SignatureDoesNotMatch) and bytes that do not match it (BadDigest).
            presign.Headers.ContentMD5 = Convert.ToBase64String(contentMd5);
        }
        return new Uri(await CallAsync(() => _s3.GetPreSignedURLAsync(presign), Target.Upload, uploadId, cancellationToken));
    }
}
