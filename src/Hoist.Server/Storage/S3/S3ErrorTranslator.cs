using System.Net;
using System.Net.Sockets;
using Amazon.Runtime;

namespace Hoist.Server.Storage.S3;

/// <summary>What an S3 call addresses, which decides what "not found" means.</summary>
internal enum S3Target
{
    Object,
    Upload,
}

/// <summary>
/// Turns what S3 (through the SDK, or the XML body of a presigned call) answers into the store
/// contract's <see cref="StoreException"/>s (docs/store-contract.md), naming the setting to fix when
/// the store and this server's settings do not fit.
/// </summary>
internal sealed class S3ErrorTranslator(string endpoint, string bucket)
{

    /// <summary>Runs an SDK call and turns its failures into <see cref="StoreException"/>s.</summary>
    public async Task<T> CallAsync<T>(Func<Task<T>> call, S3Target target, string? uploadId, CancellationToken cancellationToken)
    {
        try
        {
            return await call();
        }
        catch (Exception e) when (Translate(e, target, uploadId, cancellationToken) is { } mapped)
        {
            throw mapped;
        }
    }

    public StoreException? Translate(Exception e, S3Target target, string? uploadId, CancellationToken cancellationToken) => e switch
    {
        StoreException => null,
        OperationCanceledException when cancellationToken.IsCancellationRequested => null,
        AmazonServiceException { ErrorCode: { Length: > 0 } code } s => FromS3Error(code, s.StatusCode, s.Message, target, uploadId, e),
        AmazonServiceException { StatusCode: >= HttpStatusCode.InternalServerError } s => FromS3Error(null, s.StatusCode, s.Message, target, uploadId, e),
        _ when IsNetworkFailure(e) => Unavailable("The store did not answer.", e),
        _ => null,
    };

    /// <summary>A dropped connection or a timeout, possibly wrapped by the SDK or HttpClient.</summary>
    private static bool IsNetworkFailure(Exception e)
    {
        for (Exception? x = e; x is not null; x = x.InnerException)
        {
            if (x is HttpRequestException or IOException or SocketException or TimeoutException or OperationCanceledException)
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>S3's error codes, as the SDK reports them or as the XML body of a presigned call carries them.</summary>
    public StoreException? FromS3Error(string? code, HttpStatusCode status, string? message, S3Target target, string? uploadId, Exception? inner)
    {
        var said = Said(status, code, message);
        return code switch
        {
            "NoSuchUpload" => StoreException.NoSuchUpload(uploadId ?? "", inner),
            // Ceph answers NoSuchKey where AWS answers NoSuchUpload (ListParts, UploadPart, Abort).
            "NoSuchKey" or "NotFound" when target == S3Target.Upload => StoreException.NoSuchUpload(uploadId ?? "", inner),
            "NoSuchKey" or "NotFound" => new StoreException(StoreErrorCode.NoSuchKey, said, inner),
            "InvalidPart" => new StoreException(StoreErrorCode.InvalidPart, said, inner),
            "InvalidPartOrder" => new StoreException(StoreErrorCode.InvalidPartOrder, said, inner),
            "EntityTooSmall" => new StoreException(StoreErrorCode.EntityTooSmall, said, inner),
            "EntityTooLarge" => new StoreException(StoreErrorCode.EntityTooLarge, said, inner),
            // XAmzContentSHA256Mismatch: the bytes are not the SHA-256 a part's URL was signed with (S3PayloadSigner).
            "BadDigest" or "InvalidDigest" or "XAmzContentSHA256Mismatch" => new StoreException(StoreErrorCode.BadDigest, said, inner),
            "IncompleteBody" => new StoreException(StoreErrorCode.IncompleteBody, said, inner),
            // If-None-Match: * on a put that may only create (PutCompletedAsync): the key holds an object.
            "PreconditionFailed" when target == S3Target.Object => new StoreException(StoreErrorCode.ObjectExists, said, inner),
            "InvalidRange" => new StoreException(StoreErrorCode.InvalidRange, said, inner),
            "KeyTooLongError" => new StoreException(StoreErrorCode.InvalidKey, said, inner),
            "InvalidArgument" or "MetadataTooLarge" => new StoreException(StoreErrorCode.InvalidArgument, said, inner),
            // Ceph's user and bucket quotas (radosgw-admin quota set); not worth retrying until space is freed.
            "QuotaExceeded" => new StoreException(StoreErrorCode.QuotaExceeded, said, inner),
            // The store is there but this server's settings do not fit it: an operator must act.
            "NoSuchBucket" or "InvalidBucketName" or "AccessDenied" or "AllAccessDisabled" or "InvalidAccessKeyId" or "SignatureDoesNotMatch"
                or "InvalidToken" or "ExpiredToken" or "AuthorizationHeaderMalformed" or "PermanentRedirect" =>
                new StoreException(StoreErrorCode.Misconfigured, $"The S3 store at {endpoint} answered {code} for bucket '{bucket}': {Hint(code)}", inner),
            "SlowDown" or "ServiceUnavailable" or "InternalError" or "RequestTimeout" or "OperationAborted" => Unavailable(said, inner),
            _ when status >= HttpStatusCode.InternalServerError => Unavailable(said, inner),
            _ => null,
        };
    }

    /// <summary>What an operator should check for each misconfiguration, naming the setting.</summary>
    private static string Hint(string code) => code switch
    {
        "NoSuchBucket" => "it does not exist. Create it, or set Hoist:Storage:S3:Bucket to one that exists.",
        "InvalidBucketName" => "that is not a valid bucket name. Check Hoist:Storage:S3:Bucket.",
        "InvalidAccessKeyId" => "the access key is unknown there. Check Hoist:Storage:S3:AccessKey (and ServiceUrl: is it the right store?).",
        "SignatureDoesNotMatch" => "the secret key does not match the access key. Check Hoist:Storage:S3:SecretKey.",
        "PermanentRedirect" or "AuthorizationHeaderMalformed" => "the bucket is in another region. Check Hoist:Storage:S3:Region.",
        "InvalidToken" or "ExpiredToken" => "the credentials' session token is invalid or expired. Renew the credentials.",
        _ => "these credentials may not use it. Grant them s3:PutObject, s3:GetObject, s3:DeleteObject, s3:ListBucket, s3:ListBucketMultipartUploads, s3:AbortMultipartUpload and s3:ListMultipartUploadParts on it.",
    };

    public static string Said(HttpStatusCode status, string? code, string? message) =>
        string.IsNullOrEmpty(message) ? $"The store answered {(int)status} {code}." : $"The store answered {(int)status} {code}: {message}";

    public static StoreException Unavailable(string message, Exception? inner) =>
        new(StoreErrorCode.Unavailable, message, inner);
}
