using System.Net.Http.Headers;
using System.Text.Json;
using Hoist.Server.Tests.Security;
using Hoist.Server.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Hoist.Server.Tests.Telemetry;

/// <summary>
/// Logs as JSON when asked (Logging__Console__FormatterName=json), and every line written while an
/// upload request is served names the upload and its owner (UploadId, Owner, Key), through the
/// scope the upload endpoints fill in.
/// </summary>
public sealed class JsonLogTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("hoist-json-logs-").FullName;
    private readonly CancellationTokenSource _timeout = new(TimeSpan.FromMinutes(2));

    private CancellationToken Ct => _timeout.Token;

    public void Dispose()
    {
        _timeout.Dispose();
        Directory.Delete(_root, recursive: true);
    }

    [Fact]
    public async Task With_the_json_formatter_every_line_of_an_upload_request_is_json_naming_the_upload_id_and_owner()
    {
        var settings = ApiKeyOwners.Settings(new Dictionary<string, string?>
        {
            ["Hoist:Storage:Provider"] = "FileSystem",
            ["Hoist:Storage:FileSystem:Root"] = _root,
            ["Hoist:Uploads:PreferredPartSize"] = TestData.PartSize.ToString(System.Globalization.CultureInfo.InvariantCulture),
            // A generated key is announced by the first request that needs it, before the upload is known.
            ["Hoist:Tokens:SigningKey"] = StoreFixture.SigningKey,
            ["Logging:Console:FormatterName"] = "json",
            ["Logging:LogLevel:Hoist.Server.Uploads"] = "Debug",
        });
        await using var server = await ServerProcess.StartAsync(settings, Ct);
        using var api = server.CreateApi();
        api.Http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", ApiKeyOwners.AliceKey);
        var file = TestData.Bytes(seed: 61, TestData.PartSize + 100);
        var parts = TestData.Split(file, TestData.PartSize);

        var upload = await api.CreateAsync("logged.bin", file.Length, cancellationToken: Ct);
        await Problem.AssertAsync(api.PutPartRawAsync(upload.UploadId, 1, parts[0], TestData.Sha256Base64([9]), Ct), 400, "checksum_mismatch");
        await api.PutPartAsync(upload.UploadId, 1, parts[0], cancellationToken: Ct);
        await api.PutPartAsync(upload.UploadId, 2, parts[1], cancellationToken: Ct);
        await api.CompleteAsync(upload.UploadId, Ct);
        Assert.True(await server.WaitForOutputAsync(line => line.Contains("Upload completed", StringComparison.Ordinal), TimeSpan.FromSeconds(10), Ct), server.Output);

        var lines = server.Output.Split('\n').Select(line => JsonDocument.Parse(line).RootElement).ToList();
        var ofUploads = lines.Where(line => Scope(line).TryGetValue("RequestPath", out var path) && path.StartsWith("/api/uploads", StringComparison.Ordinal)).ToList();
        string[] expected = ["Upload started: ", "Part 1 not stored (checksum_mismatch)", "Part 1 stored: ", "Part 2 stored: ", "Upload completed: "];
        var messages = ofUploads.Select(line => line.GetProperty("Message").GetString()!).ToList();
        Assert.True(messages.Count == expected.Length, string.Join('\n', messages));
        Assert.All(expected.Zip(messages), pair => Assert.StartsWith(pair.First, pair.Second, StringComparison.Ordinal));
        Assert.All(ofUploads, line =>
        {
            var scope = Scope(line);
            Assert.Equal(TelemetryTestData.StoreUploadIdOf(upload.UploadId), scope["UploadId"]);
            Assert.Equal(ApiKeyOwners.Alice, scope["Owner"]);
            Assert.Equal(upload.Key, scope["Key"]);
            Assert.Equal("Hoist.Server.Uploads.UploadService", line.GetProperty("Category").GetString());
        });
    }

    /// <summary>The fields of every scope of a JSON log line.</summary>
    private static Dictionary<string, string> Scope(JsonElement line)
    {
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var scope in line.GetProperty("Scopes").EnumerateArray().Where(s => s.ValueKind == JsonValueKind.Object))
        {
            foreach (var field in scope.EnumerateObject().Where(f => f.Name != "Message"))
            {
                fields[field.Name] = field.Value.ToString();
            }
        }
        return fields;
    }
}

/// <summary>A store failure is logged by the exception handler, after the endpoint has thrown: its line still names the upload and the owner.</summary>
public sealed class StoreFailureLogTests(S3Fixture fixture) : ApiTests(fixture), IClassFixture<S3Fixture>
{
    [Fact]
    public async Task The_exception_handlers_warning_of_a_store_failure_names_the_upload_id_and_owner()
    {
        var upload = await Api.CreateAsync("unlucky.bin", TestData.PartSize + 1, cancellationToken: Ct);
        var logs = new CapturedLogs();
        await using var broken = Fixture.CreateApp(
            new Dictionary<string, string?>
            {
                ["Hoist:Storage:S3:ServiceUrl"] = "http://127.0.0.1:9",
                ["Hoist:Storage:CheckAtStart"] = "false",
                ["Hoist:Storage:Retry:MaxAttempts"] = "1",
            },
            services => services.AddSingleton<ILoggerProvider>(logs));
        using var api = broken.CreateApi();

        await Problem.AssertAsync(api.PutPartRawAsync(upload.UploadId, 1, TestData.Bytes(seed: 62, TestData.PartSize), cancellationToken: Ct), 503, "store_unavailable");

        var warning = Assert.Single(logs.Lines, l => l.Category == "Hoist.Server.Errors.ProblemExceptionHandler" && l.Level == LogLevel.Warning);
        Assert.Contains("store_unavailable", warning.Message, StringComparison.Ordinal);
        Assert.Equal(TelemetryTestData.StoreUploadIdOf(upload.UploadId), warning.Scope["UploadId"]);
        Assert.Equal("anonymous", warning.Scope["Owner"]);
        Assert.Equal(upload.Key, warning.Scope["Key"]);
    }
}
