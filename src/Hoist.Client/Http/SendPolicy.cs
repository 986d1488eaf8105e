namespace Hoist.Client.Http;

/// <summary>
/// What a <see cref="RequestSender"/> makes of the answers of one kind of server: the Hoist API (its
/// token, its ProblemDetails, every network error retried), or the store a direct part goes to (no
/// token: a presigned URL carries its own authority; S3's XML errors; network errors are the caller's
/// sign to fall back to the Hoist route, so they are not retried).
/// </summary>
/// <param name="SendToken">Adds the client's bearer token to each request.</param>
/// <param name="Refusal">Reads a non-success answer into the exception it is.</param>
/// <param name="IsTransient">A refusal worth trying again, with the same backoff and budget.</param>
/// <param name="RetryNetworkErrors">A refused or dropped connection is tried again (else thrown at once).</param>
internal sealed record SendPolicy(
    bool SendToken,
    Func<HttpResponseMessage, CancellationToken, Task<HoistApiException>> Refusal,
    Func<HoistApiException, bool> IsTransient,
    bool RetryNetworkErrors)
{
    public static SendPolicy Hoist { get; } = new(true, RequestSender.ProblemAsync, e => RequestSender.IsTransient(e.StatusCode), true);
}
