using System.Net;
using Hoist.Server.Storage;
using Hoist.Server.Telemetry;
using Hoist.Server.Tests.Support;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Hoist.Server.Tests.Telemetry;

/// <summary>Hoist:Telemetry:Prometheus: on at /metrics by default, off, at another path, or on a port of its own; checked at start.</summary>
public sealed class MetricsSettingsTests(FileSystemFixture fixture) : IClassFixture<FileSystemFixture>, IDisposable
{
    private readonly CancellationTokenSource _timeout = new(TimeSpan.FromMinutes(2));

    private CancellationToken Ct => _timeout.Token;

    public void Dispose() => _timeout.Dispose();

    [Fact]
    public async Task Metrics_are_served_at_metrics_by_default()
    {
        using var api = fixture.App.CreateApi();

        var metrics = await PrometheusText.ScrapeAsync(api.Http, Ct);

        Assert.True(metrics.Has("target_info"), metrics.Text);
    }

    [Fact]
    public async Task Enabled_false_leaves_no_metrics_route()
    {
        await using var app = fixture.CreateApp(new Dictionary<string, string?> { ["Hoist:Telemetry:Prometheus:Enabled"] = "false" });
        using var api = app.CreateApi();

        await Problem.AssertAsync(api.Http.GetAsync(new Uri("/metrics", UriKind.Relative), Ct), 404, "not_found");
    }

    [Fact]
    public async Task Path_moves_the_endpoint()
    {
        await using var app = fixture.CreateApp(new Dictionary<string, string?> { ["Hoist:Telemetry:Prometheus:Path"] = "/internal/metrics" });
        using var api = app.CreateApi();

        var metrics = await PrometheusText.ScrapeAsync(api.Http, Ct, "/internal/metrics");

        Assert.True(metrics.Has("target_info"));
        await Problem.AssertAsync(api.Http.GetAsync(new Uri("/metrics", UriKind.Relative), Ct), 404, "not_found");
    }

    [Fact]
    public async Task With_a_port_of_their_own_metrics_answer_there_and_are_an_unknown_route_on_the_api_address()
    {
        var metricsPort = ChildProcess.FreePort();
        await using var server = await ServerProcess.StartAsync(
            new Dictionary<string, string?>(fixture.StoreSettings) { ["Hoist:Telemetry:Prometheus:Port"] = metricsPort.ToString(System.Globalization.CultureInfo.InvariantCulture) },
            Ct, alsoListenOn: $"http://127.0.0.1:{metricsPort}");
        using var api = server.CreateApi();
        using var scraper = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{metricsPort}") };

        var metrics = await PrometheusText.ScrapeAsync(scraper, Ct);

        Assert.True(metrics.Has("target_info"), metrics.Text);
        await Problem.AssertAsync(api.Http.GetAsync(new Uri("/metrics", UriKind.Relative), Ct), 404, "not_found");
    }

    [Theory]
    [InlineData("Path", "metrics")]
    [InlineData("Path", "/")]
    [InlineData("Path", "/api/metrics")]
    [InlineData("Path", "/metrics?x=1")]
    [InlineData("Port", "-1")]
    [InlineData("Port", "65536")]
    public void A_setting_out_of_range_is_refused_with_a_message_naming_it(string name, string value)
    {
        var failure = ModuleOptions.Refusal<TelemetryOptions>(new Dictionary<string, string?> { [$"Hoist:Telemetry:Prometheus:{name}"] = value }, (services, configuration) => services
            .AddSingleton<IObjectStore>(_ => throw new InvalidOperationException("no store in this test"))
            .AddHoistTelemetry(configuration));

        Assert.Contains($"Hoist:Telemetry:Prometheus:{name}", failure.Message, StringComparison.Ordinal);
    }
}
