using Hoist.Client;

namespace Hoist.Cli.Output;

/// <summary>How a file's parts travelled in direct mode (docs/api.md): straight to the store, or some through Hoist after the store could not be reached.</summary>
internal static class DirectNote
{
    /// <summary>"sent directly to the store", "2 of 5 parts sent directly, 3 through Hoist (reason)", or null when the upload was not direct.</summary>
    public static string? Of(UploadResult result)
    {
        if (result.DirectFallback is { } reason)
        {
            return $"{result.PartsSentDirect} of {result.PartsSent} parts sent directly, {result.PartsSent - result.PartsSentDirect} through Hoist (the store could not be reached: {reason})";
        }
        return result.PartsSentDirect > 0 ? "sent directly to the store" : null;
    }
}
