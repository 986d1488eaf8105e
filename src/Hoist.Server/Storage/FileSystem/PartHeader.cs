using System.Buffers.Binary;
using System.Text;

namespace Hoist.Server.Storage.FileSystem;

/// <summary>
/// The 64-byte header in front of a stored part: magic, size, ETag (16 bytes) and SHA-256. Written
/// last (into space reserved at the start), so a part file is complete before it is renamed into place.
/// </summary>
internal sealed record PartHeader(long Length, byte[] ETag, byte[] Sha256)
{
    public const int Size = 64;
    private static readonly byte[] Magic = "HOISTPT1"u8.ToArray();

    /// <summary>
    /// A part's header from its SHA-256: its ETag is the first 16 bytes of it, not an MD5, so each
    /// byte is hashed once (docs/store-contract.md#filesystemstore). Parts stored before kept their MD5 here.
    /// </summary>
    public static PartHeader For(long length, byte[] sha256) => new(length, sha256[..16], sha256);

    public byte[] ToBytes()
    {
        var bytes = new byte[Size];
        Magic.CopyTo(bytes, 0);
        BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(8), Length);
        ETag.CopyTo(bytes, 16);
        Sha256.CopyTo(bytes, 32);
        return bytes;
    }

    /// <summary>The ETag as the contract writes it: 32 lower-case hex digits.</summary>
    public string ETagHex => Convert.ToHexStringLower(ETag);

    public StoredPart ToStoredPart(int partNumber, DateTimeOffset lastModified) =>
        new(partNumber, Length, ETagHex, lastModified, Convert.ToBase64String(Sha256));

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
