using System.Buffers.Text;
using System.Globalization;
using Amazon.S3;
using Amazon.S3.Model;

namespace Hoist.Server.Storage.S3;

/// <summary>
/// Checksums S3-compatible servers do not keep, kept by Hoist as empty marker objects under the
/// store's reserved area (docs/store-contract.md, "What it hides of Ceph 16"): each verified part's
/// SHA-256 while its upload is open, and each completed object's composite checksum.
/// </summary>
internal sealed class S3ChecksumMarkers(AmazonS3Client s3, string bucket, Func<string, string> toS3Key, S3ErrorTranslator errors)
{
    // Ceph 16 keeps no part checksums, yet a complete must answer the whole object's SHA-256.
    // Each verified part's SHA-256 is kept in the NAME of an empty marker object,
    // "<prefix>.hoist/part-sha256/<upload id>/<part>.<etag>.<sha256, base64url>", so one listing
    // reads them all. A marker counts only while its ETag is the stored part's: a replaced part
    // leaves a stale marker behind, which no longer matches.
    private const string ChecksumFolder = ObjectKey.ReservedSegment + "/part-sha256/";

    // A completed object's composite checksum is kept the same way, in the name of
    // "<prefix>.hoist/object-sha256/<SHA-256 of the key, hex>/<etag>.<checksum, base64url>.<part count>":
    // S3 has no place for a value learnt at complete (metadata is fixed at create), and the ETag in
    // the name ties it to the very object it describes.
    private const string ObjectChecksumFolder = ObjectKey.ReservedSegment + "/object-sha256/";

    private string ObjectChecksumPrefix(string key) =>
        toS3Key(ObjectChecksumFolder + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(key))) + "/");

    public async Task RememberObjectAsync(string key, string etag, string checksum, CancellationToken cancellationToken)
    {
        var dash = checksum.LastIndexOf('-');
        var marker = new PutObjectRequest
        {
            BucketName = bucket,
            Key = $"{ObjectChecksumPrefix(key)}{etag}.{Base64Url.EncodeToString(Convert.FromBase64String(checksum[..dash]))}.{checksum[(dash + 1)..]}",
            ContentBody = "",
        };
        await errors.CallAsync(() => s3.PutObjectAsync(marker, cancellationToken), S3Target.Object, null, cancellationToken);
    }

    /// <summary>The remembered composite checksums of the object at a key: ETag → "base64-N".</summary>
    public async Task<Dictionary<string, string>> ReadObjectAsync(string key, CancellationToken cancellationToken)
    {
        var found = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var name in await ListNamesAsync(ObjectChecksumPrefix(key), cancellationToken))
        {
            var fields = name[(name.LastIndexOf('/') + 1)..].Split('.');
            try
            {
                if (fields.Length == 3)
                {
                    found[fields[0]] = $"{Convert.ToBase64String(Base64Url.DecodeFromChars(fields[1]))}-{fields[2]}";
                }
            }
            catch (FormatException)
            {
                // Not one of ours: ignore it.
            }
        }
        return found;
    }

    /// <summary>Deletes the checksum markers of a deleted object. Best effort, like <see cref="ForgetPartsAsync"/>.</summary>
    public async Task ForgetObjectAsync(string key, CancellationToken cancellationToken)
    {
        try
        {
            await DeleteNamesAsync(await ListNamesAsync(ObjectChecksumPrefix(key), cancellationToken), cancellationToken);
        }
        catch (StoreException)
        {
        }
    }

    private string ChecksumPrefix(string uploadId) => toS3Key(ChecksumFolder + Uri.EscapeDataString(uploadId) + "/");

    public async Task RememberPartAsync(string uploadId, int partNumber, string etag, byte[] sha256, CancellationToken cancellationToken)
    {
        var marker = new PutObjectRequest
        {
            BucketName = bucket,
            Key = $"{ChecksumPrefix(uploadId)}{partNumber:D5}.{etag}.{Base64Url.EncodeToString(sha256)}",
            ContentBody = "",
        };
        await errors.CallAsync(() => s3.PutObjectAsync(marker, cancellationToken), S3Target.Object, null, cancellationToken);
    }

    /// <summary>The remembered checksums of an upload's parts: part number → (ETag → base64 SHA-256).</summary>
    public async Task<Dictionary<int, Dictionary<string, string>>> ReadPartsAsync(string uploadId, CancellationToken cancellationToken)
    {
        var found = new Dictionary<int, Dictionary<string, string>>();
        foreach (var name in await ListMarkersAsync(uploadId, cancellationToken))
        {
            var fields = name[(name.LastIndexOf('/') + 1)..].Split('.');
            if (fields.Length == 3 && int.TryParse(fields[0], NumberStyles.None, CultureInfo.InvariantCulture, out var part))
            {
                try
                {
                    var sha256 = Convert.ToBase64String(Base64Url.DecodeFromChars(fields[2]));
                    (found.TryGetValue(part, out var byETag) ? byETag : found[part] = new(StringComparer.OrdinalIgnoreCase))[fields[1]] = sha256;
                }
                catch (FormatException)
                {
                    // Not one of ours: ignore it.
                }
            }
        }
        return found;
    }

    /// <summary>Deletes an ended upload's markers. Best effort: a leftover marker is an empty object nobody lists.</summary>
    public async Task ForgetPartsAsync(string uploadId, CancellationToken cancellationToken)
    {
        try
        {
            await DeleteNamesAsync(await ListMarkersAsync(uploadId, cancellationToken), cancellationToken);
        }
        catch (StoreException)
        {
        }
    }

    private async Task DeleteNamesAsync(List<string> names, CancellationToken cancellationToken)
    {
        foreach (var batch in names.Chunk(1000))
        {
            var request = new DeleteObjectsRequest { BucketName = bucket, Objects = [.. batch.Select(k => new KeyVersion { Key = k })] };
            await errors.CallAsync(() => s3.DeleteObjectsAsync(request, cancellationToken), S3Target.Object, null, cancellationToken);
        }
    }

    private Task<List<string>> ListMarkersAsync(string uploadId, CancellationToken cancellationToken) =>
        ListNamesAsync(ChecksumPrefix(uploadId), cancellationToken);

    /// <summary>Every S3 key under a prefix (all pages).</summary>
    private async Task<List<string>> ListNamesAsync(string prefix, CancellationToken cancellationToken)
    {
        var names = new List<string>();
        var request = new ListObjectsV2Request { BucketName = bucket, Prefix = prefix };
        do
        {
            var page = await errors.CallAsync(() => s3.ListObjectsV2Async(request, cancellationToken), S3Target.Object, null, cancellationToken);
            names.AddRange((page.S3Objects ?? []).Select(o => o.Key));
            request.ContinuationToken = page.IsTruncated == true ? page.NextContinuationToken : null;
        }
        while (request.ContinuationToken is not null);
        return names;
    }
}
