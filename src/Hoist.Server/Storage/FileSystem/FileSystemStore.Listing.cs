using System.Text;

namespace Hoist.Server.Storage.FileSystem;

public sealed partial class FileSystemStore
{
    private async Task<ObjectPage> ListObjectsCoreAsync(string prefix, string? continuationToken, int maxKeys, CancellationToken cancellationToken)
    {
        ObjectKey.ValidatePrefix(prefix);
        maxKeys = Math.Clamp(maxKeys, 1, 1000);
        var after = DecodeToken(continuationToken);

        // Start in the deepest folder the prefix fully names; stop as soon as the page is full.
        var keys = KeysInOrder(prefix[..(prefix.LastIndexOf('/') + 1)], prefix, after).Take(maxKeys + 1).ToList();

        var page = new List<ObjectInfo>(Math.Min(maxKeys, keys.Count));
        foreach (var key in keys.Take(maxKeys))
        {
            await using var data = TryOpenData(key);
            if (data is not null)
            {
                page.Add(await ReadObjectInfoAsync(key, data, cancellationToken));
            }
        }
        var next = keys.Count > maxKeys ? EncodeToken(keys[maxKeys - 1]) : null;
        return new ObjectPage(page, next);
    }

    /// <summary>
    /// Keys in S3's (ordinal) order, found lazily. A folder "a" sorts as "a/", so walking each folder's
    /// entries in that order yields every key in order, and folders that cannot hold a wanted key are skipped.
    /// </summary>
    private IEnumerable<string> KeysInOrder(string folderKey, string prefix, string? after)
    {
        var folder = new DirectoryInfo(folderKey.Length == 0 ? _root : Path.Combine(_root, folderKey[..^1]));
        if (!folder.Exists)
        {
            yield break;
        }
        var entries = folder.EnumerateFileSystemInfos("*", new EnumerationOptions { IgnoreInaccessible = true, AttributesToSkip = 0 })
            .Select(entry => (Key: folderKey + entry.Name + (entry is DirectoryInfo ? "/" : ""), IsFolder: entry is DirectoryInfo))
            .Where(entry => !ObjectKey.IsReserved(entry.Key))
            .OrderBy(entry => entry.Key, StringComparer.Ordinal)
            .ToList();
        foreach (var (key, isFolder) in entries)
        {
            if (!isFolder)
            {
                if (key.StartsWith(prefix, StringComparison.Ordinal) && (after is null || string.CompareOrdinal(key, after) > 0))
                {
                    yield return key;
                }
                continue;
            }
            var mayHoldPrefix = key.StartsWith(prefix, StringComparison.Ordinal) || prefix.StartsWith(key, StringComparison.Ordinal);
            // Every key below a folder that sorts before the token, without being its start, sorts before it too.
            var allBeforeToken = after is not null && string.CompareOrdinal(key, after) < 0 && !after.StartsWith(key, StringComparison.Ordinal);
            if (mayHoldPrefix && !allBeforeToken)
            {
                foreach (var below in KeysInOrder(key, prefix, after))
                {
                    yield return below;
                }
            }
        }
    }

    private static string EncodeToken(string lastKey) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes(lastKey)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static string? DecodeToken(string? token)
    {
        if (string.IsNullOrEmpty(token))
        {
            return null;
        }
        try
        {
            var base64 = token.Replace('-', '+').Replace('_', '/');
            base64 = base64.PadRight(base64.Length + ((4 - (base64.Length % 4)) % 4), '=');
            return Encoding.UTF8.GetString(Convert.FromBase64String(base64));
        }
        catch (FormatException e)
        {
            throw new StoreException(StoreErrorCode.InvalidArgument, "The continuation token is not valid.", e);
        }
    }
}
