using System.Globalization;
using Hoist.Server.Admission;
using Hoist.Server.Errors;
using Hoist.Server.Keys;
using Hoist.Server.Uploads;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;

namespace Hoist.Server.Tus;

/// <summary>
/// The tus 1.0 face (docs/tus.md) at Hoist:Tus:Path: a thin layer over <see cref="UploadService"/>.
/// The upload URL is <c>Path/&lt;upload id&gt;</c>, the upload id the native API issues (a signed
/// token); the offset is read from the store on every request (<see cref="TusUploads"/>).
/// </summary>
public static class TusEndpoints
{
    public static IEndpointRouteBuilder MapTus(this IEndpointRouteBuilder app)
    {
        var options = app.ServiceProvider.GetRequiredService<IOptions<TusOptions>>().Value;
        if (!options.Enabled)
        {
            return app;
        }
        var tus = app.MapGroup(options.Path).WithTags("tus");
        tus.MapMethods("/", [HttpMethods.Options], Discover);
        tus.MapMethods("/{uploadId}", [HttpMethods.Options], Discover);
        var uploads = tus.MapGroup("").RequireAuthorization(Auth.AuthServiceCollectionExtensions.UploaderPolicy);
        uploads.MapPost("/", CreateAsync);
        uploads.MapMethods("/{uploadId}", [HttpMethods.Head], HeadAsync);
        uploads.MapPatch("/{uploadId}", PatchAsync);
        uploads.MapDelete("/{uploadId}", TerminateAsync);
        uploads.MapPost("/{uploadId}", OverrideAsync);
        return app;
    }

    /// <summary>Whether a request is for the tus endpoint.</summary>
    public static bool IsTusRequest(HttpContext context) =>
        context.RequestServices.GetService<IOptions<TusOptions>>()?.Value is { Enabled: true } options
        && context.Request.Path.StartsWithSegments(options.Path, StringComparison.Ordinal);

    /// <summary>
    /// For every request under the tus path: answers carry Tus-Resumable (also refusals, whose headers
    /// the exception handler clears), and a request of another protocol version is refused with 412.
    /// </summary>
    public static IApplicationBuilder UseTus(this IApplicationBuilder app) =>
        app.Use((context, next) =>
        {
            if (!IsTusRequest(context))
            {
                return next(context);
            }
            context.Response.OnStarting(() =>
            {
                context.Response.Headers[TusProtocol.TusResumable] = TusProtocol.Version;
                return Task.CompletedTask;
            });
            if (!HttpMethods.IsOptions(context.Request.Method) && context.Request.Headers[TusProtocol.TusResumable].ToString() != TusProtocol.Version)
            {
                throw ApiErrors.TusVersionUnsupported.With($"Send '{TusProtocol.TusResumable}: {TusProtocol.Version}' with every request.",
                    headers: new Dictionary<string, string> { [TusProtocol.TusVersion] = TusProtocol.Version });
            }
            return next(context);
        });

    private static IResult Discover(HttpContext context, IOptions<UploadOptions> uploads)
    {
        var headers = context.Response.Headers;
        headers[TusProtocol.TusVersion] = TusProtocol.Version;
        headers[TusProtocol.TusExtension] = TusProtocol.Extensions;
        headers[TusProtocol.TusMaxSize] = uploads.Value.MaxFileSize.ToString(CultureInfo.InvariantCulture);
        headers[TusProtocol.TusChecksumAlgorithm] = TusProtocol.ChecksumAlgorithms;
        return Results.NoContent();
    }

