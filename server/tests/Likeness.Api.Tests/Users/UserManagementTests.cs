using Likeness.Api.Data;
using Likeness.Api.Storage;
using Microsoft.EntityFrameworkCore;

namespace Likeness.Api.Tests.Users;

/// <summary>Admins disable and enable, change the role of, reset the password of, and delete users; never themselves.</summary>
public sealed class UserManagementTests(LikenessApiFactory factory) : IClassFixture<LikenessApiFactory>
{
    private const string Users = "/api/v1/admin/users/";

    private async Task<Guid> AdminIdAsync(HttpClient admin) =>
        (await admin.GetAsAsync<UserResponse>("/api/v1/auth/me")).Id;

    private async Task<HttpResponseMessage> LoginAsync(string email, string password)
    {
        using var client = factory.CreateClient();
        return await client.PostAsJsonAsync("/api/v1/auth/login", new { email, password });
    }

    [Fact]
    public async Task A_disabled_user_cannot_sign_in_and_their_tokens_and_cookies_stop_working_until_enabled()
    {
        using var admin = await factory.CreateAdminClientAsync();
        var (id, email) = await factory.CreateUserAsync();
        using var bearer = await factory.CreateSignedInClientAsync(email, LikenessApiFactory.UserPassword);
        var tokens = await (await LoginAsync(email, LikenessApiFactory.UserPassword)).ReadAsAsync<BearerTokens>();
        using var browser = factory.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { HandleCookies = true });
        Assert.Equal(HttpStatusCode.OK, (await browser.PostAsJsonAsync("/api/v1/auth/login?use_cookies=true",
            new { email, password = LikenessApiFactory.UserPassword })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/api/v1/auth/me")).StatusCode);

        var disabled = await admin.PostAsync($"{Users}{id}/disable/", null);
        Assert.Equal(HttpStatusCode.OK, disabled.StatusCode);
        var body = await disabled.ReadAsAsync<ManagedUserResponse>();
        Assert.True(body.IsDisabled);
        Assert.NotNull(body.DisabledAt);

        Assert.Equal(HttpStatusCode.Unauthorized, (await bearer.GetAsync("/api/v1/auth/me")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await browser.GetAsync("/api/v1/auth/me")).StatusCode);
        using (var refresh = factory.CreateClient())
            await (await refresh.PostAsJsonAsync("/api/v1/auth/refresh", new { refresh_token = tokens.RefreshToken }))
                .AssertProblemAsync(HttpStatusCode.Unauthorized, "The refresh token is invalid or has expired. Sign in again.");
        await (await LoginAsync(email, LikenessApiFactory.UserPassword)).AssertProblemAsync(HttpStatusCode.Forbidden, "This account is disabled. Ask an admin to enable it.");
        // A wrong password says no more than for anyone.
        await (await LoginAsync(email, "Wrong-Passw0rd!")).AssertProblemAsync(HttpStatusCode.Unauthorized, "Invalid email or password.");
        var listed = (await admin.GetAsAsync<List<ManagedUserResponse>>(Users)).Single(u => u.Id == id);
        Assert.True(listed.IsDisabled);

        var enabled = await (await admin.PostAsync($"{Users}{id}/enable/", null)).ReadAsAsync<ManagedUserResponse>();
        Assert.False(enabled.IsDisabled);
        Assert.Equal(HttpStatusCode.OK, (await LoginAsync(email, LikenessApiFactory.UserPassword)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await bearer.GetAsync("/api/v1/auth/me")).StatusCode); // the old token stays dead
    }

    [Fact]
    public async Task An_admin_cannot_disable_delete_or_demote_themself()
    {
        using var admin = await factory.CreateAdminClientAsync();
        var me = await AdminIdAsync(admin);

        await (await admin.PostAsync($"{Users}{me}/disable/", null)).AssertProblemAsync(HttpStatusCode.Conflict, "You cannot disable your own account.");
        await (await admin.DeleteAsync($"{Users}{me}/")).AssertProblemAsync(HttpStatusCode.Conflict, UserAdministration.CannotDeleteSelf);
        await (await admin.PutAsJsonAsync($"{Users}{me}/role/", new { is_admin = false }))
            .AssertProblemAsync(HttpStatusCode.Conflict, UserAdministration.CannotRemoveOwnAdmin);
        var still = await admin.GetAsAsync<ManagedUserResponse>($"{Users}{me}/");
        Assert.True(still.IsAdmin);
        Assert.False(still.IsDisabled);
        // Asking for what they already have is fine.
        Assert.Equal(HttpStatusCode.OK, (await admin.PutAsJsonAsync($"{Users}{me}/role/", new { is_admin = true })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await admin.PostAsync($"{Users}{me}/enable/", null)).StatusCode);

        var missing = Guid.NewGuid();
        await (await admin.PostAsync($"{Users}{missing}/disable/", null)).AssertProblemAsync(HttpStatusCode.NotFound, "User not found.");
        await (await admin.DeleteAsync($"{Users}{missing}/")).AssertProblemAsync(HttpStatusCode.NotFound, "User not found.");
        await (await admin.PutAsJsonAsync($"{Users}{missing}/role/", new { is_admin = true })).AssertProblemAsync(HttpStatusCode.NotFound, "User not found.");
        await (await admin.PutAsJsonAsync($"{Users}{me}/role/", new { })).AssertProblemAsync(HttpStatusCode.BadRequest, "is_admin is required (true or false).");
    }

    [Fact]
    public async Task Changing_the_role_grants_the_admin_api_and_taking_it_away_ends_the_users_sessions()
    {
        using var admin = await factory.CreateAdminClientAsync();
        var (id, email) = await factory.CreateUserAsync();

        var promoted = await (await admin.PutAsJsonAsync($"{Users}{id}/role/", new { is_admin = true })).ReadAsAsync<ManagedUserResponse>();
        Assert.True(promoted.IsAdmin);
        using var second = await factory.CreateSignedInClientAsync(email, LikenessApiFactory.UserPassword);
        Assert.Equal(HttpStatusCode.OK, (await second.GetAsync(Users)).StatusCode);

        var demoted = await (await admin.PutAsJsonAsync($"{Users}{id}/role/", new { is_admin = false })).ReadAsAsync<ManagedUserResponse>();
        Assert.False(demoted.IsAdmin);
        Assert.Equal(HttpStatusCode.Unauthorized, (await second.GetAsync(Users)).StatusCode); // the token with the role is dead
        using var again = await factory.CreateSignedInClientAsync(email, LikenessApiFactory.UserPassword);
        Assert.Equal(HttpStatusCode.Forbidden, (await again.GetAsync(Users)).StatusCode);
    }

    [Fact]
    public async Task Reset_password_sets_a_new_one_that_follows_the_rules_and_ends_the_users_sessions()
    {
        using var admin = await factory.CreateAdminClientAsync();
        var (id, email) = await factory.CreateUserAsync();
        using var user = await factory.CreateSignedInClientAsync(email, LikenessApiFactory.UserPassword);

        var weak = await admin.PostAsJsonAsync($"{Users}{id}/password/", new { password = "short" });
        var detail = await weak.AssertProblemContainsAsync(HttpStatusCode.BadRequest, "Passwords must be at least 6 characters.");
        Assert.True((await weak.ValidationErrorsAsync()).ContainsKey("password"), detail);
        await (await admin.PostAsJsonAsync($"{Users}{id}/password/", new { }))
            .AssertProblemAsync(HttpStatusCode.BadRequest, UserAdministration.PasswordRequired);
        Assert.Equal(HttpStatusCode.OK, (await user.GetAsync("/api/v1/auth/me")).StatusCode); // refused: nothing changed

        Assert.Equal(HttpStatusCode.NoContent, (await admin.PostAsJsonAsync($"{Users}{id}/password/", new { password = "New-Passw0rd!" })).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await user.GetAsync("/api/v1/auth/me")).StatusCode);
        await (await LoginAsync(email, LikenessApiFactory.UserPassword)).AssertProblemAsync(HttpStatusCode.Unauthorized, "Invalid email or password.");
        Assert.Equal(HttpStatusCode.OK, (await LoginAsync(email, "New-Passw0rd!")).StatusCode);
    }

