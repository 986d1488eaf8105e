using System.Net;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;

namespace Hoist.Server.Telemetry;

/// <summary>
/// Once the server listens: a Hoist:Telemetry:Prometheus:Port that none of its addresses has stops
/// the start (the metrics would answer nowhere), and metrics served without authentication beyond
/// loopback, on the API's own addresses, are said loudly, once.
/// </summary>
internal sealed partial class MetricsEndpointCheck(IServer server, IOptions<TelemetryOptions> options, ILogger<MetricsEndpointCheck> logger) : IHostedLifecycleService
{
    public Task StartedAsync(CancellationToken cancellationToken)
    {
        var prometheus = options.Value.Prometheus;
        var addresses = server.Features.Get<IServerAddressesFeature>()?.Addresses.ToList() ?? [];
        // An in-memory server (tests) has no addresses: nothing to check.
        if (!prometheus.Enabled || addresses.Count == 0)
        {
            return Task.CompletedTask;
        }
        if (prometheus.Port != 0)
        {
            if (!addresses.Any(a => PortOf(a) == prometheus.Port))
            {
                throw new OptionsValidationException(nameof(TelemetryOptions), typeof(TelemetryOptions),
                    [$"Hoist:Telemetry:Prometheus:Port is {prometheus.Port}, but the server listens only on {string.Join(", ", addresses)}: "
                     + $"add an address with that port to --urls (or Urls), e.g. \"{string.Join(';', addresses)};http://127.0.0.1:{prometheus.Port}\", or set the port to 0."]);
            }
            return Task.CompletedTask;
        }
        foreach (var address in addresses.Where(a => !IsLoopback(a)))
        {
            LogOpenMetrics(prometheus.Path, address);
        }
        return Task.CompletedTask;
    }

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private static Uri? Parse(string address) =>
        Uri.TryCreate(address.Replace("://+", "://0.0.0.0", StringComparison.Ordinal).Replace("://*", "://0.0.0.0", StringComparison.Ordinal), UriKind.Absolute, out var uri) ? uri : null;

    private static int PortOf(string address) => Parse(address)?.Port ?? -1;

    private static bool IsLoopback(string address) =>
        Parse(address) is { } uri && (uri.IsLoopback || uri.Host == "localhost" || (IPAddress.TryParse(uri.Host, out var ip) && IPAddress.IsLoopback(ip)));

    [LoggerMessage(LogLevel.Warning, "Metrics are served at {Path} on {Address} without authentication: anyone who can reach that address can read them. "
        + "Set Hoist:Telemetry:Prometheus:Port to serve them only on an address of their own (e.g. a private interface), block the path at the proxy, or set Hoist:Telemetry:Prometheus:Enabled=false.")]
    private partial void LogOpenMetrics(string path, string address);
}
