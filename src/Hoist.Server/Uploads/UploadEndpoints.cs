using Hoist.Wire;
using System.Text.Json;
using Hoist.Server.Admission;
using Hoist.Server.Errors;
using Hoist.Server.Keys;
using Hoist.Server.Telemetry;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Hoist.Server.Uploads;

/// <summary>The native upload API: /api/uploads (docs/api.md).</summary>
public static class UploadEndpoints
{
    private const long JsonBodyLimit = 64 * 1024;

    public static IEndpointRouteBuilder MapUploads(this IEndpointRouteBuilder app)
    {
        var uploads = app.MapGroup(HoistWire.Uploads).WithTags("Uploads").RequireAuthorization(Auth.AuthServiceCollectionExtensions.UploaderPolicy);
        uploads.MapPost("/", CreateAsync);
        uploads.MapPut("/{uploadId}/parts/{partNumber}", UploadPartAsync);
        uploads.MapGet("/{uploadId}/parts", ListPartsAsync);
        uploads.MapPost("/{uploadId}/part-urls", SignPartUrlsAsync);
        uploads.MapPost("/{uploadId}/complete", CompleteAsync);
        uploads.MapDelete("/{uploadId}", AbortAsync);
        // What a client may send, so it can say so before sending (docs/api.md, "Limits").
        app.MapGet(HoistWire.Limits, GetLimits).WithTags("Uploads").RequireAuthorization(Auth.AuthServiceCollectionExtensions.UploaderPolicy);
        return app;
    }

    private static Ok<LimitsResponse> GetLimits(Microsoft.Extensions.Options.IOptions<UploadOptions> options)
    {
        var limits = options.Value;
        return TypedResults.Ok(new LimitsResponse(limits.MaxFileSize, limits.AllowedContentTypes, limits.AllowedExtensions, limits.PreferredPartSize));
    }

    private static async Task<Created<CreateUploadResponse>> CreateAsync(HttpContext context, UploadService uploads, DirectParts direct, CancellationToken cancellationToken)
    {
        var owner = Owner.Of(context);
        UploadScope.Name(owner);
        var request = await ReadJsonAsync<CreateUploadRequest>(context, cancellationToken);
        // Parts sent to the store directly need a multipart upload there, even for a one-part file.
        var created = await uploads.CreateAsync(owner, request, cancellationToken, singlePut: !direct.IsOn);
        return TypedResults.Created($"{HoistWire.Uploads}/{created.UploadId}/parts", created with { Direct = direct.IsOn ? true : null });
    }

    private static async Task<Ok<PartResponse>> UploadPartAsync(string uploadId, string partNumber, HttpContext context, UploadService uploads, UploadTokenSigner signer, PartAdmission admission, CancellationToken cancellationToken)
    {
        var owner = Owner.Of(context);
        var token = ReadToken(uploadId, owner, signer);
        var number = ParsePartNumber(partNumber);
        var request = context.Request;
        if (request.ContentLength is not { } length)
        {
            throw ApiErrors.LengthRequired.With("Send each part with its exact length; chunked bodies are not accepted.");
        }
        // Kestrel stops reading at the declared length; this also caps the body at the planned part size.
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = Math.Max(length, 0);
        }
        var checksum = ParseChecksum(request.Headers[HoistWire.ChecksumHeader]);
        UploadService.CheckPart(token, number, length, checksum);
        // Counted in before a byte of the body is read, counted out however the request ends.
        using var admitted = admission.Admit(owner, context.Connection.RemoteIpAddress);
        await admitted.WaitForStoreWriteAsync(cancellationToken);
        return TypedResults.Ok(await uploads.UploadPartAsync(token, number, request.Body, length, checksum, cancellationToken));
    }

    private static async Task<Ok<PartsResponse>> ListPartsAsync(string uploadId, HttpContext context, UploadService uploads, UploadTokenSigner signer, DirectParts direct, CancellationToken cancellationToken) =>
        TypedResults.Ok(await uploads.ListPartsAsync(ReadToken(uploadId, Owner.Of(context), signer), cancellationToken) with { Direct = direct.IsOn ? true : null });

    /// <summary>Direct mode: where the named parts go, each URL signed with the part's MD5.</summary>
    private static async Task<Ok<PartUrlsResponse>> SignPartUrlsAsync(string uploadId, HttpContext context, UploadTokenSigner signer, DirectParts direct, CancellationToken cancellationToken)
    {
        var token = ReadToken(uploadId, Owner.Of(context), signer);
        UploadService.PlanOf(token);
        direct.RequireOn();
        var request = await ReadJsonAsync<PartUrlsRequest>(context, cancellationToken);
        return TypedResults.Ok(await direct.SignAsync(token, request, cancellationToken));
    }

    private static async Task<Ok<CompleteUploadResponse>> CompleteAsync(string uploadId, HttpContext context, UploadService uploads, UploadTokenSigner signer, CancellationToken cancellationToken) =>
        TypedResults.Ok(await uploads.CompleteAsync(ReadToken(uploadId, Owner.Of(context), signer), cancellationToken));

    private static async Task<NoContent> AbortAsync(string uploadId, HttpContext context, UploadService uploads, UploadTokenSigner signer, CancellationToken cancellationToken)
    {
        await uploads.AbortAsync(ReadToken(uploadId, Owner.Of(context), signer), cancellationToken);
        return TypedResults.NoContent();
    }

    /// <summary>Reads the upload id, and names the upload and its owner on the request's log lines and span from here on.</summary>
    private static UploadToken ReadToken(string uploadId, string owner, UploadTokenSigner signer)
    {
        UploadScope.Name(owner);
        var token = signer.Read(uploadId, owner);
        UploadScope.Name(owner, token.StoreUploadId, token.Key);
        return token;
    }

    internal static int ParsePartNumber(string value)
    {
        if (value.Length is 0 or > 5 || !value.All(char.IsAsciiDigit) || !int.TryParse(value, out var number))
        {
            throw ApiErrors.InvalidPartNumber.With("The part number is not a number from 1 to 10000.");
        }
        return number;
    }

    private static byte[]? ParseChecksum(string? header)
    {
        if (string.IsNullOrEmpty(header))
        {
            return null;
        }
        var bytes = new byte[32];
        if (!Convert.TryFromBase64String(header.Trim(), bytes, out var written) || written != 32)
        {
            throw ApiErrors.InvalidChecksum.With();
        }
        return bytes;
    }

    /// <summary>Reads a small JSON body with our own limit and error codes (the framework's are neither small nor coded).</summary>
    internal static async Task<T> ReadJsonAsync<T>(HttpContext context, CancellationToken cancellationToken, long bodyLimit = JsonBodyLimit)
    {
        if (context.Request.ContentLength > bodyLimit)
        {
            throw ApiErrors.BodyTooLarge.With($"A JSON body may have at most {bodyLimit} bytes.");
        }
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = bodyLimit;
        }
        try
        {
            var options = context.RequestServices.GetRequiredService<Microsoft.Extensions.Options.IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions>>().Value.SerializerOptions;
            return await JsonSerializer.DeserializeAsync<T>(context.Request.Body, options, cancellationToken)
                ?? throw ApiErrors.MalformedJson.With("The body must be a JSON object.");
        }
        catch (JsonException e)
        {
            throw ApiErrors.MalformedJson.With(e.Message);
        }
    }
}
