using Hoist.Server.Storage;

namespace Hoist.Server.Health;

public static class HealthEndpoints
{
    /// <summary>A load balancer's probe must get an answer in time, even from a store that hangs.</summary>
    public static readonly TimeSpan StoreTimeout = TimeSpan.FromSeconds(2);

    /// <summary>GET /healthz: 200 when the store answers within <see cref="StoreTimeout"/>, 503 when it does not.</summary>
    public static IEndpointRouteBuilder MapHealth(this IEndpointRouteBuilder app)
    {
        app.MapMethods("/healthz", [HttpMethods.Get, HttpMethods.Head], async Task<IResult> (IObjectStore store, ILogger<IObjectStore> logger, CancellationToken cancellationToken) =>
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(StoreTimeout);
            var probe = store.ListObjectsAsync("", null, 1, timeout.Token);
            try
            {
                // WaitAsync: a store call that ignores its token still cannot hold the answer.
                await probe.WaitAsync(StoreTimeout, cancellationToken);
                return TypedResults.Ok(new { status = "ok" });
            }
            catch (Exception e) when (!cancellationToken.IsCancellationRequested)
            {
                var timedOut = e is TimeoutException or OperationCanceledException;
                if (timedOut)
                {
                    logger.LogWarning("Health check: the store did not answer within {Timeout}", StoreTimeout);
                }
                else
                {
                    logger.LogWarning(e, "Health check: the store does not answer");
                }
                return TypedResults.Problem(statusCode: 503, title: timedOut ? $"The store did not answer within {StoreTimeout.TotalSeconds:0} s." : "The store does not answer.",
                    extensions: new Dictionary<string, object?> { ["code"] = "store_unavailable" });
            }
        }).ExcludeFromDescription();
        return app;
    }
}
