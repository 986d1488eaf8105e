using Hoist.Cli.Output;
using Spectre.Console;

namespace Hoist.Cli.Commands;

internal static class TransferViews
{
    /// <summary>JSON when asked; live bars on a terminal; plain lines (no ANSI) when the output is redirected.</summary>
    public static ITransferView For(bool json) =>
        json ? new JsonTransferView()
        : Console.IsOutputRedirected ? new PlainTransferView()
        : new LiveTransferView(AnsiConsole.Console);
}
