using System.Globalization;
using Hoist.Cli.Output;
using Spectre.Console;

namespace Hoist.Cli.Commands;

internal static class TransferViews
{
    /// <summary>JSON when asked; live bars on a terminal; plain lines (no ANSI) when the output is redirected.</summary>
    public static ITransferView For(bool json) =>
        json ? new JsonTransferView()
        : Console.IsOutputRedirected ? new PlainTransferView()
        : new LiveTransferView(Terminal());

    /// <summary>The terminal, as wide as COLUMNS says when it is set (as shells and `script` do), else as the terminal reports.</summary>
    private static IAnsiConsole Terminal()
    {
        var console = AnsiConsole.Console;
        if (int.TryParse(Environment.GetEnvironmentVariable("COLUMNS"), NumberStyles.None, CultureInfo.InvariantCulture, out var columns) && columns is >= 20 and <= 1000)
        {
            console.Profile.Width = columns;
        }
        return console;
    }
}
