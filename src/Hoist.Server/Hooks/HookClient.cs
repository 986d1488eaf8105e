using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Hoist.Server.Errors;
using Microsoft.Extensions.Options;

namespace Hoist.Server.Hooks;

/// <summary>
/// Calls the HTTP hooks: pre-create (asked before an upload is created; only a 2xx creates it) and
/// one delivery of a post-finish event (signed with HMAC-SHA256 of its body).
/// </summary>
public sealed partial class HookClient : IDisposable
{
    public const string SignatureHeader = "Hoist-Signature";
    public const string EventIdHeader = "Hoist-Event-Id";
    public const string EventTypeHeader = "Hoist-Event";

    /// <summary>The most of a hook's answer Hoist reads.</summary>
    public const int MaxAnswerBytes = 16 * 1024;

    /// <summary>The most of a refusing hook's message passed on to the client.</summary>
    public const int MaxMessageChars = 1024;

    /// <summary>Metadata a pre-create hook may add: at most this many names, values and bytes.</summary>
    public const int MaxMetadataEntries = 16;
    public const int MaxMetadataValueChars = 256;
    /// <summary>With the escaped original name (at most 1024 bytes) and its name, under S3's 2 KB of user metadata.</summary>
    public const int MaxMetadataBytes = 1000;

    private const string RetryAfterSeconds = "5";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private readonly HookOptions _options;
    private readonly HttpClient _http;
    private readonly ILogger<HookClient> _logger;

