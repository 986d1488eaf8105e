namespace Hoist.Server.Errors;

/// <summary>
/// A refusal the API answers with a ProblemDetails: an HTTP status, a stable machine-readable
/// <see cref="Code"/> and a sentence for people. Thrown anywhere; turned into a response in one place
/// (<see cref="ProblemExceptionHandler"/>).
/// </summary>
public sealed class ApiException(int status, string code, string title, string? detail = null, IReadOnlyDictionary<string, object?>? extensions = null)
    : Exception(detail ?? title)
{
    public int Status { get; } = status;
    public string Code { get; } = code;
    public string Title { get; } = title;
    public string? Detail { get; } = detail;
    public IReadOnlyDictionary<string, object?> Extensions { get; } = extensions ?? new Dictionary<string, object?>();
}
