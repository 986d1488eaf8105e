using System.Globalization;

namespace Hoist.Bench;

/// <summary>"--name value" and bare "--flag" arguments, read by name.</summary>
internal sealed class BenchArgs
{
    private readonly Dictionary<string, string?> _values = new(StringComparer.Ordinal);

    public static BenchArgs Parse(IEnumerable<string> args)
    {
        var parsed = new BenchArgs();
        string? name = null;
        foreach (var arg in args)
        {
            if (arg.StartsWith("--", StringComparison.Ordinal))
            {
                if (name is not null)
                {
                    parsed._values[name] = null;
                }
                name = arg[2..];
            }
            else if (name is not null)
            {
                parsed._values[name] = arg;
                name = null;
            }
            else
            {
                throw new BenchArgsException($"Unexpected argument '{arg}'.");
            }
        }
        if (name is not null)
        {
            parsed._values[name] = null;
        }
        return parsed;
    }

    public bool Flag(string name) => _values.ContainsKey(name);

    public string? Optional(string name) => _values.TryGetValue(name, out var value) ? value : null;

    public string Required(string name) =>
        Optional(name) ?? throw new BenchArgsException($"--{name} is required.");

    public int Int(string name, int fallback) =>
        Optional(name) is { } text ? int.Parse(text, CultureInfo.InvariantCulture) : fallback;

    public long Size(string name, long fallback) =>
        Optional(name) is { } text ? Sizes.Parse(text) : fallback;
}

internal sealed class BenchArgsException(string message) : Exception(message);
