using System.CommandLine;
using System.CommandLine.Parsing;

namespace Hoist.Cli;

/// <summary>
/// A mistyped option or command, found before anything else is said about the command line: the parser alone
/// takes `--paralel` for a file name ("--paralel: no such file or folder"), and a mistyped command for an argument.
/// </summary>
internal static class UnknownWords
{
    /// <summary>What to say about the first unknown option or command (with the nearest known one), or null when there is none.</summary>
    public static string? FindUnknownOption(ParseResult parse)
    {
        var command = parse.CommandResult.Command;
        var path = "hoist" + (command is RootCommand ? "" : " " + command.Name);
        var end = parse.Tokens.ToList().FindIndex(t => t.Type == TokenType.DoubleDash);
        bool BeforeDoubleDash(Token token)
        {
            var index = parse.Tokens.ToList().IndexOf(token);
            return end < 0 || index < end;
        }

        var words = parse.CommandResult.Children.OfType<ArgumentResult>().SelectMany(a => a.Tokens).Where(BeforeDoubleDash).Select(t => t.Value)
            .Concat(parse.UnmatchedTokens)
            .ToList();
        if (command is RootCommand && words.FirstOrDefault() is { } first && !first.StartsWith('-'))
        {
            // No command matched: the first word was meant as one (what follows it belongs to that command).
            return $"unknown command '{first}'.{Suggest(first, command.Subcommands.Where(c => !c.Hidden).Select(c => c.Name))}";
        }
        foreach (var word in words)
        {
            if (word.Length > 1 && word[0] == '-' && !char.IsAsciiDigit(word[1]))
            {
                var name = word.Split('=', 2)[0];
                var known = command.Options.Concat(parse.RootCommandResult.Command.Options.Where(o => o.Recursive))
                    .Where(o => !o.Hidden)
                    .SelectMany(o => o.Aliases.Prepend(o.Name))
                    .Where(n => n.StartsWith("--", StringComparison.Ordinal));
                return $"unknown option '{name}' for '{path}'.{Suggest(name, known)}";
            }
        }
        return null;
    }

    private static string Suggest(string word, IEnumerable<string> known)
    {
        var nearest = known.Distinct().Select(k => (Name: k, Distance: Distance(word.ToLowerInvariant(), k)))
            .OrderBy(k => k.Distance).ThenBy(k => k.Name, StringComparer.Ordinal).FirstOrDefault();
        return nearest.Name is not null && nearest.Distance <= Math.Max(2, word.Length / 3) ? $" Did you mean '{nearest.Name}'?" : "";
    }

    /// <summary>Levenshtein distance, with a swap of two neighbours counted as one edit.</summary>
    internal static int Distance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (var i = 0; i <= a.Length; i++)
        {
            d[i, 0] = i;
        }
        for (var j = 0; j <= b.Length; j++)
        {
            d[0, j] = j;
        }
        for (var i = 1; i <= a.Length; i++)
        {
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                {
                    d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
                }
            }
        }
        return d[a.Length, b.Length];
    }
}