    private static async Task<IResult> CreateAsync(HttpContext context, UploadService uploads, TusUploads tus, TusConcatenation concatenation, UploadTokenSigner signer, PartAdmission admission,
        IOptions<TusOptions> options, IOptions<UploadOptions> uploadOptions, TimeProvider time, CancellationToken cancellationToken)
    {
        var request = context.Request;
        var concat = request.Headers[TusProtocol.UploadConcat].ToString();
        if (concat.Length > 0 && concat != UploadToken.Partial)
        {
            return await CreateFinalAsync(context, concat, uploads, concatenation, signer, options.Value, cancellationToken);
        }
        var partial = concat == UploadToken.Partial;
        var deferred = request.Headers.TryGetValue(TusProtocol.UploadDeferLength, out var defer);
        if (deferred && (defer.ToString() != "1" || request.Headers.ContainsKey(TusProtocol.UploadLength)))
        {
            throw ApiErrors.TusInvalidUploadLength.With("Send either Upload-Length, or Upload-Defer-Length: 1 and the length with a later PATCH.");
        }
        long size = 0;
        if (!deferred)
        {
            if (!request.Headers.TryGetValue(TusProtocol.UploadLength, out var declaredLength))
            {
                throw ApiErrors.TusInvalidUploadLength.With("Send the file's size in bytes (or Upload-Defer-Length: 1).");
            }
            size = TusProtocol.ParseSize(declaredLength, ApiErrors.TusInvalidUploadLength);
        }
        var metadata = TusProtocol.ParseMetadata(request.Headers[TusProtocol.UploadMetadata]);
        var withBody = IsOffsetStream(request.ContentType) && BodyLength(context) is > 0;
        if (!withBody && request.ContentLength is > 0)
        {
            throw WrongContentType(request.ContentType);
        }
        var checksum = withBody ? TusProtocol.ParseChecksum(request.Headers[TusProtocol.UploadChecksum]) : null;
        var fileName = Pick(metadata, "filename", "name") ?? "file";
        var contentType = Pick(metadata, "filetype", "type", "contentType");

        var owner = Owner.Of(context);
        var created = partial ? await uploads.CreatePartialAsync(owner, deferred ? null : size, cancellationToken)
            : deferred ? await uploads.CreateWithDeferredSizeAsync(owner, fileName, contentType, cancellationToken)
            : await uploads.CreateAsync(owner, new CreateUploadRequest(fileName, size, contentType, null), cancellationToken);
        var token = signer.Read(created.UploadId, owner);
        var location = $"{request.PathBase}{options.Value.Path}/{created.UploadId}";
        context.Response.Headers.Location = location;
        context.Response.Headers[TusProtocol.UploadExpires] = Expires(token, uploadOptions.Value, time);
        if (size == 0 && !deferred)
        {
            // Nothing will ever be sent: the (empty) object is stored now.
            await uploads.UploadPartAsync(token, 1, Stream.Null, 0, null, cancellationToken);
        }
        else if (withBody)
        {
            // creation-with-upload: the body is the first PATCH. The upload exists whatever becomes of it.
            long offset;
            try
            {
                offset = (await WriteBodyAsync(context, tus, token, 0, checksum, null, admission, owner, cancellationToken)).Offset;
            }
            catch (ApiException e) when (e.Status is 409 or 460 || e.Status >= 500)
            {
                offset = (await tus.ReadStateAsync(token, cancellationToken)).Offset;
            }
            context.Response.Headers[TusProtocol.UploadOffset] = offset.ToString(CultureInfo.InvariantCulture);
        }
        return Results.StatusCode(StatusCodes.Status201Created);
    }

    /// <summary>
    /// Upload-Concat: final;URL URL ...: every partial is checked (the caller's, partial, finished)
    /// before anything is stored; then the final upload is created and assembled at once.
    /// </summary>
    private static async Task<IResult> CreateFinalAsync(HttpContext context, string concat, UploadService uploads, TusConcatenation concatenation, UploadTokenSigner signer,
        TusOptions options, CancellationToken cancellationToken)
    {
        var request = context.Request;
        if (request.Headers.ContainsKey(TusProtocol.UploadLength) || request.Headers.ContainsKey(TusProtocol.UploadDeferLength))
        {
            throw ApiErrors.TusInvalidUploadLength.With("A final upload's length is the sum of its partial uploads': send no Upload-Length.");
        }
        if (BodyLength(context) is not 0)
        {
            throw ApiErrors.TusFinalUpload.With("Send the bytes to the partial uploads.");
        }
        var metadata = TusProtocol.ParseMetadata(request.Headers[TusProtocol.UploadMetadata]);
        var owner = Owner.Of(context);
        var partials = await concatenation.ReadPartialsAsync(concat, owner, options.Path, cancellationToken);
        var created = await uploads.CreateFinalAsync(owner,
            new CreateUploadRequest(Pick(metadata, "filename", "name") ?? "file", partials.Sum(p => p.Size), Pick(metadata, "filetype", "type", "contentType"), null), cancellationToken);
        var token = signer.Read(created.UploadId, owner);
        await concatenation.AssembleAsync(token, partials, cancellationToken);
        context.Response.Headers.Location = $"{request.PathBase}{options.Path}/{created.UploadId}";
        return Results.StatusCode(StatusCodes.Status201Created);
    }

