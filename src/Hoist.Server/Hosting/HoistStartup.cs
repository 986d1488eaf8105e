using Hoist.Server.Auth;
using Hoist.Server.Storage;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;

namespace Hoist.Server.Hosting;

/// <summary>
/// How Hoist starts: every setting validated, the store checked once (it answers, and this server
/// may write to it), then the server listens, then one log line says what is running where.
/// Anything that fails on the way ends the start with a plain reason (<see cref="StartupFailure"/>).
/// </summary>
public static partial class HoistStartup
{
    /// <summary>A store that does not answer within this long at start counts as unreachable.</summary>
    public static readonly TimeSpan StoreCheckTimeout = TimeSpan.FromSeconds(15);

    /// <summary>
    /// The content root is the app's own folder wherever it is started from (a published server
    /// started by systemd or a container finds its page and appsettings.json); the data folder stays
    /// relative to the working folder. A build that is not published serves the page from the project
    /// folder through the static web assets manifest, in any environment.
    /// </summary>
    public static WebApplicationBuilder CreateBuilder(string[] args)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
        builder.WebHost.UseStaticWebAssets();
        return builder;
    }

    public static async Task StartHoistAsync(this WebApplication app)
    {
        app.Services.GetRequiredService<IStartupValidator>().Validate();
        var store = app.Services.GetRequiredService<IObjectStore>();
        if (app.Services.GetRequiredService<IOptions<StorageOptions>>().Value.CheckAtStart)
        {
            using var timeout = new CancellationTokenSource(StoreCheckTimeout);
            try
            {
                await store.CheckWritableAsync(timeout.Token);
            }
            catch (OperationCanceledException) when (timeout.IsCancellationRequested)
            {
                throw new StoreException(StoreErrorCode.Unavailable, $"The store ({store.Location}) did not answer within {StoreCheckTimeout.TotalSeconds:0} s.");
            }
        }
        // The signing key now, not at the first request: a key file that cannot be made stops the start.
        var signer = app.Services.GetRequiredService<Uploads.UploadTokenSigner>();
        await app.StartAsync();

        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Hoist.Server");
        LogStarted(logger, string.Join(", ", addresses), store.Location, app.Services.GetRequiredService<IOptions<AuthOptions>>().Value.Mode, signer.KeySource);
        app.Services.GetRequiredService<Uploads.DirectParts>().WarnIfIneffective();
    }

    [LoggerMessage(LogLevel.Information, "Hoist listens on {Addresses}; store: {Store}; auth: {AuthMode}; upload ids signed with {KeySource}")]
    private static partial void LogStarted(ILogger logger, string addresses, string store, AuthMode authMode, string keySource);
}
