using System.Collections.Concurrent;
using Likeness.Api.Security;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.BearerToken;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Likeness.Api.Tests.Infrastructure;

/// <summary>
/// The real app on a fresh data folder and an empty database: a new SQLite file by default; PostgreSQL when the
/// environment says <c>LIKENESS_TEST_DATABASE=Postgres</c> (with <c>LIKENESS_TEST_POSTGRES</c> as the server's
/// connection string; `make test` sets both), a database of the <see cref="PostgresDatabasePool"/>, migrated and
/// emptied. Only what must be swapped is swapped: the data folder, the database, the clock, and, for a few tests,
/// the image provider.
/// </summary>
public class LikenessApiFactory : WebApplicationFactory<Program>
{
    public const string AdminEmail = "admin@test.local";
    public const string AdminPassword = "Admin-Passw0rd!";

    private readonly Dictionary<string, string?> _settings;
    private readonly Action<IServiceCollection>? _configureServices;
    private readonly PooledDatabase? _postgresDatabase;
    private readonly bool _ownsData;

    public LikenessApiFactory() : this(null, null) { }

    /// <summary>An app with extra configuration and service replacements.</summary>
    /// <param name="settings">Extra configuration (e.g. <c>ImageProvider:Kind</c>, <c>Gemini:BaseUrl</c>).</param>
    /// <param name="configureServices">Replaces services after the app registered its own (e.g. the provider).</param>
    public static LikenessApiFactory With(
        IDictionary<string, string?>? settings, Action<IServiceCollection>? configureServices = null) =>
        new(settings, configureServices);

    /// <summary>An app whose image provider is the offline engine behind a <see cref="ScriptedImageProvider"/>.</summary>
    public static LikenessApiFactory WithScriptedProvider(out ScriptedImageProvider provider, IDictionary<string, string?>? settings = null)
    {
        var scripted = provider = new ScriptedImageProvider(new Likeness.Api.Providers.Local.LocalImageProvider());
        return new LikenessApiFactory(settings, services =>
        {
            services.RemoveAll<IImageProvider>();
            services.AddSingleton<IImageProvider>(scripted);
        });
    }

    /// <summary>
    /// A new user with a generated 1K image of a new identity (with <paramref name="references"/> reference images;
    /// <paramref name="editMode"/> the server's default when null): their client, the identity and the answer.
    /// </summary>
    public async Task<(HttpClient Client, Guid IdentityId, ImageSessionResponse Generated)> StartSessionAsync(
        string aspectRatio = "16:9", int references = 2, string? editMode = null)
    {
        var (client, _) = await CreateUserClientAsync();
        using var admin = await CreateAdminClientAsync();
        var identityId = await admin.CreateIdentityAsync(references);
        var generated = await client.PostAsJsonAsync(Generate,
            new { identity_id = identityId, resolution = "1K", aspect_ratio = aspectRatio, edit_mode = editMode });
        Assert.True(generated.StatusCode == HttpStatusCode.OK,
            $"generate answered {(int)generated.StatusCode}: {await generated.Content.ReadAsStringAsync()}\n{ProblemLogs()}");
        return (client, identityId, await generated.ReadAsAsync<ImageSessionResponse>());
    }

    /// <summary>
    /// A second server on the same database and image store as <paramref name="first"/> (as a second
    /// replica would be); the first one owns the data and removes it.
    /// </summary>
    public static LikenessApiFactory SharingDataWith(
        LikenessApiFactory first, IDictionary<string, string?>? settings = null, Action<IServiceCollection>? configureServices = null)
    {
        var shared = new Dictionary<string, string?>(first._settings);
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
            shared[key] = value;
        return new LikenessApiFactory(shared, configureServices, first.DataDirectory);
    }

