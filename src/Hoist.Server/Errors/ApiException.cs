namespace Hoist.Server.Errors;

/// <summary>
/// A refusal the API answers with a ProblemDetails: an HTTP status, a stable machine-readable
/// <see cref="Code"/> and a sentence for people. Thrown anywhere; turned into a response in one place
/// (<see cref="ProblemExceptionHandler"/>).
/// </summary>
public sealed class ApiException(int status, string code, string title, string? detail = null, IReadOnlyDictionary<string, object?>? extensions = null, IReadOnlyDictionary<string, string>? headers = null)
    : Exception(detail ?? title)
{
    public int Status { get; } = status;
    public string Code { get; } = code;
    public string Title { get; } = title;
    public string? Detail { get; } = detail;
    public IReadOnlyDictionary<string, object?> Extensions { get; } = extensions ?? new Dictionary<string, object?>();

    /// <summary>Response headers that belong to the refusal (e.g. Content-Range of a 416), set after the error handler clears the response.</summary>
    public IReadOnlyDictionary<string, string> Headers { get; } = headers ?? new Dictionary<string, string>();
}
