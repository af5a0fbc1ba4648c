using System.Security.Claims;
using Likeness.Api.Security;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace Likeness.Api.Tests.Security;

/// <summary>Sign-in is throttled per address and per IP (no lockout); the image-generation policy per user and per IP.</summary>
public class RateLimitTests
{
    private const string InvalidCredentials = "Invalid email or password.";

    private static LikenessApiFactory App(params (string Key, string Value)[] settings) =>
        LikenessApiFactory.With(settings.ToDictionary(s => s.Key, s => (string?)s.Value));

    private static async Task AssertTooManyAsync(HttpResponseMessage response)
    {
        var detail = await response.AssertProblemContainsAsync(HttpStatusCode.TooManyRequests, "Too many requests. Try again in ");
        var retryAfter = int.Parse(Assert.Single(response.Headers.GetValues("Retry-After")));
        Assert.InRange(retryAfter, 1, 600);
        Assert.Contains($"{retryAfter} seconds", detail);
    }

    [Fact]
    public async Task Failed_sign_ins_are_throttled_per_address_alike_for_known_and_unknown_addresses()
    {
        await using var app = App(("Security:SignInPerAccount:PermitLimit", "3"), ("Security:SignInPerAccount:Window", "00:10:00"));
        var (_, email) = await app.CreateUserAsync();
        using var client = app.CreateClient();

        foreach (var address in new[] { email, "nobody@test.local" })
        {
            for (var i = 0; i < 3; i++)
                await (await client.PostAsJsonAsync("/api/v1/auth/login", new { email = address, password = "wrong" }))
                    .AssertProblemAsync(HttpStatusCode.Unauthorized, InvalidCredentials);
            await AssertTooManyAsync(await client.PostAsJsonAsync("/api/v1/auth/login", new { email = address, password = "wrong" }));
        }
        // While throttled, even the right password is not checked: a guess cannot be confirmed.
        await AssertTooManyAsync(await client.PostAsJsonAsync("/api/v1/auth/login", new { email = email.ToUpperInvariant(), password = LikenessApiFactory.UserPassword }));

        // Other accounts sign in as usual: the admin cannot be shut out by guesses at another address.
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsJsonAsync("/api/v1/auth/login",
            new { email = LikenessApiFactory.AdminEmail, password = LikenessApiFactory.AdminPassword })).StatusCode);
    }

    [Fact]
    public async Task Successful_sign_ins_do_not_count_against_the_address()
    {
        await using var app = App(("Security:SignInPerAccount:PermitLimit", "2"), ("Security:SignInPerAccount:Window", "00:10:00"));
        var (_, email) = await app.CreateUserAsync();
        using var client = app.CreateClient();

        for (var i = 0; i < 5; i++)
            Assert.Equal(HttpStatusCode.OK, (await client.PostAsJsonAsync("/api/v1/auth/login", new { email, password = LikenessApiFactory.UserPassword })).StatusCode);
    }

    [Fact]
    public async Task Sign_ins_are_throttled_per_ip_address()
    {
        await using var app = App(("Security:SignInPerIp:PermitLimit", "4"), ("Security:SignInPerIp:Window", "00:10:00"));
        using var client = app.CreateClient();

        for (var i = 0; i < 4; i++)
            await (await client.PostAsJsonAsync("/api/v1/auth/login", new { email = $"guess-{i}@test.local", password = "wrong" }))
                .AssertProblemAsync(HttpStatusCode.Unauthorized, InvalidCredentials);

        await AssertTooManyAsync(await client.PostAsJsonAsync("/api/v1/auth/login",
            new { email = LikenessApiFactory.AdminEmail, password = LikenessApiFactory.AdminPassword }));
    }

    private static HttpContext Request(string user, string ip, IServiceProvider services)
    {
        var context = new DefaultHttpContext { RequestServices = services };
        context.User = new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.NameIdentifier, user)], "test"));
        context.Connection.RemoteIpAddress = IPAddress.Parse(ip);
        return context;
    }

    [Fact]
    public async Task The_image_generation_policy_limits_each_user_and_each_ip_address()
    {
        await using var app = App(
            ("Security:ImageGenerationPerUser:PermitLimit", "2"), ("Security:ImageGenerationPerUser:Window", "00:10:00"),
            ("Security:ImageGenerationPerIp:PermitLimit", "3"), ("Security:ImageGenerationPerIp:Window", "00:10:00"));
        using var policy = new ImageGenerationRateLimitPolicy(app.Services.GetRequiredService<IOptions<SecurityOptions>>());

        bool Acquire(string user, string ip)
        {
            var partition = policy.GetPartition(Request(user, ip, app.Services));
            using var limiter = partition.Factory(partition.PartitionKey);
            using var lease = limiter.AttemptAcquire();
            return lease.IsAcquired;
        }

        // Per user: two, whatever the address.
        Assert.True(Acquire("alice", "10.0.0.1"));
        Assert.True(Acquire("alice", "10.0.0.2"));
        Assert.False(Acquire("alice", "10.0.0.3"));
        // Per address: three, whoever the user (alice's two count there too).
        Assert.True(Acquire("bob", "10.0.0.1"));
        Assert.True(Acquire("carol", "10.0.0.1"));
        Assert.False(Acquire("dave", "10.0.0.1"));
        Assert.True(Acquire("dave", "10.0.0.9"));
    }

    [Fact]
    public void The_named_policies_are_registered()
    {
        using var app = new LikenessApiFactory();
        var options = app.Services.GetRequiredService<IOptions<Microsoft.AspNetCore.RateLimiting.RateLimiterOptions>>().Value;
        var names = (System.Collections.IDictionary)typeof(Microsoft.AspNetCore.RateLimiting.RateLimiterOptions)
            .GetProperty("PolicyMap", System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance)!.GetValue(options)!;
        var unactivated = (System.Collections.IDictionary)typeof(Microsoft.AspNetCore.RateLimiting.RateLimiterOptions)
            .GetProperty("UnactivatedPolicyMap", System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance)!.GetValue(options)!;

        Assert.True(names.Contains(RateLimitPolicies.SignIn) || unactivated.Contains(RateLimitPolicies.SignIn));
        Assert.True(names.Contains(RateLimitPolicies.ImageGeneration) || unactivated.Contains(RateLimitPolicies.ImageGeneration));
        Assert.Equal("image-generation", RateLimitPolicies.ImageGeneration);
    }
}
