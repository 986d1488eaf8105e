using Hoist.Server.Admission;
using Hoist.Server.Auth;
using Hoist.Server.Errors;
using Hoist.Server.Files;
using Hoist.Server.Health;
using Hoist.Server.Hosting;
using Hoist.Server.Links;
using Hoist.Server.S3Api;
using Hoist.Server.Security;
using Hoist.Server.Storage;
using Hoist.Server.Telemetry;
using Hoist.Server.Tus;
using Hoist.Server.Uploads;

try
{
    var builder = HoistStartup.CreateBuilder(args);

    builder.WebHost.UseHoistKestrel();

    builder.Services.AddHoistProblems();
    builder.Services.AddHoistJson();
    builder.Services.AddHoistStorage(builder.Configuration);
    builder.Services.AddHoistUploads();
    builder.Services.AddHoistTus();
    builder.Services.AddHoistS3Api();
    builder.Services.AddHoistShareLinks();
    builder.Services.AddHoistAdmission();
    builder.Services.AddHoistAuth(builder.Configuration);
    builder.Services.AddHoistSecurity(builder.Configuration);
    builder.Services.AddHoistTelemetry(builder.Configuration);

    var app = builder.Build();

    app.UseHoistTelemetry();
    app.UseExceptionHandler();
    app.UseStatusCodePages();
    app.UseSecurityHeaders();
    app.UseDefaultFiles();
    app.UseStaticFiles();
    app.UseCors(SecurityServiceCollectionExtensions.CorsPolicy);
    app.UseTus();
    app.UseHoistAuth();
    app.UseRateLimiter();
    app.UseAuthorization();

    app.MapHealth();
    app.MapUploads();
    app.MapTus();
    app.MapS3Api();
    app.MapFiles();
    app.MapShareLinks();

    await app.StartHoistAsync();
    await app.WaitForShutdownAsync();
    return 0;
}
catch (Exception e) when (StartupFailure.Report(e, args) is { } exitCode)
{
    return exitCode;
}

/// <summary>The entry point, visible to WebApplicationFactory in the tests.</summary>
public partial class Program;
