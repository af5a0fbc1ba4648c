using Likeness.Api.Data;
using Microsoft.AspNetCore.Identity;

namespace Likeness.Api.Users;

public static class UsersServiceCollectionExtensions
{
    /// <summary>
    /// Users and sign-in (a cookie for the browser, a bearer token for API clients), the Admin role and its
    /// policy, and what an admin does to users. An API answers 401 or 403 where a page would redirect to a login.
    /// </summary>
    public static IServiceCollection AddUsers(this IServiceCollection services)
    {
        services.AddIdentityApiEndpoints<User>(o => o.User.RequireUniqueEmail = true)
            .AddRoles<IdentityRole<Guid>>()
            .AddEntityFrameworkStores<LikenessDbContext>();
        services.ConfigureApplicationCookie(o =>
        {
            o.Cookie.Name = "likeness";
            o.Cookie.SameSite = SameSiteMode.Lax;
            o.Events.OnRedirectToLogin = context => Answer(context.Response, StatusCodes.Status401Unauthorized);
            o.Events.OnRedirectToAccessDenied = context => Answer(context.Response, StatusCodes.Status403Forbidden);
        });
        services.AddAuthorizationBuilder().AddPolicy(Roles.Admin, p => p.RequireRole(Roles.Admin));
        services.AddScoped<UserAdministration>();
        return services;
    }

    private static Task Answer(HttpResponse response, int status)
    {
        response.StatusCode = status;
        return Task.CompletedTask;
    }
}
