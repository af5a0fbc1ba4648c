namespace Likeness.Api.Problems;

public static class ProblemServiceCollectionExtensions
{
    /// <summary>Errors as RFC 9457 problem details, each with the user's message (<see cref="ProblemExceptionHandler"/>).</summary>
    public static IServiceCollection AddApiProblems(this IServiceCollection services)
    {
        services.AddProblemDetails();
        // A body that does not bind (malformed JSON) throws, so ProblemExceptionHandler answers it with a message.
        services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        services.AddExceptionHandler<ProblemExceptionHandler>();
        return services;
    }
}
