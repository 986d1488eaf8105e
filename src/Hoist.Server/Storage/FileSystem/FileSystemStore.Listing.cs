using System.Text;

namespace Hoist.Server.Storage.FileSystem;

public sealed partial class FileSystemStore
{
    private async Task<ObjectPage> ListObjectsCoreAsync(string prefix, string? continuationToken, int maxKeys, CancellationToken cancellationToken)
    {
        ObjectKey.ValidatePrefix(prefix);
        maxKeys = Math.Clamp(maxKeys, 1, 1000);
        var after = DecodeToken(continuationToken);

        // Walk only the deepest folder the prefix fully names.
        var slash = prefix.LastIndexOf('/');
        var start = slash < 0 ? _root : Path.Combine(_root, prefix[..slash]);
        if (!Directory.Exists(start))
        {
            return new ObjectPage([], null);
        }
        var reserved = Path.Combine(_root, ObjectKey.ReservedSegment);
        var keys = new List<string>();
        var options = new EnumerationOptions { RecurseSubdirectories = true, IgnoreInaccessible = true, AttributesToSkip = 0 };
        foreach (var path in Directory.EnumerateFiles(start, "*", options))
        {
            if (path.StartsWith(reserved + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            {
                continue;
            }
            var key = Path.GetRelativePath(_root, path).Replace(Path.DirectorySeparatorChar, '/');
            if (key.StartsWith(prefix, StringComparison.Ordinal) && (after is null || string.CompareOrdinal(key, after) > 0))
            {
                keys.Add(key);
            }
        }
        keys.Sort(StringComparer.Ordinal);

        var page = new List<ObjectInfo>(Math.Min(maxKeys, keys.Count));
        foreach (var key in keys.Take(maxKeys))
        {
            await using var data = TryOpenData(key);
            if (data is not null)
            {
                page.Add(await DescribeAsync(key, data, cancellationToken));
            }
        }
        var next = keys.Count > maxKeys ? EncodeToken(keys[maxKeys - 1]) : null;
        return new ObjectPage(page, next);
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
