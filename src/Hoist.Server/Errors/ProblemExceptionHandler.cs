using Hoist.Server.Storage;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc;

namespace Hoist.Server.Errors;

/// <summary>
/// The one place where errors become HTTP answers: API refusals and store errors map to a 4xx
/// (or 503) ProblemDetails with a stable <c>code</c>; anything else stays a logged 500.
/// </summary>
public sealed class ProblemExceptionHandler(IProblemDetailsService problems, ILogger<ProblemExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        var context = httpContext;
        var api = exception switch
        {
            ApiException e => e,
            StoreException e => FromStore(e),
            BadHttpRequestException e => FromBadRequest(e),
            _ => null,
        };
        if (api is null)
        {
            return false;
        }
        if (api.Status >= 500)
        {
            // A refusal of our own (server_busy) says all in its detail; a store's failure keeps its trace.
            logger.LogWarning(exception is ApiException ? null : exception, "Answered {Status} {Code}: {Detail}", api.Status, api.Code, api.Detail ?? api.Title);
        }
        return await WriteAsync(context, api, problems, exception);
    }

    /// <summary>Writes a refusal as a ProblemDetails answer (unless the response has already begun).</summary>
    public static async ValueTask<bool> WriteAsync(HttpContext context, ApiException api, IProblemDetailsService problems, Exception? exception = null)
    {
        if (context.Response.HasStarted)
        {
            return true;
        }
        context.Response.StatusCode = api.Status;
        foreach (var (name, value) in api.Headers)
        {
            context.Response.Headers[name] = value;
        }
        var details = new ProblemDetails { Status = api.Status, Title = api.Title, Detail = api.Detail, Type = $"https://hoist.dev/errors/{api.Code}" };
        details.Extensions["code"] = api.Code;
        foreach (var (name, value) in api.Extensions)
        {
            details.Extensions[name] = value;
        }
        return await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = context, ProblemDetails = details, Exception = exception });
    }

    /// <summary>The store's S3 errors, as the API names them.</summary>
    public static ApiException FromStore(StoreException e) => e.Code switch
    {
        StoreErrorCode.NoSuchUpload => new(404, "upload_not_found", "The upload does not exist.", "It may have been completed, aborted or never created."),
        StoreErrorCode.NoSuchKey => new(404, "file_not_found", "The file does not exist."),
        StoreErrorCode.InvalidPart => new(409, "invalid_part", "A part is missing or does not match.", e.Message),
        StoreErrorCode.InvalidPartOrder => new(400, "invalid_part_order", "Parts must be in ascending order.", e.Message),
        StoreErrorCode.EntityTooSmall => new(400, "part_too_small", "A part is smaller than the store allows.", e.Message),
        StoreErrorCode.EntityTooLarge => new(413, "part_too_large", "The part is larger than the store allows.", e.Message),
        StoreErrorCode.BadDigest => new(400, "checksum_mismatch", "The part's bytes do not match its checksum.", "Nothing was stored; send the part again."),
        StoreErrorCode.IncompleteBody => new(400, "incomplete_body", "The body does not have the declared length.", e.Message),
        StoreErrorCode.InvalidKey => new(400, "invalid_key", "The key is not valid.", e.Message),
        StoreErrorCode.InvalidArgument => new(400, "invalid_argument", "The request is not valid.", e.Message),
        StoreErrorCode.InvalidRange => new(416, "range_not_satisfiable", "The requested range is not satisfiable.", e.Message),
        // Retry-After tells clients this is a pause, not a refusal: the part may be sent again. It grows
        // with the outage (RetryingStore's StoreOutage): 1 s for a blip, up to 30 s for a long one.
        StoreErrorCode.Unavailable => new(503, "store_unavailable", "The store is unavailable; try again.", e.Message,
            headers: new Dictionary<string, string> { ["Retry-After"] = ((int)RetryingStore.RetryAfterOf(e).TotalSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture) }),
        // Not retryable: a client that retries only writes again until it fails again. No Retry-After.
        StoreErrorCode.InsufficientStorage => new(507, "insufficient_storage", "The store is full.", e.Message),
        StoreErrorCode.QuotaExceeded => new(403, "quota_exceeded", "The storage quota is used up.", e.Message),
        // The detail stays general (bucket names and endpoints are the operator's business); the log has e.Message.
        StoreErrorCode.Misconfigured => new(503, "store_misconfigured", "The server's storage is misconfigured.",
            "The store refused this server's settings; the operator can see why in the server's log.",
            headers: new Dictionary<string, string> { ["Retry-After"] = "30" }),
        _ => new(500, "store_error", "The store failed."),
    };

    private static ApiException FromBadRequest(BadHttpRequestException e) => e.StatusCode switch
    {
        StatusCodes.Status413PayloadTooLarge => new(413, "body_too_large", "The request body is larger than allowed.", e.Message),
        StatusCodes.Status408RequestTimeout => new(408, "request_timeout", "The request body arrived too slowly.", e.Message),
        _ => new(e.StatusCode, "bad_request", "The request is malformed.", e.Message),
    };
}

public static class ProblemServiceCollectionExtensions
{
    public static IServiceCollection AddHoistProblems(this IServiceCollection services)
    {
        services.AddProblemDetails(options => options.CustomizeProblemDetails = context =>
        {
            // Framework-made problems (404 for an unknown route, 405) get a code too.
            context.ProblemDetails.Extensions.TryAdd("code", context.ProblemDetails.Status switch
            {
                404 => "not_found",
                405 => "method_not_allowed",
                415 => "unsupported_media_type",
                _ => "error",
            });
            context.ProblemDetails.Extensions.Remove("traceId");
            if (context.HttpContext.Features.Get<IHttpActivityFeature>()?.Activity.Id is { } trace)
            {
                context.ProblemDetails.Extensions["traceId"] = trace;
            }
        });
        services.AddExceptionHandler<ProblemExceptionHandler>();
        return services;
    }
}
