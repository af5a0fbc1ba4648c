using Microsoft.AspNetCore.Authentication.BearerToken;
using Microsoft.AspNetCore.Identity;

namespace Likeness.Api.Security;

/// <summary>The app's security wiring, one call each in Program.cs.</summary>
public static class SecurityExtensions
{
    /// <summary>Options, session checks for cookie and bearer, refresh-token rotation, rate limiting, server limits.</summary>
    public static WebApplicationBuilder AddLikenessSecurity(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        var testing = builder.Environment.IsEnvironment("Testing");
        services.AddOptions<SecurityOptions>()
            .Configure(o => { if (testing) o.UseTestingDefaults(); })
            .BindConfiguration(SecurityOptions.SectionName);

        // Lockout is off: failed sign-ins are throttled per address and per IP instead (SignInThrottle).
        services.Configure<IdentityOptions>(o => o.Lockout.AllowedForNewUsers = false);
        services.ConfigureApplicationCookie(o =>
        {
            o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            o.Cookie.HttpOnly = true;
            o.Events.OnValidatePrincipal = SessionValidation.ValidateCookieAsync;
        });
        services.Configure<BearerTokenOptions>(IdentityConstants.BearerScheme,
            o => o.Events.OnMessageReceived = SessionValidation.ValidateBearerAsync);
        services.AddScoped<RefreshTokenFamilies>();
        services.AddSingleton<SignInThrottle>();
        services.AddRateLimiter(RateLimitPolicies.AddLikenessPolicies);

        // Kestrel answers a too-long request line or header block itself, with an empty body. Its limits sit
        // above SecurityOptions' so that the middleware answers those with a problem body instead.
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Limits.MaxRequestLineSize = 64 * 1024;
            k.Limits.MaxRequestHeadersTotalSize = 128 * 1024;
        });
        return builder;
    }

    /// <summary>Response headers and the URL/header size checks; before static files, so the page gets them too.</summary>
    public static IApplicationBuilder UseLikenessSecurityHeaders(this IApplicationBuilder app) =>
        app.UseMiddleware<SecurityHeadersMiddleware>();

    /// <summary>The cross-site check, the body limit and the rate limiter; after authentication.</summary>
    public static IApplicationBuilder UseLikenessRequestGuards(this IApplicationBuilder app) =>
        app.UseMiddleware<RequestGuardsMiddleware>().UseRateLimiter();
}
