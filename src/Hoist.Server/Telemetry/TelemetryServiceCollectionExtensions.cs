using System.Reflection;
using Hoist.Server.Storage;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using OpenTelemetry;
using OpenTelemetry.Instrumentation.AspNetCore;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Hoist.Server.Telemetry;

/// <summary>
/// Metrics, traces and log scopes (docs/observability.md): Hoist's own metrics
/// (<see cref="HoistMetrics"/>), the store calls as spans and metrics (<see cref="InstrumentedStore"/>),
/// ASP.NET Core, HttpClient and runtime instrumentation; served for Prometheus at
/// Hoist:Telemetry:Prometheus:Path, and sent by OTLP when OTEL_EXPORTER_OTLP_ENDPOINT is set.
/// </summary>
public static class TelemetryServiceCollectionExtensions
{
    public const string OtlpEndpointSetting = "OTEL_EXPORTER_OTLP_ENDPOINT";

    /// <summary>Adds telemetry, and wraps the store registered before (call it after AddHoistStorage) in an <see cref="InstrumentedStore"/>.</summary>
    public static IServiceCollection AddHoistTelemetry(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<TelemetryOptions>()
            .BindConfiguration(TelemetryOptions.Section)
            .Validate(o => IsScrapePath(o.Prometheus.Path),
                "Hoist:Telemetry:Prometheus:Path must be a path of its own such as /metrics: starting with /, not / itself, not under /api, without ? or #.")
            .Validate(o => o.Prometheus.Port is >= 0 and <= 65535,
                "Hoist:Telemetry:Prometheus:Port must be 0 (the server's own addresses) or a port number, which must then be one of the addresses in Urls.")
            .ValidateOnStart();
        services.TryAddSingleton<HoistMetrics>();
        services.AddHostedService<MetricsEndpointCheck>();
        DecorateStore(services);

        var otel = services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(
                serviceName: configuration["OTEL_SERVICE_NAME"] ?? "hoist",
                serviceVersion: typeof(HoistMetrics).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion))
            // Always on: the Prometheus reader only works when scraped, and whether the endpoint is
            // mapped is decided once the settings of every source are known (UseHoistTelemetry).
            .WithMetrics(metrics => metrics
                .AddMeter(HoistMetrics.MeterName)
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddRuntimeInstrumentation()
                .AddPrometheusExporter(prometheus => prometheus.ScrapeResponseCacheDurationMilliseconds = 0));

        // Traces go nowhere but OTLP: without an endpoint, no span is recorded at all.
        if (!string.IsNullOrWhiteSpace(configuration[OtlpEndpointSetting]))
        {
            otel.WithTracing(tracing => tracing
                .AddSource(HoistMetrics.MeterName)
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation());
            services.AddOptions<AspNetCoreTraceInstrumentationOptions>().Configure<IOptions<TelemetryOptions>>((options, telemetry) =>
            {
                var scrapePath = telemetry.Value.Prometheus.Path;
                // Scrapes and probes every few seconds would bury the uploads.
                options.Filter = context => !context.Request.Path.StartsWithSegments(scrapePath, StringComparison.Ordinal)
                    && !context.Request.Path.StartsWithSegments("/healthz", StringComparison.Ordinal)
                    && !context.Request.Path.StartsWithSegments("/readyz", StringComparison.Ordinal);
            });
            otel.UseOtlpExporter();
        }
        return services;
    }

    /// <summary>
    /// First in the pipeline: the upload log scope of /api/uploads requests (<see cref="UploadScope"/>)
    /// and, unless Hoist:Telemetry:Prometheus:Enabled is false, the Prometheus scrape endpoint, which
    /// needs no authentication (like /healthz) and answers only on Hoist:Telemetry:Prometheus:Port when set.
    /// </summary>
    public static WebApplication UseHoistTelemetry(this WebApplication app)
    {
        var prometheus = app.Services.GetRequiredService<IOptions<TelemetryOptions>>().Value.Prometheus;
        if (prometheus.Enabled)
        {
            var path = new PathString(prometheus.Path);
            var port = prometheus.Port;
            app.UseOpenTelemetryPrometheusScrapingEndpoint(
                meterProvider: null,
                predicate: context => context.Request.Path == path && (port == 0 || context.Connection.LocalPort == port),
                path: null,
                // Scrapes stay out of the HTTP metrics they read.
                configureBranchedPipeline: branch => branch.Use((context, next) =>
                {
                    if (context.Features.Get<IHttpMetricsTagsFeature>() is { } tags)
                    {
                        tags.MetricsDisabled = true;
                    }
                    return next(context);
                }),
                optionsName: null);
        }
        UploadScope.UseUploadScopes(app);
        return app;
    }

    private static bool IsScrapePath(string? path) =>
        path is { Length: > 1 } && path[0] == '/' && path.IndexOfAny(['?', '#', ' ']) < 0
        && !new PathString(path).StartsWithSegments("/api", StringComparison.OrdinalIgnoreCase);

    private static void DecorateStore(IServiceCollection services)
    {
        var registered = services.LastOrDefault(d => d.ServiceType == typeof(IObjectStore) && !d.IsKeyedService)
            ?? throw new InvalidOperationException("AddHoistTelemetry wraps the store: call it after AddHoistStorage.");
        services.Remove(registered);
        services.AddSingleton<IObjectStore>(sp =>
        {
            var inner = registered.ImplementationInstance as IObjectStore
                ?? registered.ImplementationFactory?.Invoke(sp) as IObjectStore
                ?? (IObjectStore)ActivatorUtilities.CreateInstance(sp, registered.ImplementationType!);
            return new InstrumentedStore(inner, sp.GetRequiredService<HoistMetrics>());
        });
    }
}
