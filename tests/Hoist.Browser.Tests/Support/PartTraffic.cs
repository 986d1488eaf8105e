using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;

namespace Hoist.Browser.Tests.Support;

/// <summary>
/// The part requests (PUT /api/uploads/{id}/parts/{n}) as the test server receives them, before
/// the app sees them: a test holds them or answers them with a fault. Done in the server rather
/// than with Playwright's routing, which carries every routed body through its driver and makes
/// the uploads several times slower.
/// </summary>
public sealed partial class PartTraffic
{
    private Func<PartCall, Task>? _handler;

    /// <summary>Sends every part request through <paramref name="handler"/> until disposed.</summary>
    public IDisposable Use(Func<PartCall, Task> handler)
    {
        if (Interlocked.CompareExchange(ref _handler, handler, null) is not null)
        {
            throw new InvalidOperationException("Another handler is in use.");
        }
        return new Unuse(() => Interlocked.CompareExchange(ref _handler, null, handler));
    }

    internal async Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        var handler = Volatile.Read(ref _handler);
        if (handler is not null && HttpMethods.IsPut(context.Request.Method) && PartPath().Match(context.Request.Path.Value ?? "") is { Success: true } match)
        {
            await handler(new PartCall(context, int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture), next));
            return;
        }
        await next(context);
    }

    [GeneratedRegex("^/api/uploads/[^/]+/parts/([0-9]{1,5})$")]
    private static partial Regex PartPath();

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
