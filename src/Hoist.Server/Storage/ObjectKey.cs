using System.Text;

namespace Hoist.Server.Storage;

/// <summary>
/// The store's own check on keys, a second line of defence behind the key template:
/// a key is a relative, forward-slash path of clean segments that cannot leave the store's root.
/// </summary>
public static class ObjectKey
{
    /// <summary>The first key segment stores keep for their own bookkeeping.</summary>
    public const string ReservedSegment = ".hoist";

    public static void Validate(string key)
    {
        if (ProblemWith(key) is { } problem)
        {
            throw new StoreException(StoreErrorCode.InvalidKey, $"Invalid object key: {problem}.");
        }
        if (IsReserved(key))
        {
            throw new StoreException(StoreErrorCode.InvalidKey, $"Keys under '{ReservedSegment}/' are reserved by the store.");
        }
    }

    /// <summary>The folder of scratch objects inside the reserved segment.</summary>
    public const string ScratchFolder = ReservedSegment + "/scratch/";

    /// <summary>A scratch object's name: a valid key (the reserved check aside) of at most 512 bytes, so that it fits under the scratch folder and a prefix.</summary>
    public static void ValidateScratchName(string name)
    {
        if (ProblemWith(name) is { } problem)
        {
            throw new StoreException(StoreErrorCode.InvalidKey, $"Invalid scratch name: {problem}.");
        }
        if (Encoding.UTF8.GetByteCount(name) > 512)
        {
            throw new StoreException(StoreErrorCode.InvalidKey, "Invalid scratch name: it is longer than 512 bytes.");
        }
    }

    /// <summary>A prefix of scratch names: empty, or the start of a valid name (it may end with '/').</summary>
    public static void ValidateScratchPrefix(string prefix)
    {
        if (prefix.Length == 0)
        {
            return;
        }
        var trimmed = prefix.EndsWith('/') ? prefix[..^1] : prefix;
        if (trimmed.Length == 0 || ProblemWith(trimmed) is { } problem)
        {
            throw new StoreException(StoreErrorCode.InvalidKey, $"Invalid scratch prefix: {ProblemWith(trimmed) ?? "it is only '/'"}.");
        }
    }

    public static bool IsReserved(string key) =>
        key == ReservedSegment || key.StartsWith(ReservedSegment + "/", StringComparison.Ordinal);

    /// <summary>Validates a listing prefix: empty, or the start of a valid key (it may end with '/').</summary>
    public static void ValidatePrefix(string prefix)
    {
        if (prefix.Length == 0)
        {
            return;
        }
        var trimmed = prefix.EndsWith('/') ? prefix[..^1] : prefix;
        if (trimmed.Length == 0 || ProblemWith(trimmed) is { } problem)
        {
            throw new StoreException(StoreErrorCode.InvalidKey, $"Invalid prefix: {ProblemWith(trimmed) ?? "it is only '/'"}.");
        }
    }

    private static string? ProblemWith(string key)
    {
        if (string.IsNullOrEmpty(key))
        {
            return "it is empty";
        }
        if (Encoding.UTF8.GetByteCount(key) > S3Limits.MaxKeyBytes)
        {
            return $"it is longer than {S3Limits.MaxKeyBytes} bytes";
        }
        if (key.StartsWith('/'))
        {
            return "it is an absolute path";
        }
        if (key.Length >= 2 && key[1] == ':')
        {
            return "it names a drive";
        }
        foreach (var c in key)
        {
            if (c == '\\')
            {
                return "it contains a backslash";
            }
            if (char.IsControl(c))
            {
                return "it contains a control character";
            }
        }
        foreach (var segment in key.Split('/'))
        {
            if (segment.Length == 0)
            {
                return "it has an empty path segment";
            }
            if (segment is "." or "..")
            {
                return "it has a '.' or '..' segment";
            }
        }
        return null;
    }
}
