using Hoist.Wire;
using Hoist.Server.Admission;
using Hoist.Server.Errors;
using Hoist.Server.Keys;
using Hoist.Server.Storage;
using Hoist.Server.Telemetry;
using Hoist.Server.Uploads;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace Hoist.Server.S3Api;

/// <summary>
/// Uppy's S3 multipart API, as Companion's s3 routes answer it, over the upload spine (docs/uppy.md).
/// Unlike Companion, the key is Hoist's (the key template, under the caller's prefix) and the uploadId is
/// Hoist's signed token, which binds it: a <c>key</c> that is not the token's is refused.
/// </summary>
public static class S3ApiEndpoints
{
    public const string Root = "/s3";

    /// <summary>A complete names up to 10,000 parts: Companion takes 1 MB of JSON for it too.</summary>
    private const long CompleteBodyLimit = 1024 * 1024;

    public static bool IsS3Request(HttpContext context) => context.Request.Path.StartsWithSegments(Root, StringComparison.Ordinal);

    public static IServiceCollection AddHoistS3Api(this IServiceCollection services) => services.AddSingleton<PartUrls>();

    public static IEndpointRouteBuilder MapS3Api(this IEndpointRouteBuilder app)
    {
        var s3 = app.MapGroup(Root).WithTags("S3 multipart (Uppy)");
        var owned = s3.MapGroup("").RequireAuthorization(Auth.AuthServiceCollectionExtensions.UploaderPolicy);
        owned.MapGet("/params", ParamsAsync);
        owned.MapPost("/multipart", CreateAsync);
        owned.MapGet("/multipart/{uploadId}", ListPartsAsync);
        owned.MapGet("/multipart/{uploadId}/batch", SignBatchAsync);
        owned.MapGet("/multipart/{uploadId}/{partNumber}", SignPartAsync);
        owned.MapPost("/multipart/{uploadId}/complete", CompleteAsync);
        owned.MapDelete("/multipart/{uploadId}", AbortAsync);
        // Granted by the URL's signature, not by credentials: where the bytes go when the store cannot presign.
        s3.MapPut("/parts/{uploadId}/{partNumber}", PutPartAsync);
        s3.MapPost("/objects/{uploadId}", PostObjectAsync);
        return app;
    }

    private static async Task<Ok<S3CreateResponse>> CreateAsync(HttpContext context, UploadService uploads, IOptions<StorageOptions> storage, CancellationToken cancellationToken)
    {
        var owner = Owner.Of(context);
        UploadScope.Name(owner);
        var request = await UploadEndpoints.ReadJsonAsync<S3CreateRequest>(context, cancellationToken);
        var created = await uploads.CreateClientSizedAsync(owner, request.FileName ?? "", request.Type, cancellationToken);
        return TypedResults.Ok(new S3CreateResponse(created.Key, created.UploadId, BucketOf(storage)));
    }

    private static async Task<Ok<List<S3Part>>> ListPartsAsync(string uploadId, string? key, HttpContext context, UploadService uploads, UploadTokenSigner signer, CancellationToken cancellationToken)
    {
        var token = ReadToken(uploadId, key, context, signer);
        var parts = await uploads.ListClientSizedPartsAsync(token, cancellationToken);
        return TypedResults.Ok(parts.Select(p => new S3Part(p.PartNumber, Quoted(p.ETag), p.Size)).ToList());
    }

    private static async Task<Ok<S3SignedPart>> SignPartAsync(string uploadId, string partNumber, string? key, string? contentMd5, HttpContext context, UploadService uploads, UploadTokenSigner signer, PartUrls urls, CancellationToken cancellationToken)
    {
        var token = ReadToken(uploadId, key, context, signer);
        var number = UploadEndpoints.ParsePartNumber(partNumber);
        uploads.CheckClientSizedPart(number, 0);
        var url = await urls.ForPartAsync(context.Request, uploadId, token, number, ParseMd5(contentMd5), cancellationToken);
        return TypedResults.Ok(new S3SignedPart(url, (long)urls.Lifetime.TotalSeconds));
    }

    private static async Task<Ok<S3SignedParts>> SignBatchAsync(string uploadId, string? key, string? partNumbers, HttpContext context, UploadService uploads, UploadTokenSigner signer, PartUrls urls, CancellationToken cancellationToken)
    {
        var token = ReadToken(uploadId, key, context, signer);
        if (string.IsNullOrEmpty(partNumbers))
        {
            throw ApiErrors.InvalidPartNumber.With("Name the parts as a comma-separated list: ?partNumbers=1,2,3.");
        }
        var numbers = partNumbers.Split(',').Select(UploadEndpoints.ParsePartNumber).Distinct().ToList();
        var signed = new Dictionary<string, string>();
        foreach (var number in numbers)
        {
            uploads.CheckClientSizedPart(number, 0);
            signed[number.ToString(System.Globalization.CultureInfo.InvariantCulture)] = await urls.ForPartAsync(context.Request, uploadId, token, number, null, cancellationToken);
        }
        return TypedResults.Ok(new S3SignedParts(signed));
    }

