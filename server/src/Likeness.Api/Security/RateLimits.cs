using System.Globalization;
using System.Security.Claims;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace Likeness.Api.Security;

/// <summary>The named rate-limiter policies (attach with <c>.RequireRateLimiting(name)</c>).</summary>
public static class RateLimitPolicies
{
    /// <summary>Sign-in attempts per client IP address.</summary>
    public const string SignIn = "sign-in";

    /// <summary>Generate/edit requests per signed-in user and per client IP address.</summary>
    public const string ImageGeneration = "image-generation";

    public const string TooManyRequests = "Too many requests. Try again in {0} seconds.";

    public static string ClientIp(HttpContext context) => context.Connection.RemoteIpAddress?.ToString() ?? "unknown";

    internal static FixedWindowRateLimiterOptions Window(RateLimit limit) => new()
    {
        PermitLimit = Math.Max(1, limit.PermitLimit),
        Window = limit.Window > TimeSpan.Zero ? limit.Window : TimeSpan.FromMinutes(1),
        QueueLimit = 0,
        AutoReplenishment = true,
    };

    internal static void AddLikenessPolicies(RateLimiterOptions options)
    {
        options.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
        options.AddPolicy(SignIn, context =>
        {
            var limit = context.RequestServices.GetRequiredService<IOptions<SecurityOptions>>().Value.SignInPerIp;
            return RateLimitPartition.GetFixedWindowLimiter(ClientIp(context), _ => Window(limit));
        });
        options.AddPolicy<string, ImageGenerationRateLimitPolicy>(ImageGeneration);
        options.OnRejected = (context, cancellationToken) =>
        {
            var seconds = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter)
                ? (int)Math.Ceiling(retryAfter.TotalSeconds) : 60;
            return new ValueTask(WriteTooManyRequestsAsync(context.HttpContext, seconds));
        };
    }

    /// <summary>429 with <c>Retry-After</c> (seconds) and a problem body.</summary>
    public static Task WriteTooManyRequestsAsync(HttpContext context, int retryAfterSeconds)
    {
        retryAfterSeconds = Math.Max(1, retryAfterSeconds);
        context.Response.Headers.RetryAfter = retryAfterSeconds.ToString(CultureInfo.InvariantCulture);
        return SecurityProblems.WriteAsync(context, StatusCodes.Status429TooManyRequests,
            string.Format(CultureInfo.InvariantCulture, TooManyRequests, retryAfterSeconds));
    }
}

/// <summary>
/// Failed sign-in attempts per email address (known or not, so the answer tells nothing about which accounts
/// exist). Successful sign-ins do not count. Unlike Identity's lockout, an attacker cannot make a correct password
/// fail for longer than the current window, and the answer is the same for every address.
/// </summary>
public sealed class SignInThrottle : IDisposable
{
    private readonly PartitionedRateLimiter<string> _limiter;

    public SignInThrottle(IOptions<SecurityOptions> options)
    {
        var limit = options.Value.SignInPerAccount;
        _limiter = PartitionedRateLimiter.Create<string, string>(
            key => RateLimitPartition.GetFixedWindowLimiter(key, _ => RateLimitPolicies.Window(limit)));
    }

    private static string Key(string email) => email.Trim().ToUpperInvariant();

    /// <summary>Whether the address may try now; if not, how long until it may.</summary>
    public bool MayAttempt(string email, out int retryAfterSeconds)
    {
        using var lease = _limiter.AttemptAcquire(Key(email), 0);
        retryAfterSeconds = !lease.IsAcquired && lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter)
            ? (int)Math.Ceiling(retryAfter.TotalSeconds) : 0;
        return lease.IsAcquired;
    }

    /// <summary>Counts a failed attempt.</summary>
    public void Failed(string email)
    {
        using var _ = _limiter.AttemptAcquire(Key(email), 1);
    }

    public void Dispose() => _limiter.Dispose();
}

/// <summary>
/// The <see cref="RateLimitPolicies.ImageGeneration"/> policy: a request takes a permit from its user's window and
/// from its IP address's window; either one empty refuses it.
/// </summary>
public sealed class ImageGenerationRateLimitPolicy : IRateLimiterPolicy<string>, IDisposable
{
    private readonly PartitionedRateLimiter<string> _byUser;
    private readonly PartitionedRateLimiter<string> _byIp;

    public ImageGenerationRateLimitPolicy(IOptions<SecurityOptions> options)
    {
        var perUser = options.Value.ImageGenerationPerUser;
        var perIp = options.Value.ImageGenerationPerIp;
        _byUser = PartitionedRateLimiter.Create<string, string>(
            key => RateLimitPartition.GetFixedWindowLimiter(key, _ => RateLimitPolicies.Window(perUser)));
        _byIp = PartitionedRateLimiter.Create<string, string>(
            key => RateLimitPartition.GetFixedWindowLimiter(key, _ => RateLimitPolicies.Window(perIp)));
    }

    public Func<OnRejectedContext, CancellationToken, ValueTask>? OnRejected => null; // the shared 429 problem

    public RateLimitPartition<string> GetPartition(HttpContext httpContext)
    {
        var user = httpContext.User.FindFirstValue(ClaimTypes.NameIdentifier) ?? "anonymous";
        var ip = RateLimitPolicies.ClientIp(httpContext);
        return RateLimitPartition.Get($"{user}|{ip}", _ => new PairLimiter(_byUser, user, _byIp, ip));
    }

    public void Dispose()
    {
        _byUser.Dispose();
        _byIp.Dispose();
    }

    /// <summary>One partition's view of the two shared limiters.</summary>
    private sealed class PairLimiter(PartitionedRateLimiter<string> first, string firstKey,
        PartitionedRateLimiter<string> second, string secondKey) : RateLimiter
    {
        private long _lastUsed = Environment.TickCount64;

        public override TimeSpan? IdleDuration => TimeSpan.FromMilliseconds(Environment.TickCount64 - Interlocked.Read(ref _lastUsed));

        public override RateLimiterStatistics? GetStatistics() => first.GetStatistics(firstKey);

        protected override RateLimitLease AttemptAcquireCore(int permitCount)
        {
            Interlocked.Exchange(ref _lastUsed, Environment.TickCount64);
            var a = first.AttemptAcquire(firstKey, permitCount);
            if (!a.IsAcquired)
                return a;
            var b = second.AttemptAcquire(secondKey, permitCount);
            if (!b.IsAcquired)
            {
                a.Dispose();
                return b;
            }
            return new PairLease(a, b);
        }

        protected override ValueTask<RateLimitLease> AcquireAsyncCore(int permitCount, CancellationToken cancellationToken) =>
            ValueTask.FromResult(AttemptAcquireCore(permitCount));
    }

    private sealed class PairLease(RateLimitLease a, RateLimitLease b) : RateLimitLease
    {
        public override bool IsAcquired => true;
        public override IEnumerable<string> MetadataNames => [];
        public override bool TryGetMetadata(string metadataName, out object? metadata) { metadata = null; return false; }

        protected override void Dispose(bool disposing)
        {
            a.Dispose();
            b.Dispose();
        }
    }
}
