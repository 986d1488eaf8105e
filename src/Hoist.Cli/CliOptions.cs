using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using System.Text.RegularExpressions;
using Hoist.Client;

namespace Hoist.Cli;

/// <summary>The options several commands share, with their environment fallbacks and checks.</summary>
internal static partial class CliOptions
{
    public const string ServerVariable = "HOIST_SERVER";
    public const string TokenVariable = "HOIST_TOKEN";

    public static Option<string?> Server(bool required = true)
    {
        var option = new Option<string?>("--server", "-s")
        {
            Description = $"The Hoist server's URL, e.g. http://127.0.0.1:5000 (or {ServerVariable}).",
            HelpName = "URL",
            DefaultValueFactory = _ => Environment.GetEnvironmentVariable(ServerVariable) is { Length: > 0 } value ? value : null,
        };
        option.Validators.Add(result =>
        {
            var value = result.GetValueOrDefault<string?>();
            if (value is null)
            {
                if (required)
                {
                    result.AddError($"Name the server: --server URL, or set {ServerVariable}.");
                }
            }
            else if (ParseServer(value) is null)
            {
                result.AddError($"'{value}' is not an http:// or https:// URL.");
            }
        });
        return option;
    }

    public static Option<string?> Token() => new("--token", "-t")
    {
        Description = $"A bearer token for the server (or {TokenVariable}).",
        HelpName = "TOKEN",
    };

    /// <summary>The token given, else HOIST_TOKEN's (read here, not as the option's default: help would print it).</summary>
    public static string? TokenOf(ParseResult parse, Option<string?> token) =>
        parse.GetValue(token) ?? (Environment.GetEnvironmentVariable(TokenVariable) is { Length: > 0 } value ? value : null);

    public static Option<bool> Json() => new("--json")
    {
        Description = "Print one JSON document per line for each finished item, and nothing else on standard output.",
    };

    public static Option<string> State() => new("--state")
    {
        Description = "The file that records uploads in progress, so that `hoist resume` can finish them.",
        HelpName = "PATH",
        DefaultValueFactory = _ => Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".hoist", "uploads.json"),
    };

    public static Option<int> Parallel() => Range(new Option<int>("--parallel", "-p")
    {
        Description = "Parts of one file sent at the same time.",
        HelpName = "N",
        DefaultValueFactory = _ => 4,
    }, 1, 64);

    public static Option<int> Files() => Range(new Option<int>("--files", "-f")
    {
        Description = "Files uploaded at the same time. Memory stays under files x parallel x part size.",
        HelpName = "M",
        DefaultValueFactory = _ => 4,
    }, 1, 64);

    public static Option<long?> LimitRate() => new("--limit-rate")
    {
        Description = "Send at most this many bytes per second, all files together (suffixes K, M, G: 20M).",
        HelpName = "RATE",
        CustomParser = result =>
        {
            var text = result.Tokens.Single().Value;
            if (ParseSize(text) is { } bytes and > 0)
            {
                return bytes;
            }
            result.AddError($"--limit-rate: '{text}' is not a rate such as 500K, 20M or 1G.");
            return null;
        },
    };

    public static Option<bool> NoDirect() => new("--no-direct")
    {
        Description = "Send every part through the Hoist server even when it offers direct mode (parts PUT straight to the store through presigned URLs).",
    };

    public static Option<bool> Sha256() => new("--sha256")
    {
        Description = "Also print each file's SHA-256 as sha256sum does (one more hash of every byte; the upload is verified end to end without it).",
    };

    /// <summary>The default of --retry-for: the client library's.</summary>
    public static readonly TimeSpan DefaultRetryFor = new RetryOptions().RetryFor;

    public static Option<TimeSpan> RetryFor() => new("--retry-for")
    {
        Description = "How long a failed request is retried (a server restart, a store outage) before the file is given up, " +
            "resumable: seconds (90), or numbers with units ms, s, m, h, d (45s, 5m, 1h30m); 0 does not retry.",
        HelpName = "DURATION",
        DefaultValueFactory = _ => DefaultRetryFor,
        CustomParser = result =>
        {
            var text = result.Tokens.Single().Value;
            if (ParseDuration(text) is { } duration)
            {
                return duration;
            }
            result.AddError($"--retry-for: '{text}' is not a duration such as 90, 45s, 5m or 1h30m (at most 7d).");
            return DefaultRetryFor;
        },
    };

    /// <summary>
    /// A duration: a number of seconds ("90", "2.5"), or numbers each followed by a unit, largest first
    /// or not ("500ms", "45s", "5m", "1h30m", "1d"); at most 7 days. Null when it is none of these.
    /// </summary>
    public static TimeSpan? ParseDuration(string text)
    {
        text = text.Trim().ToLowerInvariant();
        if (double.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var bare))
        {
            return Within(TimeSpan.FromSeconds(bare));
        }
        var match = DurationPattern().Match(text);
        if (!match.Success)
        {
            return null;
        }
        var total = TimeSpan.Zero;
        for (var i = 0; i < match.Groups["n"].Captures.Count; i++)
        {
            var number = double.Parse(match.Groups["n"].Captures[i].Value, CultureInfo.InvariantCulture);
            total += match.Groups["u"].Captures[i].Value switch
            {
                "ms" => TimeSpan.FromMilliseconds(number),
                "s" => TimeSpan.FromSeconds(number),
                "m" => TimeSpan.FromMinutes(Math.Min(number, 1e6)),
                "h" => TimeSpan.FromHours(Math.Min(number, 1e5)),
                _ => TimeSpan.FromDays(Math.Min(number, 1e4)),
            };
        }
        return Within(total);

        static TimeSpan? Within(TimeSpan duration) => duration >= TimeSpan.Zero && duration <= TimeSpan.FromDays(7) ? duration : null;
    }

    [GeneratedRegex(@"^(?:(?<n>\d+(?:\.\d+)?)(?<u>ms|s|m|h|d))+$")]
    private static partial Regex DurationPattern();

    public static Uri? ParseServer(string value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps) ? uri : null;

    /// <summary>A client over an HttpClient of its own: no overall timeout (each try has one), connections refreshed now and then.</summary>
    public static HoistClient CreateClient(Uri server, string? token, TimeSpan retryFor, long? bytesPerSecond = null, bool allowDirect = true) =>
        new(new HttpClient(new SocketsHttpHandler
        {
            ConnectTimeout = TimeSpan.FromSeconds(15),
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        })
        {
            Timeout = Timeout.InfiniteTimeSpan,
        }, new HoistClientOptions
        {
            ServerUrl = server,
            Token = token,
            MaxBytesPerSecond = bytesPerSecond,
            Retry = new RetryOptions { RetryFor = retryFor },
            AllowDirect = allowDirect,
        });

    private static Option<int> Range(Option<int> option, int min, int max)
    {
        option.Validators.Add(result =>
        {
            var value = result.GetValueOrDefault<int>();
            if (value < min || value > max)
            {
                result.AddError($"{option.Name} must be from {min} to {max}; {value.ToString(CultureInfo.InvariantCulture)} is not.");
            }
        });
        return option;
    }

    private static long? ParseSize(string text)
    {
        text = text.Trim();
        var multiplier = 1L;
        if (text.Length > 0 && char.IsAsciiLetter(text[^1]))
        {
            multiplier = char.ToUpperInvariant(text[^1]) switch
            {
                'K' => 1024L,
                'M' => 1024L * 1024,
                'G' => 1024L * 1024 * 1024,
                _ => 0,
            };
            text = text[..^1];
        }
        return multiplier > 0 && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) && number > 0
            ? (long)(number * multiplier)
            : null;
    }
}
