using System.Buffers.Binary;
using System.Text;

namespace Hoist.Server.Storage.FileSystem;

/// <summary>
/// The 64-byte header in front of a stored part: magic, size, MD5 and SHA-256. Written last
/// (into space reserved at the start), so a part file is complete before it is renamed into place.
/// </summary>
internal sealed record PartHeader(long Length, byte[] Md5, byte[] Sha256)
{
    public const int Size = 64;
    private static readonly byte[] Magic = "HOISTPT1"u8.ToArray();

    public byte[] ToBytes()
    {
        var bytes = new byte[Size];
        Magic.CopyTo(bytes, 0);
        BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(8), Length);
        Md5.CopyTo(bytes, 16);
        Sha256.CopyTo(bytes, 32);
        return bytes;
    }

    public StoredPart ToStoredPart(int partNumber, DateTimeOffset lastModified) =>
        new(partNumber, Length, Convert.ToHexStringLower(Md5), lastModified, Convert.ToBase64String(Sha256));

    public static async Task<PartHeader?> TryReadAsync(string path, CancellationToken cancellationToken)
    {
        var bytes = new byte[Size];
        try
        {
            await using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, 1, FileOptions.Asynchronous);
            await file.ReadExactlyAsync(bytes, cancellationToken);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException or EndOfStreamException)
        {
            return null; // replaced or removed while listing
        }
        if (!bytes.AsSpan(0, 8).SequenceEqual(Magic))
        {
            throw new InvalidDataException($"'{path}' is not a Hoist part file: {Encoding.ASCII.GetString(bytes, 0, 8)}");
        }
        return new PartHeader(BinaryPrimitives.ReadInt64LittleEndian(bytes.AsSpan(8)), bytes[16..32], bytes[32..64]);
    }
}
