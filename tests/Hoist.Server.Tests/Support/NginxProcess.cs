using System.Diagnostics;
using System.Net.Sockets;

namespace Hoist.Server.Tests.Support;

/// <summary>
/// A real nginx (Debian's package, <c>/usr/sbin/nginx</c>) as a child process, with a configuration of
/// its own in a temporary folder that is its prefix: <c>nginx -p &lt;folder&gt; -c nginx.conf -g 'daemon off;'</c>,
/// error log, pid file and temporary files in that folder, no access log. It listens where the given
/// <c>http { }</c> contents say. Disposing stops it and removes the folder.
/// </summary>
public sealed class NginxProcess : IAsyncDisposable
{
    public const string Binary = "/usr/sbin/nginx";

    private readonly ChildProcess _process;
    private readonly string _folder;

    private NginxProcess(ChildProcess process, string folder, Uri address)
    {
        _process = process;
        _folder = folder;
        Address = address;
    }

    public static bool IsInstalled => File.Exists(Binary);

    public Uri Address { get; }

    /// <summary>nginx's error log (warnings and up) and what it printed, for failure messages and the test's output.</summary>
    public string Log
    {
        get
        {
            var errorLog = Path.Combine(_folder, "error.log");
            var log = File.Exists(errorLog) ? File.ReadAllText(errorLog) : "";
            return _process.Output + (log.Length > 0 ? "\n" + log : "");
        }
    }

    /// <summary>
    /// Starts nginx with <paramref name="http"/> as the contents of its <c>http { }</c> block (upstreams,
    /// servers; it must listen on 127.0.0.1:<paramref name="port"/>) and waits until that port accepts connections.
    /// </summary>
    public static async Task<NginxProcess> StartAsync(string http, int port, CancellationToken cancellationToken)
    {
        var folder = Directory.CreateTempSubdirectory("hoist-nginx-").FullName;
        // Started as root, nginx runs its worker as "nobody", which must reach the temporary files in here.
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
                | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        }
        var config = Path.Combine(folder, "nginx.conf");
        await File.WriteAllTextAsync(config, $$"""
            # Written by the Hoist tests (NginxProcess); every relative path is inside {{folder}}.
            worker_processes 1;
            pid nginx.pid;
            error_log error.log warn;
            events { worker_connections 1024; }
            http {
                access_log off;
                client_body_temp_path temp/client_body;
                proxy_temp_path temp/proxy;
                fastcgi_temp_path temp/fastcgi;
                uwsgi_temp_path temp/uwsgi;
                scgi_temp_path temp/scgi;

            {{http}}
            }
            """, cancellationToken);
        Directory.CreateDirectory(Path.Combine(folder, "temp"));

        var start = new ProcessStartInfo(Binary) { WorkingDirectory = folder };
        // -e: the log for what happens before the configuration is read (else /var/log/nginx/error.log).
        foreach (var argument in new[] { "-p", folder + "/", "-c", config, "-e", Path.Combine(folder, "error.log"), "-g", "daemon off;" })
        {
            start.ArgumentList.Add(argument);
        }
        var nginx = new NginxProcess(ChildProcess.Start(start, keepLines: 200), folder, new Uri($"http://127.0.0.1:{port}"));
        try
        {
            await nginx._process.WaitUntilReadyAsync($"nginx on 127.0.0.1:{port}", async ct =>
            {
                using var probe = new TcpClient();
                await probe.ConnectAsync("127.0.0.1", port, ct);
                return true;
            }, TimeSpan.FromSeconds(20), TimeSpan.FromMilliseconds(50), () => nginx.Log, cancellationToken);
            return nginx;
        }
        catch
        {
            await nginx.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        // The master and its worker: a killed master leaves its worker running (ChildProcess kills the tree).
        await _process.DisposeAsync();
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
            // The OS temp cleaner gets it.
        }
    }
}

/// <summary>
/// A test that needs nginx: skipped, saying why, when <see cref="NginxProcess.Binary"/> is missing
/// (xunit 2 decides skips when it discovers tests, so this is the place). scripts/test.sh installs
/// nginx, so the suite and CI run it.
/// </summary>
public sealed class NginxFactAttribute : FactAttribute
{
    public NginxFactAttribute()
    {
        if (!NginxProcess.IsInstalled)
        {
            Skip = $"nginx is not installed ({NginxProcess.Binary} is missing): `apt-get install nginx`, or run scripts/test.sh, which installs it.";
        }
    }
}