    [Fact]
    public async Task The_password_rules_are_there_to_show_before_typing()
    {
        using var admin = await factory.CreateAdminClientAsync();
        var rules = await admin.GetAsAsync<PasswordRulesResponse>($"{Users}password-rules/");
        Assert.Equal(6, rules.RequiredLength);
        Assert.Equal(256, rules.MaxLength);
        Assert.True(rules.RequireDigit);
        Assert.Equal(
            ["At least 6 characters (at most 256)", "A lowercase letter (a-z)", "An uppercase letter (A-Z)", "A digit (0-9)", "A symbol, such as ! or -"],
            rules.Rules);
    }

    [Fact]
    public async Task Delete_removes_the_user_their_sessions_library_and_jobs_and_only_images_nobody_else_uses()
    {
        using var admin = await factory.CreateAdminClientAsync();
        var identityId = await admin.CreateIdentityAsync();
        var (id, email) = await factory.CreateUserAsync();
        using var user = await factory.CreateSignedInClientAsync(email, LikenessApiFactory.UserPassword);
        var (other, _) = await factory.CreateUserClientAsync();
        var body = new { identity_id = identityId, resolution = "1K", aspect_ratio = "1:1", additional_prompt = "delete-test" };
        var first = await (await user.PostAsJsonAsync("/api/v1/identities/generate-image/", body)).ReadAsAsync<ImageSessionResponse>();
        var edited = await (await user.PostAsJsonAsync("/api/v1/identities/edit-image/", new { edit_prompt = "invert" })).ReadAsAsync<ImageSessionResponse>();
        await user.PostAsJsonAsync("/api/v1/identities/generate-image/", body with { additional_prompt = "delete-test again" });
        var others = await (await other.PostAsJsonAsync("/api/v1/identities/generate-image/", body)).ReadAsAsync<ImageSessionResponse>();
        static string Key(ImageSessionResponse e) => Convert.ToHexStringLower(SHA256.HashData(Convert.FromBase64String(e.ImageBase64!)));
        Assert.Equal(Key(first), Key(others)); // one blob, shared

        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"{Users}{id}/")).StatusCode);

        await (await admin.GetAsync($"{Users}{id}/")).AssertProblemAsync(HttpStatusCode.NotFound, "User not found.");
        Assert.Equal(HttpStatusCode.Unauthorized, (await user.GetAsync("/api/v1/auth/me")).StatusCode);
        await (await LoginAsync(email, LikenessApiFactory.UserPassword)).AssertProblemAsync(HttpStatusCode.Unauthorized, "Invalid email or password.");
        await using (var scope = factory.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<LikenessDbContext>();
            Assert.Equal(0, await db.ImageGenerationSessions.CountAsync(s => s.UserId == id));
            Assert.Equal(0, await db.ImageJobs.CountAsync(j => j.UserId == id));
        }
        var store = factory.Services.GetRequiredService<IImageStore>();
        Assert.Null(await store.GetAsync(Key(edited)));
        Assert.NotNull(await store.GetAsync(Key(first)));
        Assert.Equal(HttpStatusCode.OK, (await other.GetAsync(others.ImageUrl)).StatusCode);
        await (await admin.DeleteAsync($"{Users}{id}/")).AssertProblemAsync(HttpStatusCode.NotFound, "User not found.");
    }
}
