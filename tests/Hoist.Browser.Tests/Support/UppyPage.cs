using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Hoist.Browser.Tests.Support;

/// <summary>
/// The Uppy test page (tests/js/uppy: @uppy/core, @uppy/dashboard, @uppy/tus, @uppy/aws-s3 from
/// tests/js/package-lock.json), bundled by esbuild when first asked for and served from another origin
/// than Hoist's (another loopback port), so the browser's CORS rules apply as on a real site.
/// </summary>
public sealed class UppyPage : IDisposable
{
    private static readonly Lazy<Task<string>> Bundle = new(BuildAsync);

    private readonly HttpListener _listener;
    private readonly string _folder;
    private readonly Task _serving;

    private UppyPage(string folder)
    {
        _folder = folder;
        var port = FreePort();
        Origin = $"http://127.0.0.1:{port}";
        _listener = new HttpListener();
        _listener.Prefixes.Add(Origin + "/");
        _listener.Start();
        _serving = Task.Run(ServeAsync);
    }

    /// <summary>The page's origin, which Hoist (and the bucket) must allow.</summary>
    public string Origin { get; }

    /// <summary>Builds the page if needed and starts serving it.</summary>
    public static async Task<UppyPage> StartAsync() => new(await Bundle.Value);

    /// <summary>The page's address with Uppy set up for <paramref name="plugin"/> ("tus" or "aws-s3") against <paramref name="hoist"/>, sending <paramref name="apiKey"/>.</summary>
    public string Url(string plugin, Uri hoist, string apiKey) =>
        $"{Origin}/index.html?plugin={plugin}&hoist={Uri.EscapeDataString(hoist.AbsoluteUri.TrimEnd('/'))}&key={Uri.EscapeDataString(apiKey)}";

    public void Dispose()
    {
        _listener.Stop();
        _listener.Close();
    }

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }
            using var response = context.Response;
            var name = Path.GetFileName(context.Request.Url?.AbsolutePath ?? "");
            var path = Path.Combine(_folder, name);
            if (name.Length == 0 || !File.Exists(path))
            {
                response.StatusCode = 404;
                continue;
            }
            response.ContentType = Path.GetExtension(name) switch
            {
                ".html" => "text/html; charset=utf-8",
                ".js" => "text/javascript; charset=utf-8",
                ".css" => "text/css; charset=utf-8",
                _ => "application/octet-stream",
            };
            var bytes = await File.ReadAllBytesAsync(path);
            response.ContentLength64 = bytes.Length;
            await response.OutputStream.WriteAsync(bytes);
        }
    }

    private static async Task<string> BuildAsync()
    {
        var js = JsFolder();
        if (!Directory.Exists(Path.Combine(js, "node_modules", "@uppy", "aws-s3")))
        {
            throw new InvalidOperationException($"Uppy is not installed in {js}: run `npm ci` there (scripts/test.sh does).");
        }
        var folder = Path.Combine(Path.GetTempPath(), $"hoist-uppy-page-{Guid.NewGuid():N}");
        var start = new ProcessStartInfo("node") { WorkingDirectory = js, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(Path.Combine("uppy", "build.mjs"));
        start.ArgumentList.Add(folder);
        using var process = Process.Start(start) ?? throw new InvalidOperationException("node did not start.");
        var stderr = process.StandardError.ReadToEndAsync();
        await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"Bundling the Uppy page failed (exit {process.ExitCode}): {await stderr}");
        }
        File.Copy(Path.Combine(js, "uppy", "index.html"), Path.Combine(folder, "index.html"));
        return folder;
    }

    private static string JsFolder()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Hoist.slnx")))
        {
            directory = directory.Parent;
        }
        return directory is null ? throw new InvalidOperationException("No Hoist.slnx above " + AppContext.BaseDirectory) : Path.Combine(directory.FullName, "tests", "js");
    }

    private static int FreePort()
    {
        using var socket = new TcpListener(IPAddress.Loopback, 0);
        socket.Start();
        return ((IPEndPoint)socket.LocalEndpoint).Port;
    }
}
