using System.Buffers;
using System.Security.Cryptography;

namespace Hoist.Client.Transfers;

/// <summary>A part's SHA-256 (always) and MD5 (in direct mode: the store checks it, and its ETag is the MD5).</summary>
internal sealed record PartDigest(byte[] Sha256, byte[]? Md5)
{
    private const int Chunk = 1024 * 1024;

    /// <summary>Hashes bytes already in memory.</summary>
    public static PartDigest Of(ReadOnlySpan<byte> bytes, bool md5) =>
        new(SHA256.HashData(bytes), md5 ? MD5.HashData(bytes) : null);

    /// <summary>Hashes a range of the source chunk by chunk, for parts too large to hold in memory (appending the bytes to <paramref name="whole"/> too, when given).</summary>
    public static async Task<PartDigest> ReadAsync(PartSource source, long offset, long length, bool md5, CancellationToken cancellationToken, IncrementalHash? whole = null)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        using var md = md5 ? IncrementalHash.CreateHash(HashAlgorithmName.MD5) : null;
        var chunk = ArrayPool<byte>.Shared.Rent(Chunk);
        try
        {
            for (long done = 0; done < length;)
            {
                var count = (int)Math.Min(Chunk, length - done);
                await source.ReadExactlyAsync(offset + done, chunk.AsMemory(0, count), cancellationToken);
                sha.AppendData(chunk, 0, count);
                md?.AppendData(chunk, 0, count);
                whole?.AppendData(chunk, 0, count);
                done += count;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }
        return new PartDigest(sha.GetHashAndReset(), md?.GetHashAndReset());
    }

    /// <summary>S3's composite checksum: base64 SHA-256 of the concatenated binary part SHA-256s, then "-N".</summary>
    public static string Composite(IReadOnlyList<byte[]> partSha256s)
    {
        var all = new byte[partSha256s.Count * SHA256.HashSizeInBytes];
        for (var i = 0; i < partSha256s.Count; i++)
        {
            partSha256s[i].CopyTo(all, i * SHA256.HashSizeInBytes);
        }
        return $"{Convert.ToBase64String(SHA256.HashData(all))}-{partSha256s.Count}";
    }

    /// <summary>S3's multipart ETag: hex MD5 of the concatenated binary part MD5s, then "-N".</summary>
    public static string MultipartETag(IReadOnlyList<byte[]> partMd5s)
    {
        var all = new byte[partMd5s.Count * MD5.HashSizeInBytes];
        for (var i = 0; i < partMd5s.Count; i++)
        {
            partMd5s[i].CopyTo(all, i * MD5.HashSizeInBytes);
        }
        return $"{Convert.ToHexStringLower(MD5.HashData(all))}-{partMd5s.Count}";
    }
}
