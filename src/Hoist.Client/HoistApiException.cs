using Hoist.Wire;
using System.Net;

namespace Hoist.Client;

/// <summary>The server refused a request: its HTTP status and the stable <c>code</c> of its ProblemDetails answer.</summary>
public sealed class HoistApiException : Exception
{
    /// <summary>Creates the exception for one refusal.</summary>
    /// <param name="statusCode">The HTTP status.</param>
    /// <param name="code">The ProblemDetails <c>code</c> (e.g. <c>upload_not_found</c>), or <c>http_NNN</c> when the answer had none.</param>
    /// <param name="title">The server's sentence.</param>
    /// <param name="detail">The server's details, if any.</param>
    public HoistApiException(HttpStatusCode statusCode, string code, string title, string? detail)
        : this(statusCode, code, title, detail, null)
    {
    }

    private HoistApiException(HttpStatusCode statusCode, string code, string title, string? detail, string? suffix)
        : base((detail is null ? $"{title} ({code}, HTTP {(int)statusCode})" : $"{title} {detail} ({code}, HTTP {(int)statusCode})") + (suffix is null ? "" : " " + suffix))
    {
        StatusCode = statusCode;
        Code = code;
        Title = title;
        Detail = detail;
    }

    /// <summary>The HTTP status of the answer.</summary>
    public HttpStatusCode StatusCode { get; }

    /// <summary>The stable machine-readable reason, e.g. <c>upload_not_found</c>, <c>upload_expired</c>, <c>checksum_mismatch</c>.</summary>
    public string Code { get; }

    /// <summary>A sentence for people.</summary>
    public string Title { get; }

    /// <summary>More about this occurrence, if the server said more.</summary>
    public string? Detail { get; }

    /// <summary>The file does not exist for the caller (<c>file_not_found</c>: missing, deleted, or another owner's).</summary>
    public bool IsFileNotFound => Code is ErrorCodes.FileNotFound;

    /// <summary>True when the upload no longer exists on the server (aborted, expired or never created): resuming it is impossible.</summary>
    public bool IsUploadGone => Code is ErrorCodes.UploadNotFound or ErrorCodes.UploadExpired;

    /// <summary>
    /// True when the server does not accept the upload id at all: not signed with any key it knows
    /// (<c>upload_id_forged</c>: its signing key changed, or the id is another server's), from an
    /// incompatible version (<c>upload_id_unsupported</c>), or not an id (<c>upload_id_malformed</c>).
    /// Like <see cref="IsUploadGone"/>, the upload cannot be resumed or aborted through this server.
    /// </summary>
    public bool IsUploadIdRefused => Code is ErrorCodes.UploadIdForged or ErrorCodes.UploadIdUnsupported or ErrorCodes.UploadIdMalformed;

    /// <summary>True when the upload is already complete (<c>upload_completed</c>): its file is stored, nothing more can be sent to it.</summary>
    public bool IsUploadCompleted => Code == ErrorCodes.UploadCompleted;

    /// <summary>True for a temporary refusal (5xx, 408, 429), which the client retries: thrown, it means the retries ran out.</summary>
    public bool IsTransient => Http.RequestSender.IsTransient(StatusCode);

    /// <summary>How many times the request was tried (1 unless a temporary refusal was retried until the retries ran out).</summary>
    public int Tries { get; private init; } = 1;

    /// <summary>How long the request was retried after its first failure (zero when it was not retried).</summary>
    public TimeSpan RetriedFor { get; private init; }

    internal HoistApiException AfterRetries(int tries, TimeSpan retriedFor, string suffix) =>
        new(StatusCode, Code, Title, Detail, suffix) { Tries = tries, RetriedFor = retriedFor };
}
