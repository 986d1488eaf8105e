namespace Hoist.Server.Telemetry;

/// <summary>Hoist:Telemetry — where the metrics are served (docs/observability.md). OTLP needs no setting here: it follows OTEL_EXPORTER_OTLP_ENDPOINT.</summary>
public sealed class TelemetryOptions
{
    public const string Section = "Hoist:Telemetry";

    public PrometheusOptions Prometheus { get; set; } = new();
}

/// <summary>Hoist:Telemetry:Prometheus — the scrape endpoint.</summary>
public sealed class PrometheusOptions
{
    /// <summary>Serve the metrics in Prometheus' text format; false leaves no such route.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>The scrape endpoint's path.</summary>
    public string Path { get; set; } = "/metrics";

    /// <summary>
    /// 0: the endpoint answers on every address the server listens on. A port: it answers only on
    /// connections to that local port, which must be one of the server's addresses (Urls); on the
    /// others the path is an unknown route (404).
    /// </summary>
    public int Port { get; set; }
}
