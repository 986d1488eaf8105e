using Microsoft.AspNetCore.Connections;

namespace Hoist.Server.Hosting;

public static class KestrelSettings
{
    /// <summary>
    /// Part bodies arrive as long streams: allocating the read buffer up front instead of after a
    /// zero-byte read saves a wake-up per read (0.3-0.5 CPU-s per GiB, bench/run.sh) at the cost of
    /// a buffer held by each idle connection. Kestrel receives into blocks of
    /// <see cref="ReceiveBlockPool"/> rather than its own 4 KiB ones: a receive call and a hand-over
    /// to the reader per 32 KiB instead of per 4 KiB (about 0.5 CPU-s per GiB less, bench/run.sh).
    /// (The minimum request body rate comes from Hoist:Limits: Admission/AdmissionServiceCollectionExtensions.cs.)
    /// </summary>
    public static IWebHostBuilder UseHoistKestrel(this IWebHostBuilder builder) =>
        builder
            .UseSockets(sockets => sockets.WaitForDataBeforeAllocatingBuffer = false)
            // After Kestrel's own registration (WebApplication.CreateBuilder's), so it replaces it.
            .ConfigureServices(services => services.AddSingleton<IMemoryPoolFactory<byte>, ReceiveBlockPool.Factory>());
}
