using Hoist.Server.Errors;
using Hoist.Server.Storage;
using Microsoft.Extensions.Options;

namespace Hoist.Server.Uploads;

/// <summary>
/// Direct mode (docs/api.md, "Direct mode"): the store's presigned URLs for the parts of a native
/// upload, so the bytes go from the client to the store and Hoist only creates, signs and completes.
/// Each URL is signed with the part's Content-MD5, so the store itself refuses other bytes; the plan
/// (part numbers, sizes) is checked again at complete, and the client compares the multipart ETag with
/// its own MD5s. On a store that cannot presign it is off, whatever the setting says.
/// </summary>
public sealed partial class DirectParts(StoreCapabilities capabilities, IOptions<UploadOptions> options, TimeProvider time, ILogger<DirectParts> logger)
{
    /// <summary>At most this many parts per request: a page asks for the parts it is about to send.</summary>
    public const int MaxPartsPerRequest = 100;

    public bool IsOn => options.Value.Direct && capabilities.Presigning is not null;

    /// <summary>Says at start when the setting cannot apply, so an operator does not believe the bytes bypass Hoist.</summary>
    public void WarnIfIneffective()
    {
        if (options.Value.Direct && capabilities.Presigning is null)
        {
            LogDirectIgnored(logger);
        }
    }

    /// <summary>The store that signs, or the refusal a client expects when this server takes every part itself (before it reads a body).</summary>
    public IPresigningStore RequireOn() =>
        options.Value.Direct && capabilities.Presigning is { } presigner ? presigner : throw ApiErrors.DirectUnavailable.With();

    public async Task<PartUrlsResponse> SignAsync(UploadToken token, PartUrlsRequest request, CancellationToken cancellationToken)
    {
        var presigner = RequireOn();
        if (token.SinglePut)
        {
            // Created while direct mode was off: the store has no multipart upload to sign parts of.
            throw ApiErrors.DirectUnavailable.With("This upload was created to be sent through Hoist: send its part there.");
        }
        if (request.Parts is not { Count: > 0 and <= MaxPartsPerRequest } parts || parts.Any(p => p?.PartNumber is null))
        {
            throw ApiErrors.MalformedJson.With($"parts must be an array of 1 to {MaxPartsPerRequest} {{partNumber, contentMd5}} objects.");
        }
        var plan = token.Plan;
        var md5s = new List<(int Number, byte[] Md5)>(parts.Count);
        foreach (var part in parts)
        {
            var number = part.PartNumber!.Value;
            if (!plan.Contains(number))
            {
                throw ApiErrors.InvalidPartNumber.With($"This upload has parts 1 to {plan.PartCount}.",
                    new Dictionary<string, object?> { ["partCount"] = plan.PartCount });
            }
            md5s.Add((number, ParseMd5(part.ContentMd5)));
        }
        var expiresAt = time.GetUtcNow() + options.Value.PresignedUrlLifetime;
        var signed = new List<PartUrl>(md5s.Count);
        foreach (var (number, md5) in md5s)
        {
            var url = await presigner.PresignUploadPartAsync(token.Key, token.StoreUploadId, number, expiresAt, md5, cancellationToken);
            signed.Add(new PartUrl(number, url.OriginalString, new Dictionary<string, string> { ["Content-MD5"] = Convert.ToBase64String(md5) }));
        }
        return new PartUrlsResponse(signed, DateTimeOffset.FromUnixTimeSeconds(expiresAt.ToUnixTimeSeconds()));
    }

    /// <summary>Required: an unsigned MD5 would let a URL store any bytes under the part's number.</summary>
    private static byte[] ParseMd5(string? value)
    {
        var bytes = new byte[16];
        return !string.IsNullOrEmpty(value) && Convert.TryFromBase64String(value.Trim(), bytes, out var written) && written == 16
            ? bytes
            : throw ApiErrors.InvalidContentMd5.With("Each part needs contentMd5: the base64 of its 16-byte MD5, which its URL is signed with.");
    }

    [LoggerMessage(LogLevel.Warning, "Hoist:Uploads:Direct is on, but the file system store cannot presign URLs: every part goes through Hoist")]
    private static partial void LogDirectIgnored(ILogger logger);
}