    public HookClient(IOptions<HookOptions> options, ILogger<HookClient> logger)
    {
        _options = options.Value;
        _logger = logger;
        _http = new HttpClient(new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseCookies = false,
            ConnectTimeout = _options.Timeout,
            PooledConnectionLifetime = TimeSpan.FromMinutes(2),
        })
        {
            Timeout = System.Threading.Timeout.InfiniteTimeSpan,
        };
    }

    public bool HasPreCreate => !string.IsNullOrWhiteSpace(_options.PreCreateUrl);

    /// <summary>
    /// Asks the pre-create hook. Answers the metadata it adds (empty when none); throws
    /// <see cref="ApiErrors.RejectedByHook"/> on a 4xx and <see cref="ApiErrors.HookUnavailable"/> when it
    /// is down, slow, answers 5xx (or anything else but 2xx) or answers metadata Hoist cannot keep.
    /// </summary>
    public async Task<IReadOnlyDictionary<string, string>> PreCreateAsync(string owner, string fileName, long size, string contentType, CancellationToken cancellationToken)
    {
        var body = JsonSerializer.SerializeToUtf8Bytes(new { owner, fileName, size, contentType }, Json);
        using var request = new HttpRequestMessage(HttpMethod.Post, _options.PreCreateUrl) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.Add(EventTypeHeader, "pre-create");
        if (!string.IsNullOrEmpty(_options.SigningKey))
        {
            request.Headers.Add(SignatureHeader, Sign(body));
        }
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.Timeout);
        HttpStatusCode status;
        byte[] answer;
        string? mediaType;
        try
        {
            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            status = response.StatusCode;
            mediaType = response.Content.Headers.ContentType?.MediaType;
            answer = await ReadBoundedAsync(response.Content, timeout.Token);
        }
        catch (Exception e) when (e is HttpRequestException or IOException || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            LogPreCreateFailed(e.GetType().Name, e.Message);
            throw Unavailable("The pre-create hook did not answer.");
        }

        var code = (int)status;
        if (code is >= 200 and < 300)
        {
            return ReadMetadata(answer, mediaType);
        }
        if (code is >= 400 and < 500)
        {
            var message = MessageOf(answer, mediaType);
            throw ApiErrors.RejectedByHook.With(message, new Dictionary<string, object?> { ["hookStatus"] = code });
        }
        LogPreCreateAnswered(code);
        throw Unavailable($"The pre-create hook answered {code}.");
    }

    /// <summary>One delivery attempt of a recorded post-finish event: true on a 2xx answer.</summary>
    public async Task<bool> DeliverAsync(string eventId, byte[] body, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, _options.PostFinishUrl) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.Add(EventTypeHeader, UploadFinished.PostFinish);
        request.Headers.Add(EventIdHeader, eventId);
        request.Headers.Add(SignatureHeader, Sign(body));
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.Timeout);
        try
        {
            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            var ok = response.IsSuccessStatusCode;
            if (!ok)
            {
                LogDeliveryAnswered(eventId, (int)response.StatusCode);
            }
            return ok;
        }
        catch (Exception e) when (e is HttpRequestException or IOException || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            LogDeliveryFailed(eventId, e.GetType().Name, e.Message);
            return false;
        }
    }

    /// <summary>"sha256=" and the hex HMAC-SHA256 of the body under Hoist:Hooks:SigningKey.</summary>
    public string Sign(byte[] body) =>
        "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(_options.SigningKey ?? ""), body));

    private static ApiException Unavailable(string detail) =>
        ApiErrors.HookUnavailable.With(detail, null, new Dictionary<string, string> { ["Retry-After"] = RetryAfterSeconds });

    private static async Task<byte[]> ReadBoundedAsync(HttpContent content, CancellationToken cancellationToken)
    {
        await using var stream = await content.ReadAsStreamAsync(cancellationToken);
        var buffer = new byte[MaxAnswerBytes];
        var read = 0;
        while (read < buffer.Length && await stream.ReadAsync(buffer.AsMemory(read), cancellationToken) is > 0 and var n)
        {
            read += n;
        }
        return buffer[..read];
    }

    /// <summary>The refusing hook's words: its ProblemDetails detail (or title), else its text; bounded, control characters dropped.</summary>
    private static string MessageOf(byte[] answer, string? mediaType)
    {
        string? message = null;
        if (mediaType is not null && mediaType.Contains("json", StringComparison.OrdinalIgnoreCase))
        {
            try
            {
                using var document = JsonDocument.Parse(answer);
                if (document.RootElement.ValueKind == JsonValueKind.Object)
                {
                    message = Text(document.RootElement, "detail") ?? Text(document.RootElement, "title") ?? Text(document.RootElement, "message");
                }
            }
            catch (JsonException)
            {
            }
        }
        else if (mediaType is null || mediaType.StartsWith("text/", StringComparison.OrdinalIgnoreCase))
        {
            message = Encoding.UTF8.GetString(answer);
        }
        message = new string((message ?? "").Where(c => !char.IsControl(c) || c == ' ').ToArray()).Trim();
        if (message.Length > MaxMessageChars)
        {
            message = message[..MaxMessageChars];
        }
        return message.Length > 0 ? message : ApiErrors.RejectedByHook.Title;
    }

    private static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 } text ? text : null;

    /// <summary>
    /// The metadata a 2xx answer adds: <c>{"metadata": {"name": "value"}}</c>, or nothing (an empty or
    /// non-JSON answer). Names are 1-64 of a-z, 0-9 and '-' (not Hoist's own), values printable ASCII;
    /// anything else makes the answer unusable, and the upload is not created.
    /// </summary>
    private IReadOnlyDictionary<string, string> ReadMetadata(byte[] answer, string? mediaType)
    {
        var none = new Dictionary<string, string>();
        if (answer.Length == 0 || mediaType is null || !mediaType.Contains("json", StringComparison.OrdinalIgnoreCase))
        {
            return none;
        }
        if (answer.Length >= MaxAnswerBytes)
        {
            throw Refused("its answer is longer than 16 KiB");
        }
        JsonElement root;
        try
        {
            using var document = JsonDocument.Parse(answer);
            root = document.RootElement.Clone();
        }
        catch (JsonException)
        {
            throw Refused("its answer is not JSON");
        }
        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("metadata", out var metadata) || metadata.ValueKind == JsonValueKind.Null)
        {
            return none;
        }
        if (metadata.ValueKind != JsonValueKind.Object)
        {
            throw Refused("metadata is not an object");
        }
        var added = new Dictionary<string, string>(StringComparer.Ordinal);
        var bytes = 0;
        foreach (var entry in metadata.EnumerateObject())
        {
            var name = entry.Name;
            if (!MetadataName().IsMatch(name) || name == Uploads.UploadService.OriginalNameMetadata)
            {
                throw Refused($"the metadata name '{Truncate(name)}' is not allowed (1-64 of a-z, 0-9, '-'; not '{Uploads.UploadService.OriginalNameMetadata}')");
            }
            if (entry.Value.ValueKind != JsonValueKind.String || entry.Value.GetString() is not { } value
                || value.Length > MaxMetadataValueChars || !value.All(c => c is >= ' ' and <= '~'))
            {
                throw Refused($"the value of '{name}' is not a string of at most {MaxMetadataValueChars} printable ASCII characters");
            }
            added[name] = value;
            bytes += name.Length + value.Length;
        }
        if (added.Count > MaxMetadataEntries || bytes > MaxMetadataBytes)
        {
            throw Refused($"it adds more than {MaxMetadataEntries} names or {MaxMetadataBytes} bytes of metadata");
        }
        return added;
    }

    private ApiException Refused(string why)
    {
        LogBadMetadata(why);
        return Unavailable("The pre-create hook answered metadata this server cannot keep.");
    }

    private static string Truncate(string s) => s.Length > 64 ? s[..64] + "..." : s;

    public void Dispose() => _http.Dispose();

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{0,63}$")]
    private static partial Regex MetadataName();

    [LoggerMessage(LogLevel.Warning, "The pre-create hook did not answer ({Error}: {Message}); creates are refused as hook_unavailable")]
    private partial void LogPreCreateFailed(string error, string message);

    [LoggerMessage(LogLevel.Warning, "The pre-create hook answered {Status}; the create is refused as hook_unavailable")]
    private partial void LogPreCreateAnswered(int status);

    [LoggerMessage(LogLevel.Warning, "The pre-create hook's answer is not usable: {Why}; the create is refused as hook_unavailable")]
    private partial void LogBadMetadata(string why);

    [LoggerMessage(LogLevel.Information, "The post-finish hook answered {Status} to event {EventId}; it will be sent again")]
    private partial void LogDeliveryAnswered(string eventId, int status);

    [LoggerMessage(LogLevel.Information, "The post-finish hook did not take event {EventId} ({Error}: {Message}); it will be sent again")]
    private partial void LogDeliveryFailed(string eventId, string error, string message);
}
