using Hoist.Client;

namespace Hoist.Cli.Transfers;

/// <summary>
/// `hoist get PREFIX/`: every stored file under a folder key (a folder upload's <c>owner/…/id/</c>, or any
/// deeper folder) written under a local folder at its path below the prefix, so the tree comes back as it
/// was uploaded. A key is only ever written inside the target folder: one whose rest has an empty, <c>.</c>
/// or <c>..</c> segment, a backslash or a NUL (which no Hoist key template makes, but a store may hold), or
/// one that would pass through a symbolic link, refuses the whole download before anything is written.
/// </summary>
internal static class FolderDownload
{
    /// <summary>The files under <paramref name="prefix"/> and where each goes under <paramref name="root"/>; throws <see cref="UnsafeKeyException"/> for a key that would leave it.</summary>
    public static async Task<IReadOnlyList<(StoredFile File, string LocalPath)>> PlanAsync(HoistClient client, string prefix, string root, CancellationToken cancellationToken)
    {
        var plan = new List<(StoredFile, string)>();
        await foreach (var file in client.ListFilesAsync(prefix, cancellationToken))
        {
            if (!file.Key.StartsWith(prefix, StringComparison.Ordinal))
            {
                continue;
            }
            plan.Add((file, LocalPath(root, file.Key[prefix.Length..]) ?? throw new UnsafeKeyException(file.Key, root)));
        }
        return plan;
    }

    /// <summary>Where the key's rest <paramref name="relative"/> goes under <paramref name="root"/>, or null when it would not stay inside it.</summary>
    public static string? LocalPath(string root, string relative)
    {
        var segments = relative.Split('/');
        if (segments.Any(s => s is "" or "." or ".." || s.Contains('\\', StringComparison.Ordinal) || s.Contains('\0', StringComparison.Ordinal)
            || (OperatingSystem.IsWindows() && s.Contains(':', StringComparison.Ordinal))))
        {
            return null;
        }
        var top = Path.TrimEndingDirectorySeparator(Path.GetFullPath(root));
        var full = Path.GetFullPath(Path.Combine([top, .. segments]));
        if (!full.StartsWith(top + Path.DirectorySeparatorChar, StringComparison.Ordinal))
        {
            return null;
        }
        // A folder already there as a symbolic link would carry the write elsewhere.
        for (var folder = Path.GetDirectoryName(full); folder is not null && folder.Length > top.Length; folder = Path.GetDirectoryName(folder))
        {
            if (new DirectoryInfo(folder).LinkTarget is not null)
            {
                return null;
            }
        }
        return full;
    }
}

/// <summary>A listed key that cannot be written inside the target folder.</summary>
internal sealed class UnsafeKeyException(string key, string root)
    : Exception($"{key}: not written, its path would leave {Path.GetFullPath(root)}; nothing was downloaded.")
{
    public string Key => key;
}