    // xunit wants one public constructor on a class fixture; customised apps come from With().
    private LikenessApiFactory(IDictionary<string, string?>? settings, Action<IServiceCollection>? configureServices, string? sharedDataDirectory = null)
    {
        _ownsData = sharedDataDirectory is null;
        DataDirectory = sharedDataDirectory ?? Path.Combine(Path.GetTempPath(), "likeness-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(DataDirectory);
        _configureServices = configureServices;
        _settings = new Dictionary<string, string?>
        {
            ["Likeness:DataDirectory"] = DataDirectory,
            ["Likeness:CleanupInterval"] = "1.00:00:00",
            ["Admin:Email"] = AdminEmail,
            ["Admin:Password"] = AdminPassword,
            ["Logging:LogLevel:Microsoft.EntityFrameworkCore"] = "Warning",
        };
        if (IsPostgres && _ownsData)
        {
            _settings["Database:Provider"] = "Postgres";
            // A test that names its own database (two apps one after the other on it) keeps it.
            if (settings?.ContainsKey("ConnectionStrings:Default") != true)
            {
                _postgresDatabase = PostgresDatabasePool.Lease();
                _settings["ConnectionStrings:Default"] = _postgresDatabase.ConnectionString;
            }
        }
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
            _settings[key] = value;
    }

    public static bool IsPostgres =>
        string.Equals(Environment.GetEnvironmentVariable("LIKENESS_TEST_DATABASE"), "Postgres", StringComparison.OrdinalIgnoreCase);

    /// <summary>The configuration this app runs with (data folder, database, admin), e.g. for a child process.</summary>
    public IReadOnlyDictionary<string, string?> Settings => _settings;

    /// <summary>The data folder of this app: the SQLite file and <c>images/</c>.</summary>
    public string DataDirectory { get; }

    public string ImagesDirectory => Path.Combine(DataDirectory, "images");

    /// <summary>Every log line the app wrote, formatted, for assertions.</summary>
    public CapturedLogs Logs { get; } = new();

    /// <summary>The app's clock: move it forward to expire sessions.</summary>
    public TestClock Clock { get; } = new();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        foreach (var (key, value) in _settings)
            builder.UseSetting(key, value);
        // Every line the app logs is kept in Logs (and its errors go to LIKENESS_TEST_SERVER_ERRORS), not on the
        // console: hundreds of apps writing to the test host's standard output, a pipe the test platform drains,
        // cost CPU on a busy machine, and the console logger blocks every app that logs once its queue is full.
        builder.ConfigureLogging(logging => logging.ClearProviders().AddProvider(Logs));
        builder.ConfigureServices(services =>
        {
            services.RemoveAll<TimeProvider>();
            services.AddSingleton<TimeProvider>(Clock);
            _configureServices?.Invoke(services);
        });
    }

    /// <summary>
    /// Every client the factory makes waits up to 5 minutes for an answer (HttpClient's default is 100 s): a 4K edit
    /// on a busy 2-core machine took longer, and a test's own deadlines say better what it waited for.
    /// </summary>
    protected override void ConfigureClient(HttpClient client)
    {
        base.ConfigureClient(client);
        client.Timeout = TimeSpan.FromMinutes(5);
    }

    /// <summary>
    /// A client with a bearer token for the bootstrap admin, minted as the sign-in endpoint would (no HTTP sign-in:
    /// no password hashing, no sign-in rate limit). Tests of signing in use <see cref="CreateSignedInClientAsync"/>.
    /// </summary>
    public async Task<HttpClient> CreateAdminClientAsync() => ClientWithToken(await MintAccessTokenAsync(AdminEmail));