    private static async Task<Ok<S3CompleteResponse>> CompleteAsync(string uploadId, string? key, HttpContext context, UploadService uploads, UploadTokenSigner signer, IOptions<StorageOptions> storage, CancellationToken cancellationToken)
    {
        var token = ReadToken(uploadId, key, context, signer);
        var request = await UploadEndpoints.ReadJsonAsync<S3CompleteRequest>(context, cancellationToken, CompleteBodyLimit);
        if (request.Parts is not { } parts || parts.Any(p => p is not { PartNumber: not null, ETag: not null }))
        {
            throw ApiErrors.MalformedJson.With("parts must be an array of {PartNumber, ETag} objects.");
        }
        var done = await uploads.CompleteClientSizedAsync(token, [.. parts.Select(p => (p.PartNumber!.Value, p.ETag!))], cancellationToken);
        return TypedResults.Ok(new S3CompleteResponse(LocationOf(context.Request, done.Key), done.Key, BucketOf(storage)));
    }

    private static async Task<Ok<object>> AbortAsync(string uploadId, string? key, HttpContext context, UploadService uploads, UploadTokenSigner signer, CancellationToken cancellationToken)
    {
        await uploads.AbortAsync(ReadToken(uploadId, key, context, signer), cancellationToken);
        return TypedResults.Ok<object>(new { });
    }

    /// <summary>
    /// A small file in one request (@uppy/aws-s3 sends files it does not split, and empty ones, this way):
    /// an upload is begun now, and the answer says where to POST the form, a Hoist-signed URL on every store.
    /// </summary>
    private static async Task<Ok<S3PostParameters>> ParamsAsync(string? filename, string? type, HttpContext context, UploadService uploads, PartUrls urls, CancellationToken cancellationToken)
    {
        var owner = Owner.Of(context);
        UploadScope.Name(owner);
        var created = await uploads.CreateClientSizedAsync(owner, filename ?? "", type, cancellationToken);
        return TypedResults.Ok(new S3PostParameters(HttpMethods.Post, urls.ForObject(context.Request, created.UploadId),
            new Dictionary<string, string> { ["key"] = created.Key }, (long)urls.Lifetime.TotalSeconds));
    }

