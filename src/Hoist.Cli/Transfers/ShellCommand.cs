namespace Hoist.Cli.Transfers;

/// <summary>hoist command lines to print for people to copy: arguments quoted for a POSIX shell when they need it.</summary>
internal static class ShellCommand
{
    public static string Quote(string argument) =>
        argument.Length > 0 && argument.All(c => char.IsAsciiLetterOrDigit(c) || "-_./:=@%+,".Contains(c))
            ? argument
            : "'" + argument.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

    /// <summary>`hoist resume [target] --server URL [--state PATH]`: finishes one upload (or all of a server's, without a target).</summary>
    public static string Resume(string? target, Uri server, string statePath, bool stateIsDefault) =>
        "hoist resume" + (target is null ? "" : " " + Quote(target)) + " --server " + Quote(server.OriginalString) + (stateIsDefault ? "" : " --state " + Quote(statePath));

    /// <summary>`hoist upload PATH --server URL`: starts the file over.</summary>
    public static string Upload(string path, Uri server) => $"hoist upload {Quote(path)} --server {Quote(server.OriginalString)}";
}