    /// <summary>
    /// A bearer token for the user, made the way <c>POST /api/v1/auth/login</c> makes one: the user's principal (with
    /// its security stamp, so sign-out ends it), a refresh-token family, the bearer scheme's protector and lifetime.
    /// </summary>
    public async Task<string> MintAccessTokenAsync(string email)
    {
        await using var scope = Services.CreateAsyncScope();
        var services = scope.ServiceProvider;
        var user = await services.GetRequiredService<UserManager<User>>().FindByEmailAsync(email)
            ?? throw new InvalidOperationException($"No user {email}.");
        var principal = await services.GetRequiredService<IUserClaimsPrincipalFactory<User>>().CreateAsync(user);
        principal.Identities.First().AddClaims(await services.GetRequiredService<RefreshTokenFamilies>().StartAsync(user));
        var bearer = services.GetRequiredService<IOptionsMonitor<BearerTokenOptions>>().Get(IdentityConstants.BearerScheme);
        var now = Clock.GetUtcNow();
        var properties = new AuthenticationProperties { IssuedUtc = now, ExpiresUtc = now + bearer.BearerTokenExpiration, IsPersistent = true };
        return bearer.BearerTokenProtector.Protect(new AuthenticationTicket(principal, properties, IdentityConstants.BearerScheme));
    }

    private HttpClient ClientWithToken(string token)
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    /// <summary>A client signed in through <c>POST /api/v1/auth/login</c> with the email and password.</summary>
    public async Task<HttpClient> CreateSignedInClientAsync(string email, string password)
    {
        var client = CreateClient();
        var response = await client.PostAsJsonAsync("/api/v1/auth/login", new { email, password });
        response.EnsureSuccessStatusCode();
        var token = (await response.ReadAsAsync<BearerTokens>()).AccessToken;
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    public const string UserPassword = "User-Passw0rd!";

    /// <summary>Creates a user through the admin API and returns a client signed in as them.</summary>
    public async Task<(HttpClient Client, Guid UserId)> CreateUserClientAsync(bool isAdmin = false)
    {
        var (id, email) = await CreateUserAsync(isAdmin);
        return (ClientWithToken(await MintAccessTokenAsync(email)), id);
    }

    /// <summary>Creates a user (password <see cref="UserPassword"/>) through the admin API.</summary>
    public async Task<(Guid UserId, string Email)> CreateUserAsync(bool isAdmin = false)
    {
        using var admin = await CreateAdminClientAsync();
        var email = $"user-{Guid.NewGuid():N}@test.local";
        var response = await admin.PostAsJsonAsync("/api/v1/admin/users/", new { email, password = UserPassword, is_admin = isAdmin });
        response.EnsureSuccessStatusCode();
        return ((await response.ReadAsAsync<ManagedUserResponse>()).Id, email);
    }

    /// <summary>What the app logged at Warning and above (a 5xx answer's cause), for a failure message.</summary>
    public string ProblemLogs() => string.Join("\n", Logs.Entries.Where(e => e.Level >= LogLevel.Warning).TakeLast(20));

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        WriteServerErrors();
        if (!_ownsData)
        {
            GC.SuppressFinalize(this);
            return;
        }
        SqliteConnection.ClearAllPools();
        // The app has stopped (its background services with it), so nothing writes while the database is reset.
        if (_postgresDatabase is not null)
            await PostgresDatabasePool.ReturnAsync(_postgresDatabase);
        try { Directory.Delete(DataDirectory, recursive: true); } catch (IOException) { }
        GC.SuppressFinalize(this);
    }

    /// <summary>
    /// The app's errors (with their exceptions) go to the file named by LIKENESS_TEST_SERVER_ERRORS, so that a CI log
    /// can show why a request answered 500; `make test` prints the file when a suite fails.
    /// </summary>
    private void WriteServerErrors()
    {
        if (Environment.GetEnvironmentVariable("LIKENESS_TEST_SERVER_ERRORS") is not { Length: > 0 } path)
            return;
        // LIKENESS_TEST_SERVER_LOG_LEVEL=Warning (or lower) writes more than the errors, when a failure needs it.
        var least = Enum.TryParse<LogLevel>(Environment.GetEnvironmentVariable("LIKENESS_TEST_SERVER_LOG_LEVEL"), out var level) ? level : LogLevel.Error;
        var errors = Logs.Entries.Where(e => e.Level >= least).ToArray();
        if (errors.Length == 0)
            return;
        var text = string.Concat(errors.Select(e => $"--- {DateTimeOffset.UtcNow:O} {DataDirectory}\n{e}\n"));
        lock (ServerErrorsLock)
            File.AppendAllText(path, text);
    }

