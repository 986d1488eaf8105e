using System.Globalization;
using System.Buffers.Text;
using System.Net;
using System.Text;
using Amazon.S3;
using Amazon.S3.Model;

namespace Hoist.Server.Storage.S3;

public sealed partial class S3Store
{
    private const string TokenMark = "s3:";

    public async Task<ObjectInfo> PutObjectAsync(string key, Stream body, long length, string? contentType, IReadOnlyDictionary<string, string> metadata, CancellationToken cancellationToken)
    {
        ObjectKey.Validate(key);
        if (length > S3Limits.MaxPartSize)
        {
            throw new StoreException(StoreErrorCode.EntityTooLarge, $"A single put may hold at most {S3Limits.MaxPartSize} bytes.");
        }
        var presign = new GetPreSignedUrlRequest { Key = ToS3Key(key), ContentType = NullIfEmpty(contentType) };
        S3Metadata.CopyTo(metadata, presign.Metadata);
        await using var checkedBody = new PartBodyStream(body, length, null, computeMd5: VerifyETags);
        var etag = await PutPresignedAsync(presign, checkedBody, length, S3Target.Object, null, cancellationToken);
        return new ObjectInfo(key, length, etag, DateTimeOffset.UtcNow, contentType, ObjectMetadata.Normalize(metadata));
    }

    public async Task<ObjectInfo?> HeadObjectAsync(string key, CancellationToken cancellationToken)
    {
        ObjectKey.Validate(key);
        var request = new GetObjectMetadataRequest { BucketName = _bucket, Key = ToS3Key(key) };
        try
        {
            var response = await CallAsync(() => _s3.GetObjectMetadataAsync(request, cancellationToken), S3Target.Object, null, cancellationToken);
            return new ObjectInfo(key, response.ContentLength, Unquote(response.ETag), ToOffset(response.LastModified),
                ContentTypeOf(response.Headers.ContentType), S3Metadata.Read(response.Metadata));
        }
        catch (StoreException e) when (e.Code == StoreErrorCode.NoSuchKey)
        {
            return null;
        }
    }

    public async Task<ObjectContent> GetObjectAsync(string key, ByteRange? range, CancellationToken cancellationToken)
    {
        ObjectKey.Validate(key);
        var request = new GetObjectRequest { BucketName = _bucket, Key = ToS3Key(key), ByteRange = ToS3Range(range) };
        var response = await CallAsync(() => _s3.GetObjectAsync(request, cancellationToken), S3Target.Object, null, cancellationToken);
        try
        {
            long first = 0, length = response.ContentLength, size = response.ContentLength;
            if (response.HttpStatusCode == HttpStatusCode.PartialContent)
            {
                (first, size) = ParseContentRange(response.ContentRange);
            }
            var info = new ObjectInfo(key, size, Unquote(response.ETag), ToOffset(response.LastModified),
                ContentTypeOf(response.Headers.ContentType), S3Metadata.Read(response.Metadata));
            return new ObjectContent(info, response.ResponseStream, first, length);
        }
        catch
        {
            response.Dispose();
            throw;
        }
    }

    public async Task DeleteObjectAsync(string key, CancellationToken cancellationToken)
    {
        ObjectKey.Validate(key);
        var request = new DeleteObjectRequest { BucketName = _bucket, Key = ToS3Key(key) };
        await CallAsync(() => _s3.DeleteObjectAsync(request, cancellationToken), S3Target.Object, null, cancellationToken);
        await _markers.ForgetObjectAsync(key, cancellationToken);
    }

    public async Task<ObjectPage> ListObjectsAsync(string prefix, string? continuationToken, int maxKeys, CancellationToken cancellationToken)
    {
        ObjectKey.ValidatePrefix(prefix);
        var request = new ListObjectsV2Request
        {
            BucketName = _bucket,
            Prefix = ToS3Key(prefix),
            MaxKeys = Math.Clamp(maxKeys, 1, 1000),
            ContinuationToken = DecodeToken(continuationToken),
        };
        var page = await CallAsync(() => _s3.ListObjectsV2Async(request, cancellationToken), S3Target.Object, null, cancellationToken);
        // Listings carry no content type or metadata; HeadObject has them.
        var objects = (page.S3Objects ?? [])
            .Where(o => !ObjectKey.IsReserved(FromS3Key(o.Key)))
            .Select(o => new ObjectInfo(FromS3Key(o.Key), o.Size ?? 0, Unquote(o.ETag), ToOffset(o.LastModified), null, new Dictionary<string, string>()))
            .ToList();
        return new ObjectPage(objects, page.IsTruncated == true ? EncodeToken(page.NextContinuationToken) : null);
    }

    /// <summary>S3 answers its default type when none was given; the contract says null.</summary>
    private static string? ContentTypeOf(string? s3ContentType) =>
        s3ContentType is null or "binary/octet-stream" ? null : s3ContentType;

    // S3's token goes out wrapped: Ceph takes any garbage token as a start key, where AWS refuses it.
    private static string? EncodeToken(string? s3Token) =>
        string.IsNullOrEmpty(s3Token) ? null : Base64Url.EncodeToString(Encoding.UTF8.GetBytes(TokenMark + s3Token));

    private static string? DecodeToken(string? token)
    {
        if (string.IsNullOrEmpty(token))
        {
            return null;
        }
        try
        {
            var decoded = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(token));
            if (decoded.StartsWith(TokenMark, StringComparison.Ordinal) && decoded.Length > TokenMark.Length)
            {
                return decoded[TokenMark.Length..];
            }
        }
        catch (FormatException)
        {
        }
        throw new StoreException(StoreErrorCode.InvalidArgument, "The continuation token is not valid.");
    }

    /// <summary>The Range header for a range, checking in-process what S3 would silently ignore.</summary>
    private static Amazon.S3.Model.ByteRange? ToS3Range(Storage.ByteRange? range)
    {
        if (range is null)
        {
            return null;
        }
        if (range.SuffixLength is { } suffix)
        {
            return suffix > 0
                ? new Amazon.S3.Model.ByteRange(FormattableString.Invariant($"bytes=-{suffix}"))
                : throw new StoreException(StoreErrorCode.InvalidRange, "A suffix range must name at least one byte.");
        }
        var from = range.From ?? 0;
        if (from < 0 || range.To < from)
        {
            throw new StoreException(StoreErrorCode.InvalidRange, "The range is not satisfiable.");
        }
        return new Amazon.S3.Model.ByteRange(FormattableString.Invariant($"bytes={from}-{range.To}"));
    }

    /// <summary>"bytes first-last/size" of a 206 answer.</summary>
    private static (long First, long Size) ParseContentRange(string? contentRange)
    {
        var value = contentRange?.Trim() ?? "";
        var space = value.IndexOf(' ', StringComparison.Ordinal);
        var dash = value.IndexOf('-', StringComparison.Ordinal);
        var slash = value.IndexOf('/', StringComparison.Ordinal);
        if (space < 0 || dash < space || slash < dash
            || !long.TryParse(value.AsSpan(space + 1, dash - space - 1), NumberStyles.None, CultureInfo.InvariantCulture, out var first)
            || !long.TryParse(value.AsSpan(slash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var size))
        {
            throw new StoreException(StoreErrorCode.Unavailable, $"The store answered a range without a usable Content-Range ('{contentRange}').");
        }
        return (first, size);
    }
}
