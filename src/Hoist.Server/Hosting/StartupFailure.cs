using System.Net.Sockets;
using Hoist.Server.Storage;
using Microsoft.Extensions.Options;

namespace Hoist.Server.Hosting;

/// <summary>
/// Turns a failed start into one or two plain lines that name the setting or the address and what
/// to do, and exit code 1: an operator reads the reason, not a stack trace. The trace is printed
/// too when the log level is Debug or Trace (Logging__LogLevel__Default=Debug).
/// </summary>
public static class StartupFailure
{
    public const int ExitCode = 1;

    /// <summary>Writes why the start failed to stderr and answers the exit code. Answers null for the host being stopped on purpose (tests).</summary>
    public static int? Report(Exception exception, IReadOnlyList<string> args)
    {
        if (exception.GetType().Name == "HostAbortedException")
        {
            return null;
        }
        var error = Console.Error;
        error.WriteLine($"Hoist could not start: {Explain(exception)}");
        if (WantsTrace(args))
        {
            error.WriteLine(exception.ToString());
        }
        else
        {
            error.WriteLine("(Run with Logging__LogLevel__Default=Debug to see the details.)");
        }
        return ExitCode;
    }

    /// <summary>The reason, in the operator's words.</summary>
    public static string Explain(Exception exception) => exception switch
    {
        OptionsValidationException e => string.Join(" ", e.Failures),
        StoreException { Code: StoreErrorCode.Unavailable } e => $"{e.Message} Check the store's address (Hoist:Storage:S3:ServiceUrl) and that it runs.",
        StoreException e => e.Message,
        _ when AddressInUse(exception) is { } address => $"{address} is already in use. Stop the program that listens there, or choose another address with --urls (or the Urls setting).",
        _ when exception is InvalidOperationException && exception.Message.Contains("Failed to convert configuration value", StringComparison.Ordinal) => BadValue(exception),
        AggregateException { InnerExceptions: [var only] } => Explain(only),
        System.Reflection.TargetInvocationException { InnerException: { } inner } => Explain(inner),
        _ => $"{exception.GetType().Name}: {exception.Message}",
    };

    /// <summary>A setting whose value has the wrong type: names it, and for a choice its valid values.</summary>
    private static string BadValue(Exception exception)
    {
        var message = exception.Message;
        // "Failed to convert configuration value 'Minio' at 'Hoist:Storage:Provider' to type 'Hoist.Server.Storage.StorageProvider'."
        var marker = message.LastIndexOf("to type '", StringComparison.Ordinal);
        var type = marker >= 0 ? Type.GetType(message[(marker + 9)..].TrimEnd('.', '\'')) : null;
        return type is { IsEnum: true } ? $"{message} Valid values: {string.Join(", ", Enum.GetNames(type))}." : message;
    }

    /// <summary>Kestrel's "Failed to bind to address http://127.0.0.1:5000: address already in use.": the address.</summary>
    private static string? AddressInUse(Exception exception)
    {
        for (Exception? e = exception; e is not null; e = e.InnerException)
        {
            var inUse = e is SocketException { SocketErrorCode: SocketError.AddressAlreadyInUse }
                || (e is IOException && e.Message.Contains("address already in use", StringComparison.OrdinalIgnoreCase));
            if (inUse)
            {
                const string Bind = "bind to address ";
                var start = e.Message.IndexOf(Bind, StringComparison.Ordinal);
                return start >= 0 ? e.Message[(start + Bind.Length)..].Split(": ")[0] : "The address";
            }
        }
        return null;
    }

    private static bool WantsTrace(IReadOnlyList<string> args)
    {
        static bool IsDebug(string? level) => level is not null && (level.Equals("Debug", StringComparison.OrdinalIgnoreCase) || level.Equals("Trace", StringComparison.OrdinalIgnoreCase));
        return IsDebug(Environment.GetEnvironmentVariable("Logging__LogLevel__Default"))
            || args.Any(a => a.StartsWith("--Logging:LogLevel:Default=", StringComparison.OrdinalIgnoreCase) && IsDebug(a.Split('=', 2)[1]));
    }
}
