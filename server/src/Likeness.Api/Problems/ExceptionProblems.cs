using Likeness.Api.Providers;
using Likeness.Api.Storage;

namespace Likeness.Api.Problems;

/// <summary>A problem's status, the message the user sees, and (for validation) the message per field.</summary>
public sealed record ProblemAnswer(int Status, string Detail, IDictionary<string, string[]>? Errors = null);

/// <summary>
/// What the exceptions features and engines throw answer with: one mapping, for a request
/// (<see cref="ProblemExceptionHandler"/>) and for a job that failed (<c>ImageJobErrors</c>), which stores it.
/// </summary>
public static class ExceptionProblems
{
    /// <summary>The answer to an exception the app expects, or null for anything else (a bug: the caller's 500).</summary>
    public static ProblemAnswer? For(Exception exception) => exception switch
    {
        ApiProblem problem => new(problem.Status, problem.Detail, problem.Errors),
        ImageQuotaExceededException quota => new(StatusCodes.Status429TooManyRequests, quota.UserMessage),
        ImageRequestDeclinedException declined => new(StatusCodes.Status422UnprocessableEntity, declined.Message),
        _ when StorageFullException.Caused(exception) => new(StatusCodes.Status507InsufficientStorage, StorageFullException.Detail),
        ImageProviderFailedException => new(StatusCodes.Status500InternalServerError, ProblemExceptionHandler.ImageGenerationFailed),
        _ => null,
    };

    /// <summary>The <c>Retry-After</c> (seconds) the answer carries, if any.</summary>
    public static int? RetryAfterSeconds(Exception exception) => exception switch
    {
        ImageQuotaExceededException quota => Seconds(quota.RetryAfter),
        ApiProblem { RetryAfter: { } wait } => Seconds(wait),
        _ => null,
    };

    private static int Seconds(TimeSpan wait) => Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds));
}
