using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Runtime.ExceptionServices;
using System.Text.Json;

namespace Hoist.Client.Http;

/// <summary>
/// Sends one logical request with its retries (<see cref="RetryOptions"/>): a fresh request message per
/// try, the answer read inside the try, so that a connection dropped mid-answer is retried too. Retries
/// go on until <see cref="RetryOptions.RetryFor"/> has passed since the first failure; the failure that
/// ends them says how many tries it took and for how long. The <see cref="SendPolicy"/> says which
/// failures are worth a retry (the Hoist API's unless told).
/// </summary>
internal sealed class RequestSender(HttpClient http, HoistClientOptions options, SendPolicy? policy = null)
{
    private readonly SendPolicy _policy = policy ?? SendPolicy.Hoist;

    public async Task<T> SendAsync<T>(Func<HttpRequestMessage> build, Func<HttpResponseMessage, CancellationToken, Task<T>> read, Action? retried, CancellationToken cancellationToken, TimeSpan? tryTimeout = null)
    {
        var retry = options.Retry;
        var limit = tryTimeout ?? options.RequestTimeout;
        Uri? target = null;
        long? firstFailure = null;
        for (var attempt = 1; ; attempt++)
        {
            TimeSpan? retryAfter = null;
            Exception failure;
            using (var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
            {
                if (limit > TimeSpan.Zero && limit != Timeout.InfiniteTimeSpan)
                {
                    timeout.CancelAfter(limit);
                }
                try
                {
                    using var request = build();
                    target = request.RequestUri;
                    if (_policy.SendToken)
                    {
                        Authorize(request);
                    }
                    using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
                    if (response.IsSuccessStatusCode)
                    {
                        return await read(response, timeout.Token);
                    }
                    var problem = await _policy.Refusal(response, timeout.Token);
                    if (!_policy.IsTransient(problem))
                    {
                        throw problem;
                    }
                    retryAfter = RetryAfter(response.Headers.RetryAfter);
                    failure = problem;
                }
                catch (Exception e) when (cancellationToken.IsCancellationRequested && e is not OperationCanceledException)
                {
                    // A request cut by the caller's cancellation may fail with anything (a reset, an aborted stream): it is a cancellation.
                    throw new OperationCanceledException("The request was cancelled.", e, cancellationToken);
                }
                catch (Exception e) when (IntegrityFailure(e) is { } integrity && integrity != e)
                {
                    ExceptionDispatchInfo.Throw(integrity);
                    throw;
                }
                catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested && !timeout.IsCancellationRequested && !_policy.RetryNetworkErrors)
                {
                    // The handler's ConnectTimeout (a cancellation around a TimeoutException): nothing answers there, a network error for the caller to act on.
                    throw new HttpRequestException(HttpRequestError.ConnectionError, $"Could not connect to {target?.Authority}: {e.InnerException?.Message ?? e.Message}", e);
                }
                catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
                {
                    // The try's own timeout cut it (a stalled connection).
                    failure = new TimeoutException($"The server did not answer {target} within {limit}.", e);
                }
                catch (Exception e) when (!cancellationToken.IsCancellationRequested && _policy.RetryNetworkErrors && e is HttpRequestException or IOException && IntegrityFailure(e) is null)
                {
                    // A refused or dropped connection, a reset: try again.
                    failure = e;
                }
            }
            var now = Stopwatch.GetTimestamp();
            firstFailure ??= now;
            var elapsed = Stopwatch.GetElapsedTime(firstFailure.Value, now);
            if (retry.WaitBefore(attempt, retryAfter, retry.RetryFor - elapsed) is not { } wait)
            {
                throw GaveUp(failure, attempt, elapsed);
            }
            retried?.Invoke();
            await Task.Delay(wait, cancellationToken);
        }
    }

