namespace Hoist.Server.Hosting;

public static class KestrelSettings
{
    /// <summary>
    /// Part bodies arrive as long streams: allocating the read buffer up front instead of after a
    /// zero-byte read saves a wake-up per read (0.3-0.5 CPU-s per GiB, bench/run.sh) at the cost of
    /// a small buffer held by each idle connection.
    /// (The minimum request body rate comes from Hoist:Limits: Admission/AdmissionServiceCollectionExtensions.cs.)
    /// </summary>
    public static IWebHostBuilder UseHoistKestrel(this IWebHostBuilder builder) =>
        builder.UseSockets(sockets => sockets.WaitForDataBeforeAllocatingBuffer = false);
}
