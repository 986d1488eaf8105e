using Hoist.Wire;
using Hoist.Server.Errors;
using Hoist.Server.Storage;

namespace Hoist.Server.Health;

/// <summary>
/// Two probes for load balancers and orchestrators: <c>/healthz</c> (liveness: the process answers;
/// restarting it would not help a store outage) and <c>/readyz</c> (readiness: the store answers,
/// within <see cref="StoreTimeout"/>, with the reason when it does not).
/// </summary>
public static class HealthEndpoints
{
    /// <summary>A probe must get an answer in time, even from a store that hangs.</summary>
    public static readonly TimeSpan StoreTimeout = TimeSpan.FromSeconds(2);

    public static IEndpointRouteBuilder MapHealth(this IEndpointRouteBuilder app)
    {
        string[] methods = [HttpMethods.Get, HttpMethods.Head];
        app.MapMethods(HoistWire.Healthz, methods, () => TypedResults.Ok(new { status = "ok" })).ExcludeFromDescription();
        app.MapMethods(HoistWire.Readyz, methods, ReadyAsync).ExcludeFromDescription();
        return app;
    }

    private static async Task<IResult> ReadyAsync(IObjectStore store, ILogger<IObjectStore> logger, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(StoreTimeout);
        try
        {
            // WaitAsync: a store call that ignores its token still cannot hold the answer.
            await store.ListObjectsAsync("", null, 1, timeout.Token).WaitAsync(StoreTimeout, cancellationToken);
            return TypedResults.Ok(new { status = "ok", store = store.Location });
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            var refusal = e switch
            {
                StoreException { Code: StoreErrorCode.Misconfigured } s => ProblemExceptionHandler.FromStore(s),
                TimeoutException or OperationCanceledException => ApiErrors.StoreUnavailable.With($"The store did not answer within {StoreTimeout.TotalSeconds:0} s."),
                _ => ApiErrors.StoreUnavailable.With($"The store does not answer: {e.Message}"),
            };
            logger.LogWarning(e, "Readiness: {Code} from {Store}", refusal.Code, store.Location);
            return TypedResults.Problem(statusCode: refusal.Status, title: refusal.Title, detail: refusal.Detail,
                extensions: new Dictionary<string, object?> { ["code"] = refusal.Code });
        }
    }
}
