namespace Hoist.Server.Storage;

/// <summary>
/// User metadata as S3 keeps it: names are HTTP header tokens (they travel as x-amz-meta-*), and
/// come back lowercased. Every store checks and folds names the same way.
/// </summary>
public static class ObjectMetadata
{
    public static Dictionary<string, string> Normalize(IReadOnlyDictionary<string, string> metadata)
    {
        var normalized = new Dictionary<string, string>(metadata.Count, StringComparer.Ordinal);
        foreach (var (name, value) in metadata)
        {
            if (name.Length == 0 || !name.All(IsTokenChar))
            {
                throw new StoreException(StoreErrorCode.InvalidArgument, $"The metadata name '{name}' is not an HTTP header name.");
            }
            normalized[name.ToLowerInvariant()] = value;
        }
        return normalized;
    }

    private static bool IsTokenChar(char c) =>
        char.IsAsciiLetterOrDigit(c) || c is '!' or '#' or '$' or '%' or '&' or '\'' or '*' or '+' or '-' or '.' or '^' or '_' or '`' or '|' or '~';
}
