using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Hoist.Server.Errors;
using Hoist.Server.Storage;
using Microsoft.Extensions.Options;

namespace Hoist.Server.Uploads;

/// <summary>
/// Signs and checks upload tokens: <c>base64url(json) "." base64url(HMAC-SHA256(json))</c>.
/// Tokens are signed with the current key; a token signed with the current key or with one of the
/// previous keys (<see cref="TokenOptions.PreviousSigningKeys"/>, a key rotation) is accepted.
/// A token that does not parse, was signed with another key, has expired or belongs to another
/// owner is refused, each with its own code.
/// </summary>
public sealed class UploadTokenSigner
{
    private const int MaxTokenLength = 4096;
    private readonly byte[] _key;
    private readonly byte[][] _previousKeys;
    private readonly TimeProvider _time;

    public UploadTokenSigner(IOptions<TokenOptions> tokens, TimeProvider time, ILogger<UploadTokenSigner> logger)
    {
        _time = time;
        if (tokens.Value.SigningKey is { Length: > 0 } configured)
        {
            _key = Encoding.UTF8.GetBytes(configured);
            KeySource = "Hoist:Tokens:SigningKey";
        }
        else
        {
            _key = SigningKeyFile.LoadOrCreate(tokens.Value.KeyFile!, logger);
            KeySource = $"the key in {Path.GetFullPath(tokens.Value.KeyFile!)} (this machine's own: set Hoist:Tokens:SigningKey to share one)";
        }
        _previousKeys = [.. tokens.Value.PreviousSigningKeys.Select(Encoding.UTF8.GetBytes)];
    }

    internal UploadTokenSigner(byte[] key, TimeProvider time, params byte[][] previousKeys)
    {
        _key = key;
        _previousKeys = previousKeys;
        _time = time;
    }

    /// <summary>Where the signing key comes from, for the start line.</summary>
    public string KeySource { get; } = "";

    public string Sign(UploadToken token)
    {
        var payload = JsonSerializer.SerializeToUtf8Bytes(token);
        return $"{Base64Url.EncodeToString(payload)}.{Base64Url.EncodeToString(HMACSHA256.HashData(_key, payload))}";
    }

    /// <summary>
    /// The HMAC-SHA256 of other signed things under the same key (<see cref="SignedUrlSigner"/>): one key to
    /// configure and rotate. Their payloads never start with '{', so none can pass for a token's JSON.
    /// </summary>
    public byte[] SignatureOf(ReadOnlySpan<byte> payload) => HMACSHA256.HashData(_key, payload);

    /// <summary>Whether <paramref name="signature"/> is the HMAC of <paramref name="payload"/> under the current or a previous key.</summary>
    public bool IsSignedWithAKnownKey(byte[] payload, byte[] signature) =>
        signature.Length == HMACSHA256.HashSizeInBytes && SignedWithAKnownKey(payload, signature);

    /// <summary>The token's content after checking its form, signature, expiry and owner.</summary>
    public UploadToken Read(string uploadId, string owner)
    {
        var token = Verify(uploadId);
        if (!string.Equals(token.Owner, owner, StringComparison.Ordinal))
        {
            // Word for word the store's answer for an upload that does not exist (and checked before
            // expiry): another owner's uploads are invisible, whatever their state.
            throw ProblemExceptionHandler.UploadNotFound();
        }
        if (token.ExpiresAt <= _time.GetUtcNow())
        {
            throw ApiErrors.UploadExpired.With($"It expired at {token.ExpiresAt:O}; start a new upload.");
        }
        return token;
    }

    /// <summary>
    /// The token of a request that carries no credentials but a Hoist-signed URL granting it (a part PUT
    /// of the /s3/ face, docs/uppy.md): form, signature and expiry are checked; the owner is the token's.
    /// </summary>
    public UploadToken ReadGranted(string uploadId)
    {
        var token = Verify(uploadId);
        if (token.ExpiresAt <= _time.GetUtcNow())
        {
            throw ApiErrors.UploadExpired.With($"It expired at {token.ExpiresAt:O}; start a new upload.");
        }
        return token;
    }

