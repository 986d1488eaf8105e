using Hoist.Wire;
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
        StoreErrorCode.NoSuchUpload => UploadNotFound(),
        StoreErrorCode.NoSuchKey => ApiErrors.FileNotFound.With(),
        StoreErrorCode.InvalidPart => ApiErrors.InvalidPart.With(e.Message),
        StoreErrorCode.InvalidPartOrder => ApiErrors.InvalidPartOrder.With(e.Message),
        StoreErrorCode.EntityTooSmall => ApiErrors.PartTooSmall.With(e.Message),
        StoreErrorCode.EntityTooLarge => ApiErrors.PartTooLarge.With(e.Message),
        StoreErrorCode.BadDigest => ApiErrors.ChecksumMismatch.With("Nothing was stored; send the part again."),
        StoreErrorCode.IncompleteBody => ApiErrors.IncompleteBody.With(e.Message),
        StoreErrorCode.InvalidKey => ApiErrors.InvalidKey.With(e.Message),
        StoreErrorCode.InvalidArgument => ApiErrors.InvalidArgument.With(e.Message),
        StoreErrorCode.InvalidRange => ApiErrors.RangeNotSatisfiable.With(e.Message),
        StoreErrorCode.ObjectExists => ApiErrors.UploadCompleted.With("Its key holds a file; nothing more can be sent to it."),
        // Retry-After tells clients this is a pause, not a refusal: the part may be sent again. It grows
        // with the outage (RetryingStore's StoreOutage): 1 s for a blip, up to 30 s for a long one.
        StoreErrorCode.Unavailable => ApiErrors.StoreUnavailable.With(e.Message, headers: new Dictionary<string, string>
        {
            ["Retry-After"] = ((int)RetryingStore.RetryAfterOf(e).TotalSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture),
        }),
        // Not retryable: a client that retries only writes again until it fails again. No Retry-After.
        StoreErrorCode.InsufficientStorage => ApiErrors.InsufficientStorage.With(e.Message),
        StoreErrorCode.QuotaExceeded => ApiErrors.QuotaExceeded.With(e.Message),
        // The detail stays general (bucket names and endpoints are the operator's business); the log has e.Message.
        StoreErrorCode.Misconfigured => ApiErrors.StoreMisconfigured.With("The store refused this server's settings; the operator can see why in the server's log.",
            headers: new Dictionary<string, string> { ["Retry-After"] = "30" }),
        _ => ApiErrors.StoreError.With(),
    };

    /// <summary>An upload that does not exist, or is another owner's: the same words for both, so another's uploads stay invisible.</summary>
    public static ApiException UploadNotFound() => ApiErrors.UploadNotFound.With("It may have been completed, aborted or never created.");

    private static ApiException FromBadRequest(BadHttpRequestException e) => e.StatusCode switch
    {
        StatusCodes.Status413PayloadTooLarge => ApiErrors.BodyTooLarge.With(e.Message),
        StatusCodes.Status408RequestTimeout => ApiErrors.RequestTimeout.With(e.Message),
        _ => new ApiError(e.StatusCode, ErrorCodes.BadRequest, ApiErrors.BadRequest.Title).With(e.Message),
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
                404 => ErrorCodes.NotFound,
                405 => ErrorCodes.MethodNotAllowed,
                415 => ErrorCodes.UnsupportedMediaType,
                _ => ErrorCodes.Error,
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
