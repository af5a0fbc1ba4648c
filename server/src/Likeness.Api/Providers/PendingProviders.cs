// TEMPORARY stand-ins so the core builds before the Local and Gemini providers land. Deleted on merge.
namespace Likeness.Api.Providers
{
    public static class PendingGemini
    {
        public static IServiceCollection AddGeminiImageProvider(this IServiceCollection services, IConfiguration configuration) =>
            throw new InvalidOperationException("The Gemini provider has not landed yet.");
    }
}
