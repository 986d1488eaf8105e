using System.Security.Cryptography;

namespace Hoist.Server.Storage;

/// <summary>S3's whole-object values of a multipart object, computed from its parts.</summary>
public static class MultipartChecksums
{
    /// <summary>
    /// The multipart ETag: MD5 of the concatenated binary part ETags, then "-N". On S3 the part ETags
    /// are MD5s; the file system store applies the same formula to its SHA-256-based part ETags.
    /// </summary>
    public static string ETag(IReadOnlyList<StoredPart> parts)
    {
        var md5s = parts.SelectMany(p => Convert.FromHexString(p.ETag)).ToArray();
        return $"{Convert.ToHexStringLower(MD5.HashData(md5s))}-{parts.Count}";
    }

    /// <summary>The composite checksum: SHA-256 of the concatenated binary part SHA-256s (base64), then "-N"; null when a part's is unknown.</summary>
    public static string? CompositeSha256(IReadOnlyList<StoredPart> parts)
    {
        if (parts.Count == 0 || parts.Any(p => p.ChecksumSha256 is null))
        {
            return null;
        }
        var sums = parts.SelectMany(p => Convert.FromBase64String(p.ChecksumSha256!)).ToArray();
        return $"{Convert.ToBase64String(SHA256.HashData(sums))}-{parts.Count}";
    }

    /// <summary>The composite checksum of a one-part object from its part's SHA-256.</summary>
    public static string CompositeSha256(byte[] partSha256) => $"{Convert.ToBase64String(SHA256.HashData(partSha256))}-1";
}
