namespace Likeness.Api.Tests.Users;

/// <summary>Admins list and create users; the bootstrap admin is there from the first start.</summary>
public class UsersApiTests(LikenessApiFactory factory) : IClassFixture<LikenessApiFactory>
{
    private const string Users = "/api/v1/admin/users/";

    private const string Password = "User-Passw0rd!";

    [Fact]
    public async Task Create_answers_201_and_the_user_can_sign_in()
    {
        using var admin = await factory.CreateAdminClientAsync();
        var email = NewEmail();

        var response = await admin.PostAsJsonAsync(Users, new { email, password = Password, is_admin = false });

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        // The exact field names are the contract: raw JSON.
        Assert.Equal(["email", "id", "is_admin"], (await response.JsonAsync()).EnumerateObject().Select(p => p.Name).Order());
        var body = await response.ReadAsAsync<UserResponse>();
        var id = body.Id;
        Assert.Equal(email, body.Email);
        Assert.False(body.IsAdmin);
        Assert.NotNull(response.Headers.Location);
        // The Location names the user: reading it gives back what was created.
        var located = await admin.GetAsAsync<ManagedUserResponse>(response.Headers.Location.OriginalString);
        Assert.Equal(body.Id, located.Id);
        Assert.Equal(body.IsAdmin, located.IsAdmin);

        using var user = await factory.CreateSignedInClientAsync(email, Password);
        var me = await user.GetAsAsync<UserResponse>("/api/v1/auth/me");
        Assert.Equal(id, me.Id);
        Assert.False(me.IsAdmin);
        Assert.Equal(HttpStatusCode.Forbidden, (await user.GetAsync(Users)).StatusCode);
    }

    [Fact]
    public async Task Create_without_is_admin_makes_a_plain_user()
    {
        using var admin = await factory.CreateAdminClientAsync();

        var response = await admin.PostAsJsonAsync(Users, new { email = NewEmail(), password = Password });

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.False((await response.ReadAsAsync<UserResponse>()).IsAdmin);
    }

