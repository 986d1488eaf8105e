using System.Net;

namespace Hoist.Client.Tests.Support;

internal static class Requests
{
    public static bool IsPartPut(HttpRequestMessage request) =>
        request.Method == HttpMethod.Put && request.RequestUri!.AbsolutePath.Contains("/parts/", StringComparison.Ordinal);
}

/// <summary>Counts the part PUTs that reach the server, and how many were in flight at once.</summary>
public sealed class PartCounter : DelegatingHandler
{
    private int _inFlight;
    private int _count;
    private int _maxInFlight;

    public int Count => Volatile.Read(ref _count);

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
            return await base.SendAsync(request, cancellationToken);
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
