using Hoist.Server.Errors;
using Hoist.Server.Files;
using Hoist.Server.Keys;
using Hoist.Server.Storage;
using Hoist.Server.Uploads;
using Hoist.Wire;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Hoist.Server.Links;

/// <summary>
/// Share links (docs/api.md, "Share links"): <c>POST /api/files/{key}/links</c> makes one for the caller's
/// file; <c>GET /api/shared/{key}?expires=…&amp;signature=…</c> serves a Hoist-signed one without credentials.
/// </summary>
public static class ShareLinkEndpoints
{
    public static IServiceCollection AddHoistShareLinks(this IServiceCollection services) => services.AddSingleton<ShareLinks>();

    private const string LinksSuffix = "/" + HoistWire.LinksSegment;

    public static IEndpointRouteBuilder MapShareLinks(this IEndpointRouteBuilder app)
    {
        // A catch-all key must be the route's last segment, so "/links" is taken off here.
        app.MapGroup(HoistWire.Files).WithTags("Files").RequireAuthorization(Auth.AuthServiceCollectionExtensions.UploaderPolicy)
            .MapPost("/{**target}", CreateAsync);
        app.MapGroup(HoistWire.Shared).WithTags("Files").AllowAnonymous()
            .MapMethods("/{**key}", [HttpMethods.Get, HttpMethods.Head], SharedDownloadAsync);
        return app;
    }

    /// <summary>
    /// 201 with the link; 404 file_not_found exactly as a download answers for a missing file, another
    /// owner's, a key the store cannot hold or one of the store's own.
    /// </summary>
    private static async Task<Created<ShareLinkResponse>> CreateAsync(string target, HttpContext context, IObjectStore store, ShareLinks links, CancellationToken cancellationToken)
    {
        if (!target.EndsWith(LinksSuffix, StringComparison.Ordinal))
        {
            throw ApiErrors.FileNotFound.With();
        }
        var key = target[..^LinksSuffix.Length];
        var lifetime = await ReadLifetimeAsync(context, cancellationToken);
        if (!key.StartsWith(Owner.Prefix(Owner.Of(context)), StringComparison.Ordinal) || ObjectKey.IsReserved(key))
        {
            throw ApiErrors.FileNotFound.With();
        }
        ObjectInfo? info;
        try
        {
            info = await store.HeadObjectAsync(key, cancellationToken);
        }
        catch (StoreException e) when (e.Code == StoreErrorCode.InvalidKey)
        {
            info = null;
        }
        if (info is null)
        {
            throw ApiErrors.FileNotFound.With();
        }
        var link = await links.CreateAsync(info, lifetime, context.Request, cancellationToken);
        return TypedResults.Created(link.Url, link);
    }

    /// <summary>expiresIn from an optional JSON body: whole seconds, 1 to 7 days; absent means an hour.</summary>
    private static async Task<TimeSpan> ReadLifetimeAsync(HttpContext context, CancellationToken cancellationToken)
    {
        var request = context.Request;
        if (request.ContentLength is 0 || (request.ContentLength is null && !request.Headers.ContainsKey("Transfer-Encoding")))
        {
            return ShareLinks.DefaultLifetime;
        }
        var body = await UploadEndpoints.ReadJsonAsync<ShareLinkRequest>(context, cancellationToken);
        if (body.ExpiresIn is not { } seconds)
        {
            return ShareLinks.DefaultLifetime;
        }
        if (seconds < 1 || seconds > ShareLinks.MaxLifetime.TotalSeconds)
        {
            throw ApiErrors.InvalidExpiresIn.With($"It was {seconds}.");
        }
        return TimeSpan.FromSeconds(seconds);
    }

    /// <summary>A Hoist-signed link: the grant is checked before the store is asked anything; then it is a download like the owner's.</summary>
    private static Task SharedDownloadAsync(string key, HttpContext context, IObjectStore store, SignedUrlSigner signer, CancellationToken cancellationToken)
    {
        signer.Check(context.Request.Method, key, context.Request.Query);
        return FileDownload.ServeAsync(key, context, store, cancellationToken);
    }
}