    private UploadToken Verify(string uploadId)
    {
        var dot = uploadId.IndexOf('.', StringComparison.Ordinal);
        if (uploadId.Length > MaxTokenLength || dot <= 0 || dot != uploadId.LastIndexOf('.'))
        {
            throw Malformed();
        }
        byte[] payload, signature;
        try
        {
            payload = Base64Url.DecodeFromChars(uploadId.AsSpan(0, dot));
            signature = Base64Url.DecodeFromChars(uploadId.AsSpan(dot + 1));
        }
        catch (FormatException)
        {
            throw Malformed();
        }
        if (signature.Length != HMACSHA256.HashSizeInBytes)
        {
            throw Malformed();
        }
        if (!SignedWithAKnownKey(payload, signature))
        {
            throw ApiErrors.UploadIdForged.With("Its signature does not match: it was altered, or signed with another key.");
        }
        UploadToken? token;
        try
        {
            token = JsonSerializer.Deserialize<UploadToken>(payload);
        }
        catch (JsonException)
        {
            throw Malformed();
        }
        if (token is null || token.Version != UploadToken.CurrentVersion)
        {
            throw ApiErrors.UploadIdUnsupported.With();
        }
        return token;
    }

    /// <summary>The current key, then every previous one; all are always computed, so the time taken does not tell which key matched.</summary>
    private bool SignedWithAKnownKey(byte[] payload, byte[] signature)
    {
        var known = CryptographicOperations.FixedTimeEquals(signature, HMACSHA256.HashData(_key, payload));
        foreach (var previous in _previousKeys)
        {
            known |= CryptographicOperations.FixedTimeEquals(signature, HMACSHA256.HashData(previous, payload));
        }
        return known;
    }

    private static ApiException Malformed() =>
        ApiErrors.UploadIdMalformed.With("It is truncated or is not an id this API issues.");
}

/// <summary>The generated signing key, created once and kept so that restarts keep accepting issued ids.</summary>
internal static class SigningKeyFile
{
    public static byte[] LoadOrCreate(string path, ILogger logger)
    {
        try
        {
            return LoadOrCreateCore(Path.GetFullPath(path), logger);
        }
        catch (Exception e) when (e is UnauthorizedAccessException or IOException or FormatException)
        {
            throw new OptionsValidationException(TokenOptions.Section, typeof(TokenOptions),
                [$"The upload-token signing key file {Path.GetFullPath(path)} cannot be created or read ({e.Message}). Set Hoist:Tokens:KeyFile to a path this server may write, or Hoist:Tokens:SigningKey."]);
        }
    }

    private static byte[] LoadOrCreateCore(string path, ILogger logger)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        try
        {
            // CreateNew: when two instances start at once on one folder, one writes and both read the same key.
            using var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None);
            var key = RandomNumberGenerator.GetBytes(32);
            file.Write(Encoding.ASCII.GetBytes(Convert.ToBase64String(key)));
            file.Flush(flushToDisk: true);
            logger.GeneratedSigningKey(path);
            return key;
        }
        catch (IOException) when (File.Exists(path))
        {
            for (var attempt = 0; ; attempt++)
            {
                var text = File.ReadAllText(path).Trim();
                if (text.Length > 0 || attempt == 50)
                {
                    return Convert.FromBase64String(text);
                }
                Thread.Sleep(20); // the other instance is still writing it
            }
        }
    }
}

internal static partial class SigningKeyLog
{
    // Debug: the start line names the key file already.
    [LoggerMessage(LogLevel.Debug, "Generated an upload-token signing key at {Path}; set Hoist:Tokens:SigningKey to share one between instances")]
    public static partial void GeneratedSigningKey(this ILogger logger, string path);
}
