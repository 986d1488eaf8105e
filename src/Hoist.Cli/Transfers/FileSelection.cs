namespace Hoist.Cli.Transfers;

/// <summary>
/// The files named on the command line: a file as itself, a folder recursively with each file named
/// by its path from the folder's parent ("photos/2024/a.jpg"), so the object keeps where it came from;
/// the files of one folder share a <see cref="FolderGroup"/>, so their keys share one id.
/// </summary>
internal static class FileSelection
{
    private static readonly EnumerationOptions Recursive = new()
    {
        RecurseSubdirectories = true,
        AttributesToSkip = FileAttributes.None,
        IgnoreInaccessible = false,
        ReturnSpecialDirectories = false,
    };

    public static IReadOnlyList<TransferJob> Expand(IEnumerable<string> paths, Uri server)
    {
        var jobs = new List<TransferJob>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var given in paths)
        {
            var full = Path.GetFullPath(given);
            if (Directory.Exists(full))
            {
                var folder = Path.TrimEndingDirectorySeparator(full);
                var root = Path.GetDirectoryName(folder) ?? folder;
                var group = new FolderGroup();
                foreach (var file in Directory.EnumerateFiles(folder, "*", Recursive).Order(StringComparer.Ordinal))
                {
                    var info = new FileInfo(file);
                    // Regular files only: a device has no size to plan parts with, and a link may lead out of the folder or loop.
                    if (seen.Add(file) && (info.Attributes & (FileAttributes.Device | FileAttributes.ReparsePoint)) == 0)
                    {
                        jobs.Add(JobFor(info, Path.GetRelativePath(root, file).Replace(Path.DirectorySeparatorChar, '/'), server) with { Folder = group });
                    }
                }
            }
            else if (seen.Add(full))
            {
                jobs.Add(JobFor(new FileInfo(full), Path.GetFileName(full), server));
            }
        }
        return jobs;
    }

    private static TransferJob JobFor(FileInfo file, string name, Uri server) =>
        new(file.FullName, name, file.Length, file.LastWriteTimeUtc, server);
}
