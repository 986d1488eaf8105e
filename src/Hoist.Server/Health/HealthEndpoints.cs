using Hoist.Server.Storage;

namespace Hoist.Server.Health;

public static class HealthEndpoints
{
    /// <summary>GET /healthz: 200 when the store answers, 503 when it does not.</summary>
    public static IEndpointRouteBuilder MapHealth(this IEndpointRouteBuilder app)
    {
        app.MapMethods("/healthz", [HttpMethods.Get, HttpMethods.Head], async Task<IResult> (IObjectStore store, ILogger<IObjectStore> logger, CancellationToken cancellationToken) =>
        {
            try
            {
                await store.ListObjectsAsync("", null, 1, cancellationToken);
                return TypedResults.Ok(new { status = "ok" });
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogWarning(e, "Health check: the store does not answer");
                return TypedResults.Problem(statusCode: 503, title: "The store does not answer.", extensions: new Dictionary<string, object?> { ["code"] = "store_unavailable" });
            }
        }).ExcludeFromDescription();
        return app;
    }
}