    [Fact]
    public async Task A_created_admin_can_use_the_admin_api()
    {
        using var admin = await factory.CreateAdminClientAsync();
        var email = NewEmail();

        var response = await admin.PostAsJsonAsync(Users, new { email, password = Password, is_admin = true });

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.True((await response.ReadAsAsync<UserResponse>()).IsAdmin);
        using var second = await factory.CreateSignedInClientAsync(email, Password);
        Assert.True((await second.GetAsAsync<UserResponse>("/api/v1/auth/me")).IsAdmin);
        Assert.Equal(HttpStatusCode.OK, (await second.GetAsync(Users)).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await second.PostAsJsonAsync(Users, new { email = NewEmail(), password = Password })).StatusCode);
    }

    [Fact]
    public async Task A_duplicate_email_is_409_whatever_its_case()
    {
        using var admin = await factory.CreateAdminClientAsync();
        var email = NewEmail();
        Assert.Equal(HttpStatusCode.Created, (await admin.PostAsJsonAsync(Users, new { email, password = Password })).StatusCode);

        var same = await admin.PostAsJsonAsync(Users, new { email, password = Password });
        var upper = await admin.PostAsJsonAsync(Users, new { email = email.ToUpperInvariant(), password = Password });
        var padded = await admin.PostAsJsonAsync(Users, new { email = $"  {email} ", password = Password });
        var bootstrap = await admin.PostAsJsonAsync(Users, new { email = LikenessApiFactory.AdminEmail, password = Password });

        foreach (var response in new[] { same, upper, padded, bootstrap })
            await response.AssertProblemAsync(HttpStatusCode.Conflict, "A user with this email already exists.");
    }

    [Fact]
    public async Task A_weak_password_is_400_with_every_reason()
    {
        using var admin = await factory.CreateAdminClientAsync();
        var email = NewEmail();

        var response = await admin.PostAsJsonAsync(Users, new { email, password = "abc" });

        var detail = await response.AssertProblemContainsAsync(HttpStatusCode.BadRequest,
            "Passwords must be at least 6 characters.",
            "Passwords must have at least one non alphanumeric character.",
            "Passwords must have at least one digit ('0'-'9').",
            "Passwords must have at least one uppercase ('A'-'Z').");
        Assert.DoesNotContain("lowercase", detail);
        var reasons = (await response.ValidationErrorsAsync())["password"].ToList();
        Assert.Equal(4, reasons.Count);
        Assert.Contains("Passwords must be at least 6 characters.", reasons);

        // Nothing was created: the same email with a good password is accepted.
        Assert.Equal(HttpStatusCode.Created, (await admin.PostAsJsonAsync(Users, new { email, password = Password })).StatusCode);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("no-at-sign")]
    public async Task An_invalid_email_is_400(string? email)
    {
        using var admin = await factory.CreateAdminClientAsync();

        var response = await admin.PostAsJsonAsync(Users, new { email, password = Password });

        await response.AssertProblemAsync(HttpStatusCode.BadRequest, "A valid email is required.");
        Assert.Equal("A valid email is required.", (await response.ValidationErrorsAsync())["email"][0]);
    }

    [Fact]
    public async Task An_email_identity_refuses_is_400_with_its_reason()
    {
        using var admin = await factory.CreateAdminClientAsync();

        var response = await admin.PostAsJsonAsync(Users, new { email = "someone@", password = Password });

        await response.AssertProblemContainsAsync(HttpStatusCode.BadRequest, "Email 'someone@' is invalid.");
        Assert.True((await response.ValidationErrorsAsync()).ContainsKey("email"));
    }

    [Fact]
    public async Task Passwords_never_reach_the_logs()
    {
        using var admin = await factory.CreateAdminClientAsync();
        var email = NewEmail();
        const string secret = "Sekrit-Passw0rd-4-Logs!";
        await admin.PostAsJsonAsync(Users, new { email, password = secret });
        using var client = factory.CreateClient();
        await client.PostAsJsonAsync("/api/v1/auth/login", new { email, password = secret });
        await client.PostAsJsonAsync("/api/v1/auth/login", new { email, password = secret + "x" });

        Assert.DoesNotContain(factory.Logs.Lines, l => l.Contains(secret));
    }

    [Fact]
    public async Task An_email_longer_than_256_characters_is_400()
    {
        using var admin = await factory.CreateAdminClientAsync();
        var email = new string('a', 250) + "@test.local";

        var response = await admin.PostAsJsonAsync(Users, new { email, password = Password });

        await response.AssertProblemAsync(HttpStatusCode.BadRequest, "Email may be at most 256 characters.");
        Assert.True((await response.ValidationErrorsAsync()).ContainsKey("email"));
    }

    [Fact]
    public async Task An_email_with_a_nul_character_is_400()
    {
        using var admin = await factory.CreateAdminClientAsync();

        var response = await admin.PostAsJsonAsync(Users, new { email = "nul\u0000@test.local", password = Password });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True((await response.ValidationErrorsAsync()).ContainsKey("email"));
    }

    [Fact]
    public async Task A_missing_password_is_400()
    {
        using var admin = await factory.CreateAdminClientAsync();

        var response = await admin.PostAsJsonAsync(Users, new { email = NewEmail() });

        await response.AssertProblemAsync(HttpStatusCode.BadRequest, "A password is required.");
        Assert.True((await response.ValidationErrorsAsync()).ContainsKey("password"));
    }

    [Fact]
    public async Task List_shows_every_user_with_is_admin()
    {
        using var admin = await factory.CreateAdminClientAsync();
        var plain = NewEmail();
        var second = NewEmail();
        await admin.PostAsJsonAsync(Users, new { email = plain, password = Password, is_admin = false });
        await admin.PostAsJsonAsync(Users, new { email = second, password = Password, is_admin = true });

        var response = await admin.GetAsync(Users);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        // The exact field names are the contract: raw JSON.
        Assert.All((await response.JsonAsync()).EnumerateArray(), u => Assert.Equal(["created_at", "disabled_at", "email", "id", "is_admin", "is_disabled"],
            u.EnumerateObject().Select(p => p.Name).Order()));
        var users = await response.ReadAsAsync<List<ManagedUserResponse>>();
        bool IsAdmin(string email) => users.Single(u => u.Email == email).IsAdmin;
        Assert.True(IsAdmin(LikenessApiFactory.AdminEmail));
        Assert.False(IsAdmin(plain));
        Assert.True(IsAdmin(second));
        Assert.Equal(users.Count, users.Select(u => u.Id).Distinct().Count());
    }

    [Fact]
    public async Task The_bootstrap_admin_exists_and_is_an_admin()
    {
        using var admin = await factory.CreateAdminClientAsync();

        var me = await admin.GetAsAsync<UserResponse>("/api/v1/auth/me");

        Assert.Equal(LikenessApiFactory.AdminEmail, me.Email);
        Assert.True(me.IsAdmin);
        var listed = (await admin.GetAsAsync<List<ManagedUserResponse>>(Users)).Single(u => u.Email == LikenessApiFactory.AdminEmail);
        Assert.Equal(me.Id, listed.Id);
        Assert.True(listed.IsAdmin);
    }

    [Fact]
    public async Task A_password_over_256_characters_is_400()
    {
        using var admin = await factory.CreateAdminClientAsync();

        var response = await admin.PostAsJsonAsync(Users, new { email = NewEmail(), password = "Aa1!" + new string('p', 253) });

        await response.AssertProblemAsync(HttpStatusCode.BadRequest, "Password may be at most 256 characters.");
    }

    private static string NewEmail() => $"users-{Guid.NewGuid():N}@test.local";
}
