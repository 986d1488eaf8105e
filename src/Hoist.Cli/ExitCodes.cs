namespace Hoist.Cli;

/// <summary>What `hoist` tells the shell.</summary>
internal static class ExitCodes
{
    public const int Success = 0;

    /// <summary>Some file (or request) failed; the others went through.</summary>
    public const int Failed = 1;

    /// <summary>The command line is wrong: nothing was attempted.</summary>
    public const int Usage = 2;

    /// <summary>Stopped by Ctrl-C or SIGTERM (128 + SIGINT, as shells expect); what was in progress can be resumed.</summary>
    public const int Interrupted = 130;
}
