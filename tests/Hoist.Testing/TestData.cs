using System.Security.Cryptography;

namespace Hoist.Testing;

/// <summary>Deterministic bytes from a seed (a failure is reproducible), and the hashes the tests compare.</summary>
public static class TestData
{
    public const int MiB = 1024 * 1024;

    /// <summary>The smallest part S3 allows, and the preferred part size of every test server: parts stay small and fast.</summary>
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

    /// <summary>S3's composite checksum: SHA-256 of the binary part SHA-256s (base64), then "-N".</summary>
    public static string CompositeSha256(byte[] file, int partSize)
    {
        var parts = Split(file, partSize);
        var sums = parts.SelectMany(p => SHA256.HashData(p.Span)).ToArray();
        return $"{Convert.ToBase64String(SHA256.HashData(sums))}-{parts.Count}";
    }

    /// <summary>The file cut as the server's part plan cuts it (a 0-byte file is one empty part).</summary>
    public static IReadOnlyList<ReadOnlyMemory<byte>> Split(byte[] file, int partSize)
    {
        var parts = new List<ReadOnlyMemory<byte>>();
        for (var offset = 0; offset < file.Length; offset += partSize)
        {
            parts.Add(file.AsMemory(offset, Math.Min(partSize, file.Length - offset)));
        }
        if (parts.Count == 0)
        {
            parts.Add(ReadOnlyMemory<byte>.Empty);
        }
        return parts;
    }

    /// <summary>SHA-256 (hex) of a file on disk.</summary>
    public static string Sha256HexOfFile(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }

    /// <summary>SHA-256 of a stream, read as it arrives (a download is never held whole), and its length.</summary>
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
