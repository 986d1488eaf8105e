using Hoist.Wire;
using System.Globalization;
using System.Threading.RateLimiting;
using Hoist.Server.Errors;
using Hoist.Server.Keys;
using Hoist.Server.Uploads;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace Hoist.Server.Security;

public static class SecurityServiceCollectionExtensions
{
    public const string CorsPolicy = "configured-origins";

    public static IServiceCollection AddHoistSecurity(this IServiceCollection services, IConfiguration configuration)
    {
        _ = configuration; // bound through IOptions below
        // Read through IOptions when first needed, not from the configuration as it stands while services are added.
        services.AddOptions<RateLimitOptions>().BindConfiguration(RateLimitOptions.Section);
        services.AddOptions<CorsOptions>().BindConfiguration(CorsOptions.Section);
        services.AddSingleton<ContentSecurityPolicy>();
        services.AddRateLimiter(_ => { });
        services.AddOptions<RateLimiterOptions>().Configure<IOptions<RateLimitOptions>>((options, settings) =>
        {
            var limits = settings.Value;
            // Per owner and per address at once: a key cannot flood from many hosts, nor a host with many keys.
            options.GlobalLimiter = PartitionedRateLimiter.CreateChained(
                // A share link's downloads are anybody's, not the "anonymous" owner's: only their address counts.
                Partition(limits.RequestsPerMinutePerOwner, context => context.Request.Path.StartsWithSegments(HoistWire.Shared, StringComparison.Ordinal) ? null : "owner:" + Owner.Of(context)),
                Partition(limits.RequestsPerMinutePerAddress, context => "ip:" + context.Connection.RemoteIpAddress));
            options.OnRejected = async (rejected, cancellationToken) =>
            {
                var retryAfter = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromSeconds(1);
                var seconds = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds));
                rejected.HttpContext.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
                await ProblemExceptionHandler.WriteAsync(rejected.HttpContext,
                    ApiErrors.RateLimited.With($"Try again in {seconds} s."),
                    rejected.HttpContext.RequestServices.GetRequiredService<IProblemDetailsService>());
            };
        });

        services.AddCors();
        services.AddOptions<Microsoft.AspNetCore.Cors.Infrastructure.CorsOptions>().Configure<IOptions<CorsOptions>>((cors, settings) =>
            cors.AddPolicy(CorsPolicy, policy =>
            {
                if (settings.Value.AllowedOrigins.Count > 0)
                {
                    // The tus face's headers too (docs/tus.md): a browser's tus client sends and reads them;
                    // Uppy's S3 client reads a part PUT's ETag (docs/uppy.md).
                    policy.WithOrigins([.. settings.Value.AllowedOrigins]).AllowAnyMethod()
                        .WithHeaders(["Authorization", "Content-Type", "Content-MD5", HoistWire.ChecksumHeader, .. Tus.TusProtocol.RequestHeaders])
                        .WithExposedHeaders(["ETag", "Content-Range", "Retry-After", .. Tus.TusProtocol.ResponseHeaders]);
                }
            }));
        return services;
    }

    /// <summary>A token bucket per key; a request whose key is null, or outside the limited paths, is not counted here.</summary>
    private static PartitionedRateLimiter<HttpContext> Partition(int perMinute, Func<HttpContext, string?> key) =>
        PartitionedRateLimiter.Create<HttpContext, string>(context =>
            perMinute <= 0 || !IsLimited(context) || key(context) is not { } partition
                ? RateLimitPartition.GetNoLimiter("unlimited")
                : RateLimitPartition.GetTokenBucketLimiter(partition, _ => new TokenBucketRateLimiterOptions
                {
                    TokenLimit = Math.Max(1, perMinute / 6),
                    TokensPerPeriod = Math.Max(1, perMinute / 60),
                    ReplenishmentPeriod = TimeSpan.FromSeconds(1),
                    QueueLimit = 0,
                }));

    /// <summary>The API, the tus endpoint and the /s3/ face count; the page, its files and the health checks do not.</summary>
    private static bool IsLimited(HttpContext context) =>
        context.Request.Path.StartsWithSegments("/api", StringComparison.Ordinal) || Tus.TusEndpoints.IsTusRequest(context) || S3Api.S3ApiEndpoints.IsS3Request(context);

    /// <summary>Headers that keep the page and anything served from this origin from being framed, sniffed or scripted.</summary>
    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app)
    {
        var policy = app.ApplicationServices.GetRequiredService<ContentSecurityPolicy>();
        return app.Use(async (context, next) =>
        {
            var headers = context.Response.Headers;
            headers.ContentSecurityPolicy = await policy.ValueAsync();
            headers.XContentTypeOptions = "nosniff";
            headers.XFrameOptions = "DENY";
            headers["Referrer-Policy"] = "no-referrer";
            headers["Cross-Origin-Opener-Policy"] = "same-origin";
            headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()";
            await next(context);
        });
    }
}
