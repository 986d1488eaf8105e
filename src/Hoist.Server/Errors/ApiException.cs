namespace Hoist.Server.Errors;

/// <summary>
/// A refusal the API answers with a ProblemDetails: one of <see cref="ApiErrors"/> (status, stable
/// <c>code</c>, title) and what happened this time (<see cref="Detail"/>, extensions, headers). Thrown
/// anywhere; turned into a response in one place (<see cref="ProblemExceptionHandler"/>).
/// </summary>
public sealed class ApiException(ApiError error, string? detail = null, IReadOnlyDictionary<string, object?>? extensions = null, IReadOnlyDictionary<string, string>? headers = null)
    : Exception(detail ?? error.Title)
{
    public ApiError Error { get; } = error;
    public int Status => Error.Status;
    public string Code => Error.Code;
    public string Title => Error.Title;
    public string? Detail { get; } = detail;
    public IReadOnlyDictionary<string, object?> Extensions { get; } = extensions ?? new Dictionary<string, object?>();

    /// <summary>Response headers that belong to the refusal (e.g. Content-Range of a 416), set after the error handler clears the response.</summary>
    public IReadOnlyDictionary<string, string> Headers { get; } = headers ?? new Dictionary<string, string>();
}
