using System.Net;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using Polly;
using Polly.Retry;
using Likeness.Api.Providers.Gemini;
using Polly.Timeout;

// In the namespace of IImageProvider, where ImageProviderServiceCollectionExtensions calls it.
namespace Likeness.Api.Providers;

public static class GeminiServiceCollectionExtensions
{
    /// <summary>Statuses worth another attempt. 400, 403, 404 and the rest mean the request itself is wrong.</summary>
    private static readonly HashSet<HttpStatusCode> RetriedStatuses =
    [
        HttpStatusCode.TooManyRequests,        // 429 RESOURCE_EXHAUSTED
        HttpStatusCode.InternalServerError,    // 500 INTERNAL
        HttpStatusCode.ServiceUnavailable,     // 503 UNAVAILABLE
        HttpStatusCode.GatewayTimeout,         // 504 DEADLINE_EXCEEDED
    ];

    /// <summary>
    /// Registers <see cref="GeminiImageProvider"/> as the <see cref="IImageProvider"/>: the <c>Gemini</c>
    /// settings (validated when the app starts, so a missing key stops start-up with a message naming
    /// <c>Gemini:ApiKey</c>), and a typed HttpClient with retries, backoff and per-attempt timeouts.
    /// </summary>
    public static IServiceCollection AddGeminiImageProvider(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<GeminiOptions>()
            .Bind(configuration.GetSection(GeminiOptions.SectionName))
            .PostConfigure(options =>
            {
                // The app's configuration includes the environment variables, GEMINI_API_KEY among them.
                if (string.IsNullOrWhiteSpace(options.ApiKey))
                    options.ApiKey = configuration[GeminiOptions.ApiKeyEnvironmentVariable];
            })
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<GeminiOptions>, GeminiOptionsValidator>();
        // Every wait and timeout of a Gemini call runs on this clock (the app registers the system's; tests, a fake one).
        services.TryAddSingleton(TimeProvider.System);

        services.AddTransient<GeminiAttemptHandler>();
        var httpClient = services.AddHttpClient<GeminiClient>(client =>
            {
                // Timeouts are per attempt, in the pipeline; HttpClient's own 100 s would cut a slow 4K call short.
                client.Timeout = Timeout.InfiniteTimeSpan;
            })
            // IHttpClientFactory's logging prints request headers at Trace level: never the key.
            .RedactLoggedHeaders([GeminiClient.ApiKeyHeader]);
        httpClient.AddResilienceHandler("gemini", ConfigurePipeline);
        // Added after the resilience handler, so it runs inside it and sees every attempt.
        httpClient.AddHttpMessageHandler<GeminiAttemptHandler>();

        services.AddTransient(sp =>
        {
            var client = sp.GetRequiredService<GeminiClient>();
            // The Files API needs the database to remember uploads; without one (a bare provider) references go inline.
            var db = sp.GetService<Likeness.Api.Data.LikenessDbContext>();
            var files = db is null ? null
                : new GeminiFiles(client, db, sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<GeminiFiles>>());
            return new GeminiImageProvider(client, sp.GetRequiredService<IOptions<GeminiOptions>>(),
                sp.GetRequiredService<ILogger<GeminiImageProvider>>(), files);
        });
        services.AddTransient<IImageProvider>(sp => sp.GetRequiredService<GeminiImageProvider>());
        services.AddSingleton<IImageModelCatalog, GeminiModelCatalog>();
        return services;
    }

    private static void ConfigurePipeline(ResiliencePipelineBuilder<HttpResponseMessage> pipeline, ResilienceHandlerContext context)
    {
        var options = context.GetOptions<GeminiOptions>();
        var logger = context.ServiceProvider.GetRequiredService<ILoggerFactory>().CreateLogger("Likeness.Api.Providers.Gemini.Resilience");
        var maxRetryAfter = TimeSpan.FromSeconds(options.MaxRetryAfterSeconds);
        // The retries' delays and the per-attempt timeout wait on the app's clock, not on Polly's default (the system's).
        var time = context.ServiceProvider.GetRequiredService<TimeProvider>();
        pipeline.TimeProvider = time;

        if (options.MaxAttempts > 1)
        {
            pipeline.AddRetry(new RetryStrategyOptions<HttpResponseMessage>
            {
                MaxRetryAttempts = options.MaxAttempts - 1,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = TimeSpan.FromSeconds(options.RetryBaseDelaySeconds),
                MaxDelay = TimeSpan.FromSeconds(Math.Max(options.RetryBaseDelaySeconds, maxRetryAfter.TotalSeconds)),
                ShouldHandle = async args => args.Outcome switch
                {
                    { Exception: HttpRequestException or TimeoutRejectedException } => true,
                    { Result: { } response } when response.StatusCode == HttpStatusCode.TooManyRequests =>
                        await GeminiQuota.Read(response, time.GetUtcNow()) is { Daily: false } quota && (quota.Delay is not { } wait || wait <= maxRetryAfter),
                    { Result: { } response } => RetriedStatuses.Contains(response.StatusCode)
                                                && (RetryAfter(response, time.GetUtcNow()) is not { } wait || wait <= maxRetryAfter),
                    _ => false,
                },
                // Gemini's RetryInfo.retryDelay (or Retry-After) wins over our backoff; null falls back to exponential backoff with jitter.
                DelayGenerator = async args => args.Outcome.Result is { } response
                    ? response.StatusCode == HttpStatusCode.TooManyRequests ? (await GeminiQuota.Read(response, time.GetUtcNow())).Delay : RetryAfter(response, time.GetUtcNow())
                    : null,
                OnRetry = args =>
                {
                    logger.LogWarning("Gemini call retrying (attempt {Next} of {Max}) in {DelayMs} ms after {Outcome}",
                        args.AttemptNumber + 2, options.MaxAttempts, (long)args.RetryDelay.TotalMilliseconds,
                        args.Outcome.Exception?.GetType().Name ?? $"HTTP {(int)args.Outcome.Result!.StatusCode}");
                    return ValueTask.CompletedTask;
                },
            });
        }

        pipeline.AddTimeout(new TimeoutStrategyOptions { Timeout = TimeSpan.FromSeconds(options.TimeoutSeconds) });
    }

    /// <summary>Retry-After as seconds or as an HTTP date (counted from <paramref name="now"/>); null when absent.</summary>
    internal static TimeSpan? RetryAfter(HttpResponseMessage response, DateTimeOffset now)
    {
        var header = response.Headers.RetryAfter;
        if (header?.Delta is { } delta)
            return delta < TimeSpan.Zero ? TimeSpan.Zero : delta;
        if (header?.Date is { } date)
        {
            var wait = date - now;
            return wait < TimeSpan.Zero ? TimeSpan.Zero : wait;
        }
        return null;
    }
}
