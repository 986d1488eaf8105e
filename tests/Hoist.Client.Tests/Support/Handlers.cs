using System.Net;

namespace Hoist.Client.Tests.Support;

internal static class Requests
{
    public static bool IsPartPut(HttpRequestMessage request) =>
        request.Method == HttpMethod.Put && request.RequestUri!.AbsolutePath.Contains("/parts/", StringComparison.Ordinal);

    public static bool IsComplete(HttpRequestMessage request) =>
        request.Method == HttpMethod.Post && request.RequestUri!.AbsolutePath.EndsWith("/complete", StringComparison.Ordinal);
}

/// <summary>Counts the part PUTs that reach the server, how many were in flight at once, and how many were answered 503.</summary>
public sealed class PartCounter : DelegatingHandler
{
    private int _inFlight;
    private int _count;
    private int _maxInFlight;
    private int _unavailable;

    public int Count => Volatile.Read(ref _count);

    /// <summary>Part PUTs answered 503 Service Unavailable.</summary>
    public int Unavailable => Volatile.Read(ref _unavailable);

    public int MaxInFlight => Volatile.Read(ref _maxInFlight);

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (!Requests.IsPartPut(request))
        {
            return await base.SendAsync(request, cancellationToken);
        }
        Interlocked.Increment(ref _count);
        var now = Interlocked.Increment(ref _inFlight);
        for (var max = MaxInFlight; now > max; max = MaxInFlight)
        {
            Interlocked.CompareExchange(ref _maxInFlight, now, max);
        }
        try
        {
            var response = await base.SendAsync(request, cancellationToken);
            if (response.StatusCode == HttpStatusCode.ServiceUnavailable)
            {
                Interlocked.Increment(ref _unavailable);
            }
            return response;
        }
        finally
        {
            Interlocked.Decrement(ref _inFlight);
        }
    }
}

/// <summary>
/// A flaky network in front of the server, the one fault a real component cannot be made to produce
/// on demand: a share of the part requests get a 503, or lose their connection before the server sees
/// them, or after it stored the part but before the answer arrives. Seeded: the same faults every run.
/// </summary>
public sealed class FlakyNetwork(double share, int seed) : DelegatingHandler
{
    private readonly Random _random = new(seed);
    private int _faults;

    public int Faults => Volatile.Read(ref _faults);

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (!Requests.IsPartPut(request))
        {
            return await base.SendAsync(request, cancellationToken);
        }
        int fault;
        lock (_random)
        {
            fault = _random.NextDouble() < share ? _random.Next(1, 4) : 0;
        }
        if (fault > 0)
        {
            Interlocked.Increment(ref _faults);
        }
        switch (fault)
        {
            case 1:
                return new HttpResponseMessage(HttpStatusCode.ServiceUnavailable) { RequestMessage = request, Content = new StringContent("busy") };
            case 2:
                throw new HttpRequestException("The connection was reset (injected before the request).");
            case 3:
                using (await base.SendAsync(request, cancellationToken))
                {
                    throw new HttpRequestException("The connection was reset (injected after the server answered).");
                }
            default:
                return await base.SendAsync(request, cancellationToken);
        }
    }
}

/// <summary>Answers the first part request with a fixed status (and Retry-After), then lets everything through; records when each part request was made.</summary>
public sealed class AnswerFirstPartWith(HttpStatusCode status, TimeSpan? retryAfter = null) : DelegatingHandler
{
    private int _answered;

    public List<DateTimeOffset> PartRequests { get; } = [];

    public List<string?> Authorizations { get; } = [];

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        lock (PartRequests)
        {
            Authorizations.Add(request.Headers.Authorization?.ToString());
            if (Requests.IsPartPut(request))
            {
                PartRequests.Add(DateTimeOffset.UtcNow);
            }
        }
        if (Requests.IsPartPut(request) && Interlocked.Exchange(ref _answered, 1) == 0)
        {
            var response = new HttpResponseMessage(status) { RequestMessage = request, Content = new StringContent("{\"title\":\"injected\",\"code\":\"injected\"}", System.Text.Encoding.UTF8, "application/problem+json") };
            if (retryAfter is { } delay)
            {
                response.Headers.RetryAfter = new System.Net.Http.Headers.RetryConditionHeaderValue(delay);
            }
            return Task.FromResult(response);
        }
        return base.SendAsync(request, cancellationToken);
    }
}

/// <summary>An <see cref="IProgress{T}"/> that records every report synchronously, in order.</summary>
public sealed class ProgressLog<T> : IProgress<T>
{
    private readonly List<T> _reports = [];

    public Action<T>? OnReport { get; set; }

    public IReadOnlyList<T> Reports
    {
        get
        {
            lock (_reports)
            {
                return [.. _reports];
            }
        }
    }

    public void Report(T value)
    {
        lock (_reports)
        {
            _reports.Add(value);
        }
        OnReport?.Invoke(value);
    }
}

/// <summary>
/// Loses the answer of the first request that <paramref name="matches"/>: the request reaches the server,
/// which does its work and answers; the answer is dropped and the client sees a reset connection.
/// </summary>
public sealed class LoseFirstAnswer(Func<HttpRequestMessage, bool> matches) : DelegatingHandler
{
    private int _lost;

    public bool Lost => Volatile.Read(ref _lost) == 1;

    public static LoseFirstAnswer OfPart() => new(Requests.IsPartPut);

    public static LoseFirstAnswer OfComplete() => new(Requests.IsComplete);

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = await base.SendAsync(request, cancellationToken);
        if (matches(request) && response.IsSuccessStatusCode && Interlocked.Exchange(ref _lost, 1) == 0)
        {
            response.Dispose();
            throw new HttpRequestException("The connection was reset (injected: the server's answer was lost).");
        }
        return response;
    }
}

/// <summary>Removes every "checksumSha256" from the answers to part PUTs and completes: a server that answers no checksum.</summary>
public sealed class StripChecksums : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = await base.SendAsync(request, cancellationToken);
        if (!response.IsSuccessStatusCode || !(Requests.IsPartPut(request) || Requests.IsComplete(request)))
        {
            return response;
        }
        var json = System.Text.Json.Nodes.JsonNode.Parse(await response.Content.ReadAsStringAsync(cancellationToken))!.AsObject();
        json.Remove("checksumSha256");
        (json["completed"] as System.Text.Json.Nodes.JsonObject)?.Remove("checksumSha256");
        response.Content = new StringContent(json.ToJsonString(), System.Text.Encoding.UTF8, "application/json");
        return response;
    }
}