    private static readonly Lock ServerErrorsLock = new();
}

/// <summary>The system clock, moved forward by <see cref="Advance"/>.</summary>
public sealed class TestClock : TimeProvider
{
    private long _offsetTicks;

    public void Advance(TimeSpan by) => Interlocked.Add(ref _offsetTicks, by.Ticks);

    public override DateTimeOffset GetUtcNow() => base.GetUtcNow() + TimeSpan.FromTicks(Interlocked.Read(ref _offsetTicks));
}

/// <summary>An <see cref="ILoggerProvider"/> that keeps every message (Trace and up, with exceptions) in memory.</summary>
public sealed class CapturedLogs : ILoggerProvider
{
    private readonly ConcurrentQueue<LogEntry> _entries = new();

    public IReadOnlyList<LogEntry> Entries => _entries.ToArray();

    /// <summary>Each entry formatted as "Level Category: message" (and the exception, if any).</summary>
    public IReadOnlyList<string> Lines => _entries.Select(e => e.ToString()).ToArray();

    public string All => string.Join("\n", Lines);

    public ILogger CreateLogger(string categoryName) => new Logger(categoryName, _entries);

    public void Dispose() { }

    private sealed class Logger(string category, ConcurrentQueue<LogEntry> entries) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;
        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            entries.Enqueue(new LogEntry(category, logLevel, formatter(state, exception), exception));
    }
}

public sealed record LogEntry(string Category, LogLevel Level, string Message, Exception? Exception)
{
    public override string ToString() => $"{Level} {Category}: {Message}{(Exception is null ? "" : "\n" + Exception)}";
}

/// <summary>A provider for tests that must see the provider fail, or be slow.</summary>
public sealed class ScriptedImageProvider(IImageProvider inner) : IImageProvider
{
    /// <summary>Thrown by the next calls while set.</summary>
    public Exception? Failure { get; set; }

    /// <summary>Each call waits for this before answering (to hold an edit open).</summary>
    public TaskCompletionSource? Gate { get; set; }

    public int Calls;

    /// <summary>Replaces what the inner provider made (e.g. with bytes that are not an image), while set.</summary>
    public Func<ProviderImage, ProviderImage>? Answer { get; set; }

    /// <summary>Waits (with the suite's deadline) until the provider has been called <paramref name="calls"/> times in all.</summary>
    public Task WaitForCallsAsync(int calls) =>
        Wait.UntilAsync(() => Volatile.Read(ref Calls) >= calls, $"the image provider to have been called {calls} time(s) in all");

    public string Name => inner.Name;

    public async Task<ProviderImage> GenerateImage(string prompt, IReadOnlyList<ProviderImage> referenceImages, string aspectRatio, string resolution, CancellationToken cancellationToken = default, IImageProgress? progress = null)
    {
        await Before(cancellationToken);
        var image = await inner.GenerateImage(prompt, referenceImages, aspectRatio, resolution, cancellationToken, progress);
        return Answer is { } answer ? answer(image) : image;
    }

    public async Task<ProviderImage> EditImage(string editPrompt, ProviderImage previousImage, IReadOnlyList<ProviderImage> referenceImages, string aspectRatio, string resolution, CancellationToken cancellationToken = default, IImageProgress? progress = null)
    {
        await Before(cancellationToken);
        var image = await inner.EditImage(editPrompt, previousImage, referenceImages, aspectRatio, resolution, cancellationToken, progress);
        return Answer is { } answer ? answer(image) : image;
    }

    private async Task Before(CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref Calls);
        if (Gate is { } gate)
            await gate.Task.WaitAsync(cancellationToken);
        if (Failure is { } failure)
            throw failure;
    }
}