    private static async Task<IResult> HeadAsync(string uploadId, HttpContext context, TusUploads tus, UploadTokenSigner signer, IOptions<UploadOptions> uploadOptions, TimeProvider time, CancellationToken cancellationToken)
    {
        var token = signer.Read(uploadId, Owner.Of(context));
        var state = await tus.FinishIfStoredAsync(await tus.ReadStateAsync(token, cancellationToken), cancellationToken);
        var headers = context.Response.Headers;
        headers.CacheControl = "no-store";
        headers[TusProtocol.UploadOffset] = state.Offset.ToString(CultureInfo.InvariantCulture);
        if (state.Length is { } length)
        {
            headers[TusProtocol.UploadLength] = length.ToString(CultureInfo.InvariantCulture);
        }
        else
        {
            headers[TusProtocol.UploadDeferLength] = "1";
        }
        if (!state.Completed)
        {
            headers[TusProtocol.UploadExpires] = Expires(token, uploadOptions.Value, time);
        }
        if (token.Concat is { } concat)
        {
            // A final upload's partials are not repeated: they were consumed when it was assembled.
            headers[TusProtocol.UploadConcat] = concat;
        }
        return Results.Ok();
    }

    private static async Task<IResult> PatchAsync(string uploadId, HttpContext context, TusUploads tus, UploadTokenSigner signer, PartAdmission admission,
        IOptions<UploadOptions> uploadOptions, TimeProvider time, CancellationToken cancellationToken)
    {
        var owner = Owner.Of(context);
        var token = signer.Read(uploadId, owner);
        var request = context.Request;
        if (token.Concat == UploadToken.Final)
        {
            throw ApiErrors.TusFinalUpload.With("Send the bytes to the partial uploads.");
        }
        if (!IsOffsetStream(request.ContentType))
        {
            throw WrongContentType(request.ContentType);
        }
        if (!request.Headers.TryGetValue(TusProtocol.UploadOffset, out var declaredOffset))
        {
            throw ApiErrors.TusInvalidOffset.With();
        }
        var offset = TusProtocol.ParseSize(declaredOffset, ApiErrors.TusInvalidOffset);
        long? declaredLength = request.Headers.TryGetValue(TusProtocol.UploadLength, out var length)
            ? TusProtocol.ParseSize(length, ApiErrors.TusInvalidUploadLength)
            : null;
        var checksum = TusProtocol.ParseChecksum(request.Headers[TusProtocol.UploadChecksum]);
        var state = await WriteBodyAsync(context, tus, token, offset, checksum, declaredLength, admission, owner, cancellationToken);
        context.Response.Headers[TusProtocol.UploadOffset] = state.Offset.ToString(CultureInfo.InvariantCulture);
        if (!state.Completed)
        {
            context.Response.Headers[TusProtocol.UploadExpires] = Expires(token, uploadOptions.Value, time);
        }
        return Results.NoContent();
    }

    private static async Task<IResult> TerminateAsync(string uploadId, HttpContext context, UploadService uploads, TusUploads tus, UploadTokenSigner signer, CancellationToken cancellationToken)
    {
        var token = signer.Read(uploadId, Owner.Of(context));
        await uploads.AbortAsync(token, cancellationToken);
        await tus.ForgetScratchAsync(token, cancellationToken);
        return Results.NoContent();
    }

