using System.Buffers.Text;
using System.Globalization;
using Amazon.S3.Model;

namespace Hoist.Server.Storage.S3;

public sealed partial class S3Store
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
        ToS3Key(ObjectChecksumFolder + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(key))) + "/");

    private async Task RememberObjectChecksumAsync(string key, string etag, string checksum, CancellationToken cancellationToken)
    {
        var dash = checksum.LastIndexOf('-');
        var marker = new PutObjectRequest
        {
            BucketName = _bucket,
            Key = $"{ObjectChecksumPrefix(key)}{etag}.{Base64Url.EncodeToString(Convert.FromBase64String(checksum[..dash]))}.{checksum[(dash + 1)..]}",
            ContentBody = "",
        };
        await CallAsync(() => _s3.PutObjectAsync(marker, cancellationToken), Target.Object, null, cancellationToken);
    }

    /// <summary>The remembered composite checksums of the object at a key: ETag → "base64-N".</summary>
    private async Task<Dictionary<string, string>> ReadObjectChecksumsAsync(string key, CancellationToken cancellationToken)
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

    /// <summary>Deletes the checksum markers of a deleted object. Best effort, like <see cref="ForgetChecksumsAsync"/>.</summary>
    private async Task ForgetObjectChecksumsAsync(string key, CancellationToken cancellationToken)
    {
        try
        {
            await DeleteNamesAsync(await ListNamesAsync(ObjectChecksumPrefix(key), cancellationToken), cancellationToken);
        }
        catch (StoreException)
        {
        }
    }

    private string ChecksumPrefix(string uploadId) => ToS3Key(ChecksumFolder + Uri.EscapeDataString(uploadId) + "/");

    private async Task RememberChecksumAsync(string uploadId, int partNumber, string etag, byte[] sha256, CancellationToken cancellationToken)
    {
        var marker = new PutObjectRequest
        {
            BucketName = _bucket,
            Key = $"{ChecksumPrefix(uploadId)}{partNumber:D5}.{etag}.{Base64Url.EncodeToString(sha256)}",
            ContentBody = "",
        };
        await CallAsync(() => _s3.PutObjectAsync(marker, cancellationToken), Target.Object, null, cancellationToken);
    }

    /// <summary>The remembered checksums of an upload's parts: part number → (ETag → base64 SHA-256).</summary>
    private async Task<Dictionary<int, Dictionary<string, string>>> ReadChecksumsAsync(string uploadId, CancellationToken cancellationToken)
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
    private async Task ForgetChecksumsAsync(string uploadId, CancellationToken cancellationToken)
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
            var request = new DeleteObjectsRequest { BucketName = _bucket, Objects = [.. batch.Select(k => new KeyVersion { Key = k })] };
            await CallAsync(() => _s3.DeleteObjectsAsync(request, cancellationToken), Target.Object, null, cancellationToken);
        }
    }

    private Task<List<string>> ListMarkersAsync(string uploadId, CancellationToken cancellationToken) =>
        ListNamesAsync(ChecksumPrefix(uploadId), cancellationToken);

    /// <summary>Every S3 key under a prefix (all pages).</summary>
    private async Task<List<string>> ListNamesAsync(string prefix, CancellationToken cancellationToken)
    {
        var names = new List<string>();
        var request = new ListObjectsV2Request { BucketName = _bucket, Prefix = prefix };
        do
        {
            var page = await CallAsync(() => _s3.ListObjectsV2Async(request, cancellationToken), Target.Object, null, cancellationToken);
            names.AddRange((page.S3Objects ?? []).Select(o => o.Key));
            request.ContinuationToken = page.IsTruncated == true ? page.NextContinuationToken : null;
        }
        while (request.ContinuationToken is not null);
        return names;
    }
}
