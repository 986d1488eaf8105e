using System.Security.Claims;
using System.Text;
using Hoist.Server.Errors;
using Hoist.Server.Keys;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace Hoist.Server.Auth;

public static class AuthServiceCollectionExtensions
{
    public const string UploaderPolicy = "uploader";

    public static IServiceCollection AddHoistAuth(this IServiceCollection services, IConfiguration configuration)
    {
        _ = configuration; // bound through IOptions below

        services.AddOptions<AuthOptions>()
            .BindConfiguration(AuthOptions.Section)
            .Validate(o => o.Mode != AuthMode.ApiKeys || o.ApiKeys.Count > 0,
                "Hoist:Auth:ApiKeys must list at least one {Key, Owner} when Hoist:Auth:Mode is ApiKeys.")
            .Validate(o => o.ApiKeys.All(k => k.Key.Length >= 16 && k.Owner.Length > 0),
                "Every Hoist:Auth:ApiKeys entry needs a Key of 16+ characters and an Owner.")
            .Validate(o => o.ApiKeys.All(k => Owner.IsPlain(k.Owner)),
                $"Every Hoist:Auth:ApiKeys Owner must be usable as a key prefix as it is: letters, digits and . _ @ + - only, not starting or ending with a dot, at most {Owner.MaxPlainBytes} bytes.")
            .Validate(o => o.ApiKeys.Select(k => k.Key).Distinct(StringComparer.Ordinal).Count() == o.ApiKeys.Count,
                "Hoist:Auth:ApiKeys has the same Key twice.")
            .Validate(o => o.Mode != AuthMode.Jwt || !string.IsNullOrEmpty(o.Jwt.Authority) || (o.Jwt.SigningKey?.Length ?? 0) >= 32,
                "Hoist:Auth:Jwt needs an Authority, or a SigningKey of 32+ characters, when Hoist:Auth:Mode is Jwt.")
            .Validate(o => o.Mode != AuthMode.Jwt || !string.IsNullOrWhiteSpace(o.Jwt.Audience) || o.Jwt.AcceptAnyAudience,
                "Hoist:Auth:Jwt:Audience is required when Hoist:Auth:Mode is Jwt (the audience your identity provider puts in tokens issued for Hoist); "
                + "without it a token issued for any other application of the same provider would be accepted. Set Hoist:Auth:Jwt:AcceptAnyAudience=true only if the provider issues tokens for Hoist alone.")
            .Validate(o => o.Jwt.ClockSkew >= TimeSpan.Zero && o.Jwt.ClockSkew <= TimeSpan.FromMinutes(5),
                "Hoist:Auth:Jwt:ClockSkew must be between 00:00:00 and 00:05:00.")
            .ValidateOnStart();

        // Everything below reads Hoist:Auth through IOptions when first needed, not the configuration
        // as it stands while services are added: settings from every source count (a test host's too).
        var authentication = services.AddAuthentication();
        services.AddOptions<AuthenticationOptions>().Configure<IOptions<AuthOptions>>((options, auth) =>
            options.DefaultScheme = auth.Value.Mode == AuthMode.Jwt ? JwtBearerDefaults.AuthenticationScheme : ApiKeyAuthenticationHandler.SchemeName);
        authentication.AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null);
        // Registered in every mode, used only as the default scheme of Jwt mode.
        authentication.AddJwtBearer();
        services.AddOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme).Configure<IOptions<AuthOptions>>((jwt, auth) =>
        {
            var settings = auth.Value.Jwt;
            jwt.Authority = settings.Authority;
            jwt.Audience = settings.Audience;
            jwt.MapInboundClaims = false;
            jwt.TokenValidationParameters.NameClaimType = "sub";
            jwt.TokenValidationParameters.ValidateAudience = !settings.AcceptAnyAudience;
            jwt.TokenValidationParameters.ClockSkew = settings.ClockSkew;
            jwt.TokenValidationParameters.ValidateIssuer = settings.Issuer is not null || settings.Authority is not null;
            jwt.TokenValidationParameters.ValidIssuer = settings.Issuer;
            if (settings.SigningKey is { } key)
            {
                jwt.TokenValidationParameters.IssuerSigningKey = new SymmetricSecurityKey(Encoding.UTF8.GetBytes(key));
            }
            jwt.Events = new JwtBearerEvents { OnTokenValidated = NameOwner };
        });
        services.AddAuthorization();
        services.AddOptions<AuthorizationOptions>().Configure<IOptions<AuthOptions>>((options, auth) =>
            options.AddPolicy(UploaderPolicy, policy =>
            {
                if (auth.Value.Mode == AuthMode.None)
                {
                    policy.RequireAssertion(_ => true);
                }
                else
                {
                    policy.RequireAuthenticatedUser();
                }
            }));
        services.AddHostedService<OpenServerWarning>();
        return services;
    }

    /// <summary>The owner is the token's sub: a valid token without one names nobody, and is refused (not made "anonymous").</summary>
    private static Task NameOwner(TokenValidatedContext context)
    {
        var sub = context.Principal?.FindFirst("sub")?.Value;
        if (string.IsNullOrWhiteSpace(sub) || context.Principal?.Identity is not ClaimsIdentity identity)
        {
            context.Fail("The token has no 'sub' claim: it names no owner.");
            return Task.CompletedTask;
        }
        identity.AddClaim(new Claim(ClaimTypes.NameIdentifier, Owner.OfName(sub)));
        return Task.CompletedTask;
    }

    /// <summary>
    /// Authenticates, and answers 401/403 as ProblemDetails with a code, like every other refusal.
    /// Authorization comes after the rate limiter, so that refused callers are limited too.
    /// </summary>
    public static IApplicationBuilder UseHoistAuth(this IApplicationBuilder app)
    {
        app.Use(async (context, next) =>
        {
            await next(context);
            if (context.Response is { StatusCode: 401 or 403, HasStarted: false, ContentLength: null } response && response.ContentType is null
                && (context.Request.Path.StartsWithSegments("/api", StringComparison.Ordinal) || Tus.TusEndpoints.IsTusRequest(context) || S3Api.S3ApiEndpoints.IsS3Request(context)))
            {
                var problem = response.StatusCode == 401
                    ? ApiErrors.Unauthorized.With("Send 'Authorization: Bearer <key>'.")
                    : ApiErrors.Forbidden.With();
                await ProblemExceptionHandler.WriteAsync(context, problem, context.RequestServices.GetRequiredService<IProblemDetailsService>());
            }
        });
        app.UseAuthentication();
        return app;
    }
}

/// <summary>Says loudly, once started, that anyone who can reach the server can upload when auth is off and it listens beyond loopback.</summary>
internal sealed partial class OpenServerWarning(IServer server, IOptions<AuthOptions> auth, IHostApplicationLifetime lifetime, ILogger<OpenServerWarning> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        lifetime.ApplicationStarted.Register(() =>
        {
            if (auth.Value.Mode != AuthMode.None)
            {
                return;
            }
            var addresses = server.Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
            foreach (var address in addresses.Where(a => !IsLoopback(a)))
            {
                LogOpen(address);
            }
        });
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private static bool IsLoopback(string address) =>
        Uri.TryCreate(address.Replace("://+", "://0.0.0.0", StringComparison.Ordinal).Replace("://*", "://0.0.0.0", StringComparison.Ordinal), UriKind.Absolute, out var uri)
        && (uri.IsLoopback || uri.Host == "localhost");

    [LoggerMessage(LogLevel.Warning, "*** Hoist listens on {Address} WITHOUT AUTHENTICATION: anyone who can reach it can upload and download. Set Hoist:Auth:Mode to ApiKeys or Jwt. ***")]
    private partial void LogOpen(string address);
}
