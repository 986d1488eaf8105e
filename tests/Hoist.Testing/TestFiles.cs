using System.Security.Cryptography;

namespace Hoist.Testing;

/// <summary>A file on disk for a client to upload, and its SHA-256 (hex).</summary>
public sealed record TestFile(string Path, string Name, long Size, string Sha256);

/// <summary>Files for clients to upload, in a temporary folder of their own removed afterwards.</summary>
public sealed class TestFiles : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory("hoist-test-files-").FullName;

    public string Combine(params string[] parts) => System.IO.Path.Combine([Path, .. parts]);

    /// <summary>A file of <paramref name="size"/> pseudo-random bytes from <paramref name="seed"/> (the same seed, the same bytes).</summary>
    public string File(string name, long size, int seed)
    {
        var path = Combine(name);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
        var random = new Random(seed);
        var buffer = new byte[1024 * 1024];
        using var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1);
        for (long written = 0; written < size; written += buffer.Length)
        {
            random.NextBytes(buffer);
            stream.Write(buffer, 0, (int)Math.Min(buffer.Length, size - written));
        }
        return path;
    }

    /// <summary>A file of random bytes, with its hash; a name with slashes ("album/2024/a.txt") makes a tree.</summary>
    public TestFile Random(string name, long size)
    {
        var path = Combine(name);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        using (var file = System.IO.File.Create(path))
        {
            var buffer = new byte[1024 * 1024];
            for (var left = size; left > 0; left -= buffer.Length)
            {
                var chunk = buffer.AsSpan(0, (int)Math.Min(buffer.Length, left));
                RandomNumberGenerator.Fill(chunk);
                sha.AppendData(chunk);
                file.Write(chunk);
            }
        }
        return new TestFile(path, name, size, Convert.ToHexStringLower(sha.GetHashAndReset()));
    }

    /// <summary>A file with the given bytes (an image, say).</summary>
    public TestFile Write(string name, byte[] bytes)
    {
        var path = Combine(name);
        System.IO.File.WriteAllBytes(path, bytes);
        return new TestFile(path, name, bytes.Length, Convert.ToHexStringLower(SHA256.HashData(bytes)));
    }

    /// <summary>A file of the given size that takes no disk (a hole): for files the server refuses unread.</summary>
    public TestFile Sparse(string name, long size)
    {
        var path = Combine(name);
        using (var file = System.IO.File.Create(path))
        {
            file.SetLength(size);
        }
        return new TestFile(path, name, size, "");
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // A process killed by a test may still hold a file for a moment; the OS temp cleaner gets it.
        }
    }
}