    /// <summary>X-HTTP-Method-Override: a POST that stands for a PATCH or a DELETE (clients and proxies that cannot send them).</summary>
    private static Task<IResult> OverrideAsync(string uploadId, HttpContext context, CancellationToken cancellationToken)
    {
        var services = context.RequestServices;
        return context.Request.Headers[TusProtocol.MethodOverride].ToString().ToUpperInvariant() switch
        {
            "PATCH" => PatchAsync(uploadId, context, services.GetRequiredService<TusUploads>(), services.GetRequiredService<UploadTokenSigner>(),
                services.GetRequiredService<PartAdmission>(), services.GetRequiredService<IOptions<UploadOptions>>(), services.GetRequiredService<TimeProvider>(), cancellationToken),
            "DELETE" => TerminateAsync(uploadId, context, services.GetRequiredService<UploadService>(), services.GetRequiredService<TusUploads>(),
                services.GetRequiredService<UploadTokenSigner>(), cancellationToken),
            _ => throw ApiErrors.TusMethodOverrideRequired.With(),
        };
    }

    /// <summary>Admits the body like a part (per owner, per address, store writes), then writes it; answers the new offset.</summary>
    private static async Task<TusState> WriteBodyAsync(HttpContext context, TusUploads tus, UploadToken token, long offset, TusChecksum? checksum, long? declaredLength,
        PartAdmission admission, string owner, CancellationToken cancellationToken)
    {
        var length = BodyLength(context);
        if (length is not { } bodyLength)
        {
            throw ApiErrors.LengthRequired.With("Send each PATCH with its exact length; chunked bodies are not accepted.");
        }
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = Math.Max(bodyLength, 0);
        }
        if (bodyLength == 0)
        {
            // Nothing to admit: an empty PATCH only sets a deferred length, or finishes a stored upload.
            return await tus.WriteAsync(token, offset, Stream.Null, 0, null, declaredLength, cancellationToken);
        }
        using var admitted = admission.Admit(owner, context.Connection.RemoteIpAddress);
        await admitted.WaitForStoreWriteAsync(cancellationToken);
        return await tus.WriteAsync(token, offset, context.Request.Body, bodyLength, checksum, declaredLength, cancellationToken);
    }

    /// <summary>The body's length: Content-Length, or 0 for a request that has neither it nor a chunked body; null for a chunked one.</summary>
    private static long? BodyLength(HttpContext context) =>
        context.Request.ContentLength ?? (context.Request.Headers.TransferEncoding.Count == 0 ? 0 : null);

    private static bool IsOffsetStream(string? contentType) =>
        contentType is not null && contentType.Split(';')[0].Trim().Equals(TusProtocol.OffsetContentType, StringComparison.OrdinalIgnoreCase);

    private static ApiException WrongContentType(string? contentType) =>
        ApiErrors.TusContentType.With($"The request's Content-Type is '{contentType}'.");

    /// <summary>When the upload stops being usable: its token's expiry, or sooner the sweeper's, counted from now (this request is activity).</summary>
    private static string Expires(UploadToken token, UploadOptions options, TimeProvider time)
    {
        var idle = time.GetUtcNow() + options.AbandonAfter;
        var expires = options.SweepInterval > TimeSpan.Zero && idle < token.ExpiresAt ? idle : token.ExpiresAt;
        return expires.ToString("R", CultureInfo.InvariantCulture);
    }

    private static string? Pick(Dictionary<string, string?> metadata, params string[] names) =>
        names.Select(name => metadata.GetValueOrDefault(name)).FirstOrDefault(value => !string.IsNullOrWhiteSpace(value));
}

public static class TusServiceCollectionExtensions
{
    public static IServiceCollection AddHoistTus(this IServiceCollection services)
    {
        services.AddOptions<TusOptions>()
            .BindConfiguration(TusOptions.Section)
            .Validate(o => TusOptions.Problem(o.Path) is null, "Hoist:Tus:Path must start with '/', hold only letters, digits and . _ ~ - between slashes, not end with '/', and not be under /api, /healthz or /readyz.")
            .ValidateOnStart();
        services.AddSingleton<TusUploads>();
        services.AddSingleton<TusConcatenation>();
        return services;
    }
}
