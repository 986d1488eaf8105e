using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;

namespace Hoist.Browser.Tests.Support;

/// <summary>
/// The part requests (PUT /api/uploads/{id}/parts/{n}) as the test server receives them, before
/// the app sees them: a test holds them or answers them with a fault. In direct mode the same for
/// the requests for part URLs (POST /api/uploads/{id}/part-urls), since the parts go to the store. Done in the server rather
/// than with Playwright's routing, which carries every routed body through its driver and makes
/// the uploads several times slower.
/// </summary>
public sealed partial class PartTraffic
{
    private Func<PartCall, Task>? _handler;
    private Func<PartCall, Task>? _partUrlsHandler;

    /// <summary>Sends every part request through <paramref name="handler"/> until disposed.</summary>
    public IDisposable Use(Func<PartCall, Task> handler)
    {
        Claim(ref _handler, handler);
        return new Unuse(() => Interlocked.CompareExchange(ref _handler, null, handler));
    }

    /// <summary>Sends every request for part URLs through <paramref name="handler"/> until disposed (its PartNumber is 0).</summary>
    public IDisposable UseForPartUrls(Func<PartCall, Task> handler)
    {
        Claim(ref _partUrlsHandler, handler);
        return new Unuse(() => Interlocked.CompareExchange(ref _partUrlsHandler, null, handler));
    }

    private static void Claim(ref Func<PartCall, Task>? slot, Func<PartCall, Task> handler)
    {
        if (Interlocked.CompareExchange(ref slot, handler, null) is not null)
        {
            throw new InvalidOperationException("Another handler is in use.");
        }
    }

    internal async Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        var path = context.Request.Path.Value ?? "";
        if (Volatile.Read(ref _handler) is { } handler && HttpMethods.IsPut(context.Request.Method) && PartPath().Match(path) is { Success: true } match)
        {
            await handler(new PartCall(context, int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture), next));
            return;
        }
        if (Volatile.Read(ref _partUrlsHandler) is { } partUrlsHandler && HttpMethods.IsPost(context.Request.Method) && PartUrlsPath().IsMatch(path))
        {
            await partUrlsHandler(new PartCall(context, 0, next));
            return;
        }
        await next(context);
    }

    [GeneratedRegex("^/api/uploads/[^/]+/parts/([0-9]{1,5})$")]
    private static partial Regex PartPath();

    [GeneratedRegex("^/api/uploads/[^/]+/part-urls$")]
    private static partial Regex PartUrlsPath();

    private sealed class Unuse(Action action) : IDisposable
    {
        public void Dispose() => action();
    }
}

/// <summary>One part request, held by a test: it passes it on to the app or answers it itself.</summary>
public sealed class PartCall(HttpContext context, int partNumber, RequestDelegate next)
{
    public int PartNumber { get; } = partNumber;

    /// <summary>Fires when the browser gives the request up (an aborted XHR, a reload).</summary>
    public CancellationToken Aborted => context.RequestAborted;

    /// <summary>
    /// Keeps the request until <paramref name="release"/> completes; false when the browser gives it
    /// up meanwhile. The body is read meanwhile (and handed to the app later), as a slow server's
    /// buffers would: a server that stops reading would not notice the browser leaving.
    /// </summary>
    public async Task<bool> HoldAsync(Task release)
    {
        var body = new MemoryStream();
        try
        {
            await context.Request.Body.CopyToAsync(body, context.RequestAborted);
            await release.WaitAsync(context.RequestAborted);
        }
        catch (Exception e) when (e is OperationCanceledException or IOException || context.RequestAborted.IsCancellationRequested)
        {
            return false;
        }
        body.Position = 0;
        context.Request.Body = body;
        return true;
    }

    /// <summary>Lets the app handle the request; its status afterwards.</summary>
    public async Task<int> PassAsync()
    {
        await next(context);
        return context.Response.StatusCode;
    }

    /// <summary>Answers a ProblemDetails, after reading the body as a server that refuses late would.</summary>
    public async Task RefuseAsync(int status, string code, string title, string? retryAfter = null)
    {
        await context.Request.Body.CopyToAsync(Stream.Null, context.RequestAborted);
        context.Response.StatusCode = status;
        if (retryAfter is not null)
        {
            context.Response.Headers.RetryAfter = retryAfter;
        }
        context.Response.ContentType = "application/problem+json";
        await context.Response.WriteAsync(JsonSerializer.Serialize(new { title, status, code }), context.RequestAborted);
    }
}

/// <summary>Puts <see cref="PartTraffic"/> in front of the app's whole pipeline.</summary>
internal sealed class PartTrafficStartupFilter(PartTraffic traffic) : IStartupFilter
{
    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.Use((context, nextMiddleware) => traffic.InvokeAsync(context, nextMiddleware));
        next(app);
    };
}