    /// <summary>The last failure, saying that retrying stopped (same type, so callers catch what they always caught).</summary>
    private static Exception GaveUp(Exception failure, int tries, TimeSpan retriedFor)
    {
        if (tries == 1)
        {
            return failure;
        }
        var after = $"(gave up after {tries} tries in {Duration(retriedFor)})";
        return failure switch
        {
            HoistApiException api => api.AfterRetries(tries, retriedFor, after),
            HttpRequestException http => new HttpRequestException(http.HttpRequestError, $"{http.Message} {after}", http, http.StatusCode),
            TimeoutException timeout => new TimeoutException($"{timeout.Message} {after}", timeout.InnerException),
            IOException io => new IOException($"{io.Message} {after}", io),
            _ => failure,
        };
    }

    private static string Duration(TimeSpan span) =>
        span.TotalMinutes >= 1 ? $"{(int)span.TotalMinutes}m{span.Seconds:00}s" : string.Create(CultureInfo.InvariantCulture, $"{span.TotalSeconds:0.0}s");

    /// <summary>One try, no retry: the successful answer, its body not read yet (the caller disposes it).</summary>
    public async Task<HttpResponseMessage> SendOnceAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        Authorize(request);
        var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            using (response)
            {
                throw await ProblemAsync(response, cancellationToken);
            }
        }
        return response;
    }

    /// <summary>A request with a JSON answer.</summary>
    public Task<T> SendJsonAsync<T>(Func<HttpRequestMessage> build, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type, Action? retried, CancellationToken cancellationToken, TimeSpan? tryTimeout = null) =>
        SendAsync(build, async (response, token) => await response.Content.ReadFromJsonAsync(type, token)
            ?? throw new JsonException($"The server answered an empty body to {response.RequestMessage?.RequestUri}."), retried, cancellationToken, tryTimeout);

    /// <summary>Adds the bearer token, per request: the HttpClient may be shared with other callers.</summary>
    public void Authorize(HttpRequestMessage request)
    {
        if (!string.IsNullOrEmpty(options.Token))
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", options.Token);
        }
    }

    /// <summary>
    /// 5xx, 408 and 429: worth trying again. Not the 5xx that say the request can never pass as it is
    /// (501, 505, 507 insufficient storage, 508, 510, 511): retrying them only repeats the failure.
    /// </summary>
    public static bool IsTransient(HttpStatusCode status) =>
        ((int)status >= 500 && status is not (HttpStatusCode.NotImplemented or HttpStatusCode.HttpVersionNotSupported or HttpStatusCode.InsufficientStorage
            or HttpStatusCode.LoopDetected or HttpStatusCode.NotExtended or HttpStatusCode.NetworkAuthenticationRequired))
        || status is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests;

    /// <summary>The refusal in a non-success answer: its ProblemDetails when it has one.</summary>
    public static async Task<HoistApiException> ProblemAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        ProblemResponse? problem = null;
        try
        {
            if (response.Content.Headers.ContentType?.MediaType?.Contains("json", StringComparison.OrdinalIgnoreCase) == true)
            {
                problem = await response.Content.ReadFromJsonAsync(ApiJson.Default.ProblemResponse, cancellationToken);
            }
        }
        catch (Exception e) when (e is JsonException or IOException or HttpRequestException)
        {
            // The status alone still says what happened.
        }
        var status = response.StatusCode;
        return new HoistApiException(status, problem?.Code ?? $"http_{(int)status}", problem?.Title ?? response.ReasonPhrase ?? status.ToString(), problem?.Detail);
    }

    private static TimeSpan? RetryAfter(RetryConditionHeaderValue? header)
    {
        var delay = header?.Delta ?? (header?.Date is { } date ? date - DateTimeOffset.UtcNow : null);
        return delay is { } d ? (d < TimeSpan.Zero ? TimeSpan.Zero : d) : null;
    }

    /// <summary>A <see cref="HoistIntegrityException"/> raised while the request body was read (the handler wraps it): never retried.</summary>
    private static HoistIntegrityException? IntegrityFailure(Exception e)
    {
        for (Exception? inner = e; inner is not null; inner = inner.InnerException)
        {
            if (inner is HoistIntegrityException integrity)
            {
                return integrity;
            }
        }
        return null;
    }
}
