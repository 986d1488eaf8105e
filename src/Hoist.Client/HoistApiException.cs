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
        : base(detail is null ? $"{title} ({code}, HTTP {(int)statusCode})" : $"{title} {detail} ({code}, HTTP {(int)statusCode})")
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

    /// <summary>True when the upload no longer exists on the server (aborted, expired or never created): resuming it is impossible.</summary>
    public bool IsUploadGone => Code is "upload_not_found" or "upload_expired";
}
