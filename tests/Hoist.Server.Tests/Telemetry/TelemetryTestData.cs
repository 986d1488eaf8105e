using System.Buffers.Text;
using System.Text.Json;

namespace Hoist.Server.Tests.Telemetry;

/// <summary>
/// Metrics tests run alone, each on an app of its own. The OpenTelemetry SDK listens to every meter
/// of a name in the process, whichever app made it: another test's uploads would count too, and an
/// instrument it shares with an app that is disposed stops being exported (one server per process,
/// as in production, has neither problem).
/// </summary>
[CollectionDefinition(nameof(MetricsRunAlone), DisableParallelization = true)]
public sealed class MetricsRunAlone;

public static class TelemetryTestData
{
    /// <summary>The store's upload id inside an API upload id (its "u" field, docs/upload-token.md): what logs and spans call UploadId.</summary>
    public static string StoreUploadIdOf(string uploadId)
    {
        var payload = Base64Url.DecodeFromChars(uploadId.Split('.')[0]);
        using var json = JsonDocument.Parse(payload);
        return json.RootElement.GetProperty("u").GetString()!;
    }
}
