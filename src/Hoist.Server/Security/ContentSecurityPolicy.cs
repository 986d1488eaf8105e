using Hoist.Server.Uploads;

namespace Hoist.Server.Security;

/// <summary>
/// The Content-Security-Policy of every response: the page loads and calls only its own origin. In
/// direct mode (docs/api.md, "Direct mode") the page also PUTs parts to the store, so connect-src names
/// the store's origin as the part URLs have it, and hashes them with MD5 in WebAssembly (WebCrypto has
/// no MD5), so script-src allows 'wasm-unsafe-eval': compiling WebAssembly, not evaluating scripts.
/// </summary>
public sealed partial class ContentSecurityPolicy(DirectParts direct, ILogger<ContentSecurityPolicy> logger)
{
    private Task<string>? _value;

    public Task<string> ValueAsync() => _value ??= BuildAsync();

    private async Task<string> BuildAsync()
    {
        var script = "'self'";
        var connect = "'self'";
        if (direct.IsOn)
        {
            try
            {
                // Signing asks the store nothing: a URL signed for no real part shows the origin every part URL has.
                var sample = await direct.RequireOn().PresignUploadPartAsync("origin", "origin", 1, DateTimeOffset.UtcNow.AddMinutes(5), null, CancellationToken.None);
                script += " 'wasm-unsafe-eval'";
                connect += " " + sample.GetLeftPart(UriPartial.Authority);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // The page then sends its parts through Hoist, as when the bucket's CORS rule refuses it.
                LogNoStoreOrigin(logger, e);
            }
        }
        return $"default-src 'self'; script-src {script}; style-src 'self'; img-src 'self' data: blob:; connect-src {connect}; "
            + "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";
    }

    [LoggerMessage(LogLevel.Warning, "Direct mode: the store's origin could not be learnt for the page's Content-Security-Policy; the page sends parts through Hoist")]
    private static partial void LogNoStoreOrigin(ILogger logger, Exception exception);
}
