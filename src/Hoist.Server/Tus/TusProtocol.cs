using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Hoist.Server.Errors;

namespace Hoist.Server.Tus;

/// <summary>The tus 1.0 headers: names, what this server supports, and strict parsing of what clients send.</summary>
public static class TusProtocol
{
    public const string Version = "1.0.0";
    public const string OffsetContentType = "application/offset+octet-stream";
    public const string Extensions = "creation,creation-with-upload,creation-defer-length,termination,expiration,checksum,concatenation";
    public const string ChecksumAlgorithms = "sha1,sha256,md5";

    public const string TusResumable = "Tus-Resumable";
    public const string TusVersion = "Tus-Version";
    public const string TusExtension = "Tus-Extension";
    public const string TusMaxSize = "Tus-Max-Size";
    public const string TusChecksumAlgorithm = "Tus-Checksum-Algorithm";
    public const string UploadOffset = "Upload-Offset";
    public const string UploadLength = "Upload-Length";
    public const string UploadDeferLength = "Upload-Defer-Length";
    public const string UploadMetadata = "Upload-Metadata";
    public const string UploadExpires = "Upload-Expires";
    public const string UploadChecksum = "Upload-Checksum";
    public const string UploadConcat = "Upload-Concat";
    public const string MethodOverride = "X-HTTP-Method-Override";

    /// <summary>Headers a browser may send to the tus endpoint from another origin.</summary>
    public static readonly string[] RequestHeaders =
        [TusResumable, UploadOffset, UploadLength, UploadDeferLength, UploadMetadata, UploadChecksum, UploadConcat, MethodOverride, "X-Requested-With"];

    /// <summary>Headers a browser's script may read from the tus endpoint's answers on another origin.</summary>
    public static readonly string[] ResponseHeaders =
        ["Location", TusResumable, TusVersion, TusExtension, TusMaxSize, TusChecksumAlgorithm, UploadOffset, UploadLength, UploadDeferLength, UploadMetadata, UploadExpires, UploadConcat];

    /// <summary>A non-negative integer header (Upload-Length, Upload-Offset): digits only, at most 19 of them.</summary>
    public static long ParseSize(string? value, ApiError error)
    {
        var text = value?.Trim() ?? "";
        if (text.Length is 0 or > 19 || !text.All(char.IsAsciiDigit) || !long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var number))
        {
            throw error.With($"It was '{Shorten(value)}'.");
        }
        return number;
    }

    /// <summary>
    /// Upload-Metadata: comma-separated pairs "key base64(value)" (the value may be absent). Keys are
    /// ASCII without spaces or commas, each once; values must be strict base64 of UTF-8 text.
    /// </summary>
    public static Dictionary<string, string?> ParseMetadata(string? header)
    {
        var metadata = new Dictionary<string, string?>(StringComparer.Ordinal);
        if (string.IsNullOrWhiteSpace(header))
        {
            return metadata;
        }
        foreach (var pair in header.Split(','))
        {
            var fields = pair.Trim().Split(' ');
            var key = fields[0];
            if (fields.Length > 2 || key.Length == 0 || !key.All(c => c is > ' ' and < (char)127))
            {
                throw InvalidMetadata($"'{Shorten(pair)}' is not a pair 'key base64value'.");
            }
            if (metadata.ContainsKey(key))
            {
                throw InvalidMetadata($"The key '{Shorten(key)}' appears twice.");
            }
            string? value = null;
            if (fields.Length == 2)
            {
                var bytes = new byte[(fields[1].Length / 4 * 3) + 3];
                if (fields[1].Length % 4 != 0 || !Convert.TryFromBase64String(fields[1], bytes, out var written))
                {
                    throw InvalidMetadata($"The value of '{Shorten(key)}' is not base64.");
                }
                try
                {
                    value = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes, 0, written);
                }
                catch (DecoderFallbackException)
                {
                    throw InvalidMetadata($"The value of '{Shorten(key)}' is not UTF-8 text.");
                }
            }
            metadata[key] = value;
        }
        return metadata;
    }

    /// <summary>Upload-Checksum: "algorithm base64(digest)", one of <see cref="ChecksumAlgorithms"/>.</summary>
    public static TusChecksum? ParseChecksum(string? header)
    {
        if (string.IsNullOrWhiteSpace(header))
        {
            return null;
        }
        var fields = header.Trim().Split(' ', 2);
        var (algorithm, size) = fields[0].ToLowerInvariant() switch
        {
            "sha1" => (HashAlgorithmName.SHA1, SHA1.HashSizeInBytes),
            "sha256" => (HashAlgorithmName.SHA256, SHA256.HashSizeInBytes),
            "md5" => (HashAlgorithmName.MD5, MD5.HashSizeInBytes),
            _ => throw ApiErrors.TusChecksumAlgorithmUnsupported.With($"Supported: {ChecksumAlgorithms}."),
        };
        var digest = new byte[size];
        if (fields.Length != 2 || !Convert.TryFromBase64String(fields[1].Trim(), digest, out var written) || written != size)
        {
            throw ApiErrors.TusInvalidChecksum.With($"A {fields[0]} digest has {size} bytes.");
        }
        return new TusChecksum(fields[0].ToLowerInvariant(), algorithm, digest);
    }

    private static ApiException InvalidMetadata(string detail) =>
        ApiErrors.TusInvalidMetadata.With(detail + " Expected comma-separated 'key base64value' pairs.");

    private static string Shorten(string? value) => value is null ? "" : value.Length <= 64 ? value : value[..64] + "...";
}

/// <summary>A PATCH's Upload-Checksum: the whole body's digest.</summary>
public sealed record TusChecksum(string Name, HashAlgorithmName Algorithm, byte[] Digest);
