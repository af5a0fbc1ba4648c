using Likeness.Api.Providers;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;

namespace Likeness.Api.Problems;

/// <summary>Turns the exceptions features throw into RFC 9457 problem details with the user's message.</summary>
public sealed class ProblemExceptionHandler(IProblemDetailsService problemDetails, ILogger<ProblemExceptionHandler> logger)
    : IExceptionHandler
{
    public const string ImageGenerationFailed = "Image generation failed. Please try again.";

    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
    {
        var (status, detail, errors) = exception switch
        {
            BadHttpRequestException b => new ProblemAnswer(b.StatusCode, BadRequestDetail(b)),
            OperationCanceledException when context.RequestAborted.IsCancellationRequested => new(499, "The request was cancelled."),
            _ => ExceptionProblems.For(exception) ?? new(StatusCodes.Status500InternalServerError, "Something went wrong on the server."),
        };

        if (exception is ImageQuotaExceededException)
            logger.LogWarning("The image model's quota is used up: {Reason}", exception.Message);
        else if (exception is ImageProviderFailedException)
            logger.LogError(exception, "Image provider failed: {Reason}", exception.Message);
        else if (exception is ApiProblem || status == StatusCodes.Status507InsufficientStorage)
        {
            // Raised on purpose (a job's failure) or a full disk: an answer the client can act on, not a bug.
            if (status >= 500)
                logger.LogWarning(exception, "{Method} {Path} answered {Status}: {Detail}", context.Request.Method, context.Request.Path, status, detail);
        }
        else if (status >= 500 && status != 499)
            logger.LogError(exception, "Unhandled exception on {Method} {Path}", context.Request.Method, context.Request.Path);

        if (context.RequestAborted.IsCancellationRequested)
            return true;

        context.Response.StatusCode = status;
        if (ExceptionProblems.RetryAfterSeconds(exception) is { } retryAfter)
            context.Response.Headers.RetryAfter = retryAfter.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var problem = errors is null
            ? new ProblemDetails { Status = status, Detail = detail }
            : new ValidationProblemDetails(errors) { Status = status, Detail = detail };
        return await problemDetails.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = problem,
            Exception = exception,
        });
    }

    private static string BadRequestDetail(BadHttpRequestException exception) => exception switch
    {
        { InnerException: System.Text.Json.JsonException } => "The request body is not valid JSON for this endpoint.",
        { StatusCode: StatusCodes.Status413PayloadTooLarge } => Security.SecurityProblems.BodyTooLarge,
        { StatusCode: StatusCodes.Status415UnsupportedMediaType } => "Send the request body as application/json.",
        // The framework's words for an absent body: "... was not provided from body." / "... but no body was provided."
        _ when exception.Message.Contains("from body", StringComparison.Ordinal)
            || exception.Message.Contains("no body was provided", StringComparison.Ordinal) => "This endpoint needs a JSON body.",
        _ => "The request is malformed.",
    };
}
