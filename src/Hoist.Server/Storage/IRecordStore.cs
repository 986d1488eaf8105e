using System.Text.RegularExpressions;

namespace Hoist.Server.Storage;

/// <summary>
/// Hoist's own small records, kept in the store beside the objects, where every instance finds them
/// (e.g. the pending post-finish hook events). Not objects: they live under the store's reserved
/// <c>.hoist/records/&lt;folder&gt;/&lt;name&gt;</c>, which the object calls refuse
/// (<see cref="ObjectKey.Validate"/>) and object listings never show. A record is written whole and
/// atomically (a reader sees the old record, the new one, or none), holds at most
/// <see cref="RecordNames.MaxRecordBytes"/> bytes, and is never changed in place by Hoist.
/// Both stores implement it; <see cref="StoreCapabilities.Records"/> names it.
/// </summary>
public interface IRecordStore
{
    /// <summary>Writes (or replaces) a record.</summary>
    Task PutRecordAsync(string folder, string name, ReadOnlyMemory<byte> content, CancellationToken cancellationToken);

    /// <summary>The record's bytes, or null when there is none.</summary>
    Task<byte[]?> GetRecordAsync(string folder, string name, CancellationToken cancellationToken);

    /// <summary>The names of at most <paramref name="max"/> records of a folder, in name order.</summary>
    Task<IReadOnlyList<string>> ListRecordsAsync(string folder, int max, CancellationToken cancellationToken);

    /// <summary>Deletes a record; deleting a missing record is not an error.</summary>
    Task DeleteRecordAsync(string folder, string name, CancellationToken cancellationToken);
}

/// <summary>The rules on record folders and names, the same for every store.</summary>
public static partial class RecordNames
{
    public const int MaxRecordBytes = 64 * 1024;
    public const string Folder = ObjectKey.ReservedSegment + "/records/";

    /// <summary>A folder is 1-64 of [a-z0-9-]; a name 1-128 of [A-Za-z0-9._-], not starting with a dot.</summary>
    public static void Validate(string folder, string? name = null, int? length = null)
    {
        if (!FolderPattern().IsMatch(folder))
        {
            throw new StoreException(StoreErrorCode.InvalidArgument, "A record folder is 1 to 64 of a-z, 0-9 and '-'.");
        }
        if (name is not null && !NamePattern().IsMatch(name))
        {
            throw new StoreException(StoreErrorCode.InvalidArgument, "A record name is 1 to 128 of A-Z, a-z, 0-9, '.', '_' and '-', not starting with '.'.");
        }
        if (length > MaxRecordBytes)
        {
            throw new StoreException(StoreErrorCode.EntityTooLarge, $"A record holds at most {MaxRecordBytes} bytes.");
        }
    }

    /// <summary>The record's path below the store's root (or the S3 store's prefix).</summary>
    public static string KeyOf(string folder, string name) => $"{Folder}{folder}/{name}";

    [GeneratedRegex("^[a-z0-9-]{1,64}$")]
    private static partial Regex FolderPattern();

    [GeneratedRegex("^[A-Za-z0-9_-][A-Za-z0-9._-]{0,127}$")]
    private static partial Regex NamePattern();
}
