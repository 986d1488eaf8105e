using System.Text;
using Amazon.S3.Model;

namespace Hoist.Server.Storage.S3;

/// <summary>
/// User metadata travels as x-amz-meta-* headers: names are lowercased by S3, values must be
/// ASCII. Other values go RFC 2047-encoded ("=?UTF-8?B?...?="), as S3 documents, and are decoded on the way back.
/// </summary>
internal static class S3Metadata
{
    private const string HeaderPrefix = "x-amz-meta-";

    public static void CopyTo(IReadOnlyDictionary<string, string> metadata, MetadataCollection target)
    {
        foreach (var (name, value) in ObjectMetadata.Normalize(metadata))
        {
            target[name] = Encode(value);
        }
    }

    public static Dictionary<string, string> Read(MetadataCollection? source)
    {
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        if (source is null)
        {
            return metadata;
        }
        foreach (var name in source.Keys)
        {
            var bare = name.StartsWith(HeaderPrefix, StringComparison.OrdinalIgnoreCase) ? name[HeaderPrefix.Length..] : name;
            metadata[bare.ToLowerInvariant()] = Decode(source[name]);
        }
        return metadata;
    }

    private static string Encode(string value) =>
        value.All(c => c is >= ' ' and <= '~') && value.Trim() == value
            ? value
            : $"=?UTF-8?B?{Convert.ToBase64String(Encoding.UTF8.GetBytes(value))}?=";

    private static string Decode(string value)
    {
        if (!value.StartsWith("=?", StringComparison.Ordinal) || !value.EndsWith("?=", StringComparison.Ordinal))
        {
            return value;
        }
        var fields = value[2..^2].Split('?');
        if (fields.Length != 3)
        {
            return value;
        }
        try
        {
            var charset = Encoding.GetEncoding(fields[0]);
            return fields[1].ToUpperInvariant() switch
            {
                "B" => charset.GetString(Convert.FromBase64String(fields[2])),
                "Q" => charset.GetString(DecodeQ(fields[2])),
                _ => value,
            };
        }
        catch (Exception e) when (e is ArgumentException or FormatException)
        {
            return value;
        }
    }

    private static byte[] DecodeQ(string text)
    {
        var bytes = new List<byte>(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '=' && i + 2 < text.Length)
            {
                bytes.Add(Convert.ToByte(text.Substring(i + 1, 2), 16));
                i += 2;
            }
            else
            {
                bytes.Add(text[i] == '_' ? (byte)' ' : (byte)text[i]);
            }
        }
        return [.. bytes];
    }
}
