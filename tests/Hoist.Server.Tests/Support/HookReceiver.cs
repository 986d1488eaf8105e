using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Hoist.Server.Tests.Support;

/// <summary>A request the receiver took: its body, its headers, and what it answered.</summary>
public sealed record HookRequest(byte[] Body, IReadOnlyDictionary<string, string> Headers, int Answered);

/// <summary>What the receiver answers: status, content type, body.</summary>
public sealed record HookAnswer(int Status, string? ContentType = null, string? Body = null, TimeSpan Delay = default);

/// <summary>
/// A hook endpoint on real Kestrel on a free loopback port: records every request and answers
/// what <see cref="Answer"/> says (given how many requests came before).
/// </summary>
public sealed class HookReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private int _count;

    private HookReceiver(WebApplication app, Uri url)
    {
        _app = app;
        Url = url;
    }

    public Uri Url { get; }

    public ConcurrentQueue<HookRequest> Requests { get; } = new();

    /// <summary>The answer to the request with this (0-based) number.</summary>
    public Func<int, HookAnswer> Answer { get; set; } = _ => new HookAnswer(204);

    public static async Task<HookReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        HookReceiver? receiver = null;
        app.Run(async context =>
        {
            using var buffer = new MemoryStream();
            await context.Request.Body.CopyToAsync(buffer, context.RequestAborted);
            var answer = receiver!.Answer(Interlocked.Increment(ref receiver._count) - 1);
            receiver.Requests.Enqueue(new HookRequest(buffer.ToArray(),
                context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase), answer.Status));
            if (answer.Delay > TimeSpan.Zero)
            {
                await Task.Delay(answer.Delay, context.RequestAborted);
            }
            context.Response.StatusCode = answer.Status;
            if (answer.ContentType is not null)
            {
                context.Response.ContentType = answer.ContentType;
            }
            if (answer.Body is not null)
            {
                await context.Response.WriteAsync(answer.Body, context.RequestAborted);
            }
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        receiver = new HookReceiver(app, new Uri(new Uri(address), "/hook"));
        return receiver;
    }

    /// <summary>A loopback URL on which nothing listens.</summary>
    public static Uri Nowhere()
    {
        using var socket = new TcpListener(IPAddress.Loopback, 0);
        socket.Start();
        var port = ((IPEndPoint)socket.LocalEndpoint).Port;
        socket.Stop();
        return new Uri($"http://127.0.0.1:{port}/hook");
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
