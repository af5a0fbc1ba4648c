namespace Likeness.Api.Problems;

/// <summary>
/// A request the API refuses, with the status and the message the user sees (problem details'
/// <c>detail</c>). Thrown by features, turned into <c>application/problem+json</c> in one place.
/// </summary>
public sealed class ApiProblem(int status, string detail, IDictionary<string, string[]>? errors = null)
    : Exception(detail)
{
    public int Status { get; } = status;
    public string Detail { get; } = detail;
    public IDictionary<string, string[]>? Errors { get; } = errors;

    /// <summary>Sent as <c>Retry-After</c> (seconds) when set.</summary>
    public TimeSpan? RetryAfter { get; init; }

    public static ApiProblem TooManyRequests(string detail, TimeSpan retryAfter) =>
        new(StatusCodes.Status429TooManyRequests, detail) { RetryAfter = retryAfter };

    public static ApiProblem BadRequest(string detail) => new(StatusCodes.Status400BadRequest, detail);
    public static ApiProblem Unauthorized(string detail) => new(StatusCodes.Status401Unauthorized, detail);
    public static ApiProblem Forbidden(string detail) => new(StatusCodes.Status403Forbidden, detail);
    public static ApiProblem NotFound(string detail) => new(StatusCodes.Status404NotFound, detail);
    public static ApiProblem Conflict(string detail) => new(StatusCodes.Status409Conflict, detail);
    public static ApiProblem PayloadTooLarge(string detail) => new(StatusCodes.Status413PayloadTooLarge, detail);
    public static ApiProblem UnsupportedMediaType(string detail) => new(StatusCodes.Status415UnsupportedMediaType, detail);
    public static ApiProblem Unprocessable(string detail) => new(StatusCodes.Status422UnprocessableEntity, detail);

    /// <summary>A 400 for one field, with the message also under <c>errors[field]</c>.</summary>
    public static ApiProblem Invalid(string field, string message) =>
        new(StatusCodes.Status400BadRequest, message, new Dictionary<string, string[]> { [field] = [message] });
}