    /// <summary>A part PUT to a Hoist-signed URL: checked and stored like any part (limits, admission, the store's checks).</summary>
    private static async Task<EmptyHttpResult> PutPartAsync(string uploadId, string partNumber, HttpContext context, UploadService uploads, UploadTokenSigner signer, SignedUrlSigner urlSigner, PartAdmission admission, CancellationToken cancellationToken)
    {
        var request = context.Request;
        var number = UploadEndpoints.ParsePartNumber(partNumber);
        var signedMd5 = ParseMd5(request.Query[PartUrls.ContentMd5Parameter]);
        urlSigner.Check(HttpMethods.Put, PartUrls.PartResource(uploadId, number, signedMd5), request.Query);
        var token = ReadGrantedToken(uploadId, signer);
        if (request.ContentLength is not { } length)
        {
            throw ApiErrors.LengthRequired.With("Send each part with its exact length; chunked bodies are not accepted.");
        }
        uploads.CheckClientSizedPart(number, length);
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = Math.Max(length, 0);
        }
        // As S3 does: the signed MD5 if there is one, else the request's own Content-MD5.
        var md5 = signedMd5 ?? ParseMd5(request.Headers[HeaderNames.ContentMD5]);
        using var admitted = admission.Admit(token.Owner, context.Connection.RemoteIpAddress);
        await admitted.WaitForStoreWriteAsync(cancellationToken);
        var stored = await uploads.UploadClientSizedPartAsync(token, number, request.Body, length, md5, cancellationToken);
        context.Response.Headers.ETag = Quoted(stored.ETag);
        return TypedResults.Empty;
    }

    /// <summary>The form of a small file (S3's POST policy form: fields, then the file), stored as a one-part upload.</summary>
    private static async Task<NoContent> PostObjectAsync(string uploadId, HttpContext context, UploadService uploads, UploadTokenSigner signer, SignedUrlSigner urlSigner, PartAdmission admission, IOptions<UploadOptions> options, CancellationToken cancellationToken)
    {
        var request = context.Request;
        urlSigner.Check(HttpMethods.Post, PartUrls.ObjectResource(uploadId), request.Query);
        var token = ReadGrantedToken(uploadId, signer);
        // One request holds the file: at most one preferred part (larger files go through /s3/multipart).
        var maxFile = Math.Min(options.Value.PreferredPartSize, options.Value.MaxFileSize);
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = maxFile + 64 * 1024;
        }
        if (!MediaTypeHeaderValue.TryParse(request.ContentType, out var mediaType) || HeaderUtilities.RemoveQuotes(mediaType.Boundary).Value is not { Length: > 0 } boundary)
        {
            throw ApiErrors.BadRequest.With("Send the file as multipart/form-data: the fields, then the file.");
        }
        using var admitted = admission.Admit(token.Owner, context.Connection.RemoteIpAddress);
        var reader = new MultipartReader(boundary, request.Body);
        while (await reader.ReadNextSectionAsync(cancellationToken) is { } section)
        {
            if (!ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition))
            {
                continue;
            }
            var name = HeaderUtilities.RemoveQuotes(disposition.Name).Value;
            if (string.Equals(name, "key", StringComparison.OrdinalIgnoreCase))
            {
                using var field = new StreamReader(section.Body);
                RequireKey(await field.ReadToEndAsync(cancellationToken), token);
            }
            else if (string.Equals(name, "file", StringComparison.OrdinalIgnoreCase))
            {
                using var file = new MemoryStream();
                await CopyAtMostAsync(section.Body, file, maxFile, cancellationToken);
                file.Position = 0;
                await admitted.WaitForStoreWriteAsync(cancellationToken);
                var stored = await uploads.UploadClientSizedPartAsync(token, 1, file, file.Length, null, cancellationToken);
                var done = await uploads.CompleteClientSizedAsync(token, [(1, stored.ETag)], cancellationToken);
                context.Response.Headers.ETag = Quoted(done.ETag);
                context.Response.Headers.Location = LocationOf(request, done.Key);
                return TypedResults.NoContent();
            }
        }
        throw ApiErrors.BadRequest.With("The form has no field named \"file\".");
    }

    private static async Task CopyAtMostAsync(Stream source, Stream target, long max, CancellationToken cancellationToken)
    {
        var buffer = new byte[81920];
        int n;
        while ((n = await source.ReadAsync(buffer, cancellationToken)) > 0)
        {
            if (target.Length + n > max)
            {
                throw ApiErrors.BodyTooLarge.With($"A file sent in one request may have at most {max} bytes; send larger ones through /s3/multipart.");
            }
            await target.WriteAsync(buffer.AsMemory(0, n), cancellationToken);
        }
    }

    /// <summary>The caller's token (another owner's is not found), whose key must be the one named.</summary>
    private static UploadToken ReadToken(string uploadId, string? key, HttpContext context, UploadTokenSigner signer)
    {
        var owner = Owner.Of(context);
        UploadScope.Name(owner);
        var token = signer.Read(uploadId, owner);
        UploadScope.Name(owner, token.StoreUploadId, token.Key);
        RequireClientSized(token);
        RequireKey(key, token);
        return token;
    }

    private static UploadToken ReadGrantedToken(string uploadId, UploadTokenSigner signer)
    {
        var token = signer.ReadGranted(uploadId);
        UploadScope.Name(token.Owner, token.StoreUploadId, token.Key);
        RequireClientSized(token);
        return token;
    }

    /// <summary>Only uploads begun here (no part plan) take parts of the client's sizes.</summary>
    private static void RequireClientSized(UploadToken token)
    {
        if (!token.IsSizeDeferred || token.Concat is not null)
        {
            throw ApiErrors.S3UploadPlanned.With();
        }
    }

    private static void RequireKey(string? key, UploadToken token)
    {
        if (!string.Equals(key, token.Key, StringComparison.Ordinal))
        {
            throw ApiErrors.S3KeyMismatch.With(key is null
                ? "Send the key this upload was created with: ?key=..."
                : "The key is not the one this upload was created with: Hoist chooses the key, and the uploadId carries it.");
        }
    }

    private static byte[]? ParseMd5(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return null;
        }
        var bytes = new byte[16];
        return Convert.TryFromBase64String(value.Trim(), bytes, out var written) && written == 16
            ? bytes
            : throw ApiErrors.InvalidContentMd5.With();
    }

    private static string Quoted(string etag) => $"\"{etag.Trim('"')}\"";

    /// <summary>Where the stored file is read: Hoist's own download route (docs/api.md).</summary>
    private static string LocationOf(HttpRequest request, string key) =>
        $"{PartUrls.BaseOf(request)}{HoistWire.Files}/{string.Join('/', key.Split('/').Select(Uri.EscapeDataString))}";

    private static string? BucketOf(IOptions<StorageOptions> storage) =>
        storage.Value.Provider == StorageProvider.S3 ? storage.Value.S3.Bucket : null;
}
