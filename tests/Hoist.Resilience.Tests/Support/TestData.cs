using System.Security.Cryptography;

namespace Hoist.Resilience.Tests.Support;

/// <summary>Deterministic bytes from a seed (a failure is reproducible), and the hashes the tests compare.</summary>
public static class TestData
{
    public const int MiB = 1024 * 1024;

    /// <summary>The smallest part S3 allows: every test server prefers it, so files stay small.</summary>
    public const int PartSize = 5 * MiB;

    public static byte[] Bytes(int seed, int length)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    public static string Sha256Hex(ReadOnlySpan<byte> bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    public static string Sha256Base64(ReadOnlySpan<byte> bytes) => Convert.ToBase64String(SHA256.HashData(bytes));

    public static string Md5Hex(ReadOnlySpan<byte> bytes) => Convert.ToHexStringLower(MD5.HashData(bytes));

    /// <summary>S3's composite checksum, from the bytes alone: SHA-256 of the binary part SHA-256s (base64), then "-N".</summary>
    public static string CompositeSha256(byte[] file, int partSize)
    {
        var parts = Split(file, partSize);
        var sums = parts.SelectMany(p => SHA256.HashData(p.Span)).ToArray();
        return $"{Convert.ToBase64String(SHA256.HashData(sums))}-{parts.Count}";
    }

    /// <summary>The file cut as the server's part plan cuts it.</summary>
    public static IReadOnlyList<ReadOnlyMemory<byte>> Split(byte[] file, int partSize)
    {
        var parts = new List<ReadOnlyMemory<byte>>();
        for (var offset = 0; offset < file.Length; offset += partSize)
        {
            parts.Add(file.AsMemory(offset, Math.Min(partSize, file.Length - offset)));
        }
        return parts;
    }

    /// <summary>SHA-256 (hex) and length of a stream, hashed as it arrives.</summary>
    public static async Task<(string Sha256, long Length)> Sha256HexAsync(Stream stream, CancellationToken cancellationToken)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[256 * 1024];
        long length = 0;
        int n;
        while ((n = await stream.ReadAsync(buffer, cancellationToken)) > 0)
        {
            hash.AppendData(buffer, 0, n);
            length += n;
        }
        return (Convert.ToHexStringLower(hash.GetHashAndReset()), length);
    }
}
