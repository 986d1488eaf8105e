using Hoist.Bench.Measure;

namespace Hoist.Bench.Runs;

/// <summary>
/// The proxies under test. By default each configuration keeps one server for all its rounds, as
/// a production server lives on: round 1 pays for the JIT, the median shows the steady cost, and
/// peak RSS is the server's peak over all its uploads. With <c>perRun</c> each run gets a fresh
/// process (its own VmHWM, and the JIT cost of a just-started server in every run).
/// </summary>
internal sealed class ServerPool(bool perRun) : IAsyncDisposable
{
    private readonly Dictionary<string, ProxyProcess> _servers = [];

    public bool PerRun => perRun;

    public async Task<RunRecord> WithServerAsync(string config, Func<Task<ProxyProcess>> start, Func<ProxyProcess, Task<RunRecord>> run)
    {
        if (!_servers.TryGetValue(config, out var server))
        {
            server = await start();
            if (!perRun)
            {
                _servers[config] = server;
            }
        }
        try
        {
            return await run(server);
        }
        finally
        {
            if (perRun)
            {
                await server.DisposeAsync();
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var server in _servers.Values)
        {
            await server.DisposeAsync();
        }
        _servers.Clear();
    }
}
