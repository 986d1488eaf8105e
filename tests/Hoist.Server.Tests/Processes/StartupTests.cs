using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Hoist.Server.Tests.Support;

namespace Hoist.Server.Tests.Processes;

/// <summary>
/// The built server started as an operator starts it (<c>dotnet Hoist.Server.dll</c> from another
/// folder, settings in the environment): it finds its page wherever it is started from, says in one
/// line what runs where, and a start that cannot succeed ends with exit code 1 and a plain reason.
/// </summary>
public sealed class StartupTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("hoist-startup-").FullName;
    private readonly CancellationTokenSource _timeout = new(TimeSpan.FromMinutes(2));

    private CancellationToken Ct => _timeout.Token;

    public void Dispose()
    {
        _timeout.Dispose();
        Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public async Task A_server_started_from_another_folder_serves_its_page_and_keeps_its_data_there()
    {
        var port = ChildProcess.FreePort();
        using var server = Start(new Dictionary<string, string?>(), port);
        var output = new List<string>();
        server.OutputDataReceived += (_, e) => { if (e.Data is not null) { lock (output) { output.Add(e.Data); } } };
        server.BeginOutputReadLine();
        server.BeginErrorReadLine();
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
            var page = await WaitForAsync(() => http.GetAsync(new Uri("/", UriKind.Relative), Ct));

            Assert.Equal(HttpStatusCode.OK, page.StatusCode);
            Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
            Assert.Contains("Hoist", await page.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
            Assert.True(Directory.Exists(Path.Combine(_folder, "data", ".hoist")), "The data folder is relative to the working folder.");
            lock (output)
            {
                Assert.Contains(output, line => line.Contains($"Hoist listens on http://127.0.0.1:{port}; store: FileSystem at {Path.Combine(_folder, "data")}; auth: None; "
                    + $"upload ids signed with the key in {Path.Combine(_folder, "data", ".hoist", "signing-key")}", StringComparison.Ordinal));
            }
        }
        finally
        {
            server.Kill(entireProcessTree: true);
            await server.WaitForExitAsync(CancellationToken.None);
        }
    }

    public static TheoryData<string, Dictionary<string, string?>, string[]> Failures()
    {
        var s3 = new Dictionary<string, string?>(new S3Fixture().StoreSettings);
        return new()
        {
            { "a part size of 1 byte", new() { ["Hoist:Uploads:PreferredPartSize"] = "1" }, ["Hoist:Uploads:PreferredPartSize"] },
            { "an unknown provider", new() { ["Hoist:Storage:Provider"] = "Minio" }, ["Hoist:Storage:Provider", "Valid values: FileSystem, S3"] },
            { "a folder that cannot be written", new() { ["Hoist:Storage:FileSystem:Root"] = "/proc/hoist" }, ["/proc/hoist", "Hoist:Storage:FileSystem:Root"] },
            { "a signing key file that cannot be written", new() { ["Hoist:Tokens:KeyFile"] = "/proc/hoist-key/signing-key" }, ["/proc/hoist-key/signing-key", "Hoist:Tokens:KeyFile", "Hoist:Tokens:SigningKey"] },
            { "a missing bucket", new(s3) { ["Hoist:Storage:S3:Bucket"] = "hoist-no-such-bucket" }, ["NoSuchBucket", "hoist-no-such-bucket", "Hoist:Storage:S3:Bucket"] },
            { "a wrong secret key", new(s3) { ["Hoist:Storage:S3:SecretKey"] = "not-the-secret-key" }, ["SignatureDoesNotMatch", "Hoist:Storage:S3:SecretKey"] },
            { "an unknown access key", new(s3) { ["Hoist:Storage:S3:AccessKey"] = "nobody" }, ["InvalidAccessKeyId", "Hoist:Storage:S3:AccessKey"] },
            { "an endpoint nobody listens on", new(s3) { ["Hoist:Storage:S3:ServiceUrl"] = "http://127.0.0.1:9" }, ["http://127.0.0.1:9", "does not answer", "Hoist:Storage:S3:ServiceUrl"] },
            { "a metrics port the server does not listen on", new() { ["Hoist:Telemetry:Prometheus:Port"] = "9" }, ["Hoist:Telemetry:Prometheus:Port", "--urls"] },
        };
    }

    [Theory]
    [MemberData(nameof(Failures))]
    public async Task A_start_that_cannot_succeed_exits_1_with_a_plain_reason(string why, Dictionary<string, string?> settings, string[] named)
    {
        var (exitCode, lines) = await RunToExitAsync(settings, ChildProcess.FreePort());

        Assert.True(exitCode == 1, $"{why}: exit code {exitCode}\n{string.Join('\n', lines)}");
        AssertPlain(lines, named);
    }

    [Fact]
    public async Task A_port_in_use_exits_1_naming_the_address()
    {
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var port = ((IPEndPoint)taken.LocalEndpoint).Port;

        var (exitCode, lines) = await RunToExitAsync(new Dictionary<string, string?>(), port);

        Assert.Equal(1, exitCode);
        AssertPlain(lines, [$"http://127.0.0.1:{port}", "already in use", "--urls"]);
    }

    /// <summary>One or two lines, each word the operator needs in them, and no stack trace.</summary>
    private static void AssertPlain(IReadOnlyList<string> lines, string[] named)
    {
        var text = string.Join('\n', lines);
        Assert.InRange(lines.Count, 1, 2);
        Assert.StartsWith("Hoist could not start: ", lines[0], StringComparison.Ordinal);
        Assert.All(named, n => Assert.Contains(n, text, StringComparison.Ordinal));
        Assert.DoesNotContain("   at ", text, StringComparison.Ordinal);
        Assert.DoesNotContain("Unhandled exception", text, StringComparison.Ordinal);
    }

    private async Task<(int ExitCode, List<string> Lines)> RunToExitAsync(IReadOnlyDictionary<string, string?> settings, int port)
    {
        using var server = Start(settings, port);
        var stdout = server.StandardOutput.ReadToEndAsync(Ct);
        var stderr = server.StandardError.ReadToEndAsync(Ct);
        await server.WaitForExitAsync(Ct);
        var lines = ((await stdout) + (await stderr)).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();
        return (server.ExitCode, lines);
    }

    private Process Start(IReadOnlyDictionary<string, string?> settings, int port)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = _folder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(RepoPaths.ServerDll);
        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add($"http://127.0.0.1:{port}");
        foreach (var name in start.Environment.Keys.Where(n => n.StartsWith("Hoist__", StringComparison.Ordinal) || n.StartsWith("Logging__", StringComparison.Ordinal)).ToList())
        {
            start.Environment.Remove(name);
        }
        foreach (var (name, value) in settings)
        {
            start.Environment[name.Replace(":", "__", StringComparison.Ordinal)] = value;
        }
        return Process.Start(start)!;
    }

    private async Task<HttpResponseMessage> WaitForAsync(Func<Task<HttpResponseMessage>> request)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                return await request();
            }
            catch (HttpRequestException) when (attempt < 300)
            {
                await Task.Delay(100, Ct);
            }
        }
    }
}
