using System.Security.Cryptography;

namespace Hoist.Browser.Tests.Support;

/// <summary>A file on disk for the browser to pick, and its SHA-256 (hex).</summary>
public sealed record TestFile(string Path, string Name, long Size, string Sha256);

/// <summary>Files of random bytes in a temporary folder of their own, deleted afterwards.</summary>
public sealed class TestFiles : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("hoist-browser-files-").FullName;

    /// <summary>The folder the files are in: a name with slashes ("album/2024/a.txt") makes a tree inside it.</summary>
    public string Folder => _folder;

    public TestFile Random(string name, long size)
    {
        var path = Path.Combine(_folder, name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        using (var file = File.Create(path))
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
        var path = Path.Combine(_folder, name);
        File.WriteAllBytes(path, bytes);
        return new TestFile(path, name, bytes.Length, Convert.ToHexStringLower(SHA256.HashData(bytes)));
    }

    /// <summary>A file of the given size that takes no disk (a hole): for files the server refuses unread.</summary>
    public TestFile Sparse(string name, long size)
    {
        var path = Path.Combine(_folder, name);
        using (var file = File.Create(path))
        {
            file.SetLength(size);
        }
        return new TestFile(path, name, size, "");
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
