using System.Text.RegularExpressions;

namespace Likeness.Api.Tests.Users;

/// <summary>
/// A first start without <c>Admin:Password</c> generates one and prints it once on the console, never in a log.
/// Not parallel with other tests: it swaps the process's console to read what the app printed.
/// </summary>
[Collection(nameof(ConsoleCapture))]
public class BootstrapAdminTests
{
    [Fact]
    public async Task Without_a_configured_password_one_is_generated_printed_once_and_never_logged()
    {
        var original = Console.Out;
        var printed = new StringWriter();
        Console.SetOut(printed);
        await using var factory = LikenessApiFactory.With(new Dictionary<string, string?> { ["Admin:Password"] = "" });
        string console;
        try
        {
            _ = factory.Server; // starts the app: migrations and the bootstrap admin
            await WaitForNoticeAsync(printed); // printed a moment after the start, as the last thing
        }
        finally
        {
            Console.SetOut(original);
            console = printed.ToString();
        }

        var match = Regex.Match(console, @"Password: (\S+)");
        Assert.True(match.Success, $"The generated password was not printed. Console:\n{console}");
        var password = match.Groups[1].Value;
        Assert.True(password.Length >= 16, "The generated password is long.");
        Assert.Contains(LikenessApiFactory.AdminEmail, console);
        Assert.Single(Regex.Matches(console, Regex.Escape(password)));

        // The printed password signs the bootstrap admin in, and it is an admin.
        using var admin = await factory.CreateSignedInClientAsync(LikenessApiFactory.AdminEmail, password);
        Assert.True((await admin.GetAsAsync<UserResponse>("/api/v1/auth/me")).IsAdmin);

        // No log line carries it.
        Assert.NotEmpty(factory.Logs.Lines);
        Assert.DoesNotContain(factory.Logs.Lines, line => line.Contains(password));
    }

    [Fact]
    public async Task The_generated_password_is_printed_only_on_the_first_start()
    {
        // Two starts of the app on the same data folder and database.
        var dataDirectory = Path.Combine(Path.GetTempPath(), "likeness-tests", Guid.NewGuid().ToString("N"));
        var settings = new Dictionary<string, string?> { ["Admin:Password"] = "", ["Likeness:DataDirectory"] = dataDirectory };
        string? postgresDatabase = null;
        if (LikenessApiFactory.IsPostgres)
        {
            postgresDatabase = $"likeness_test_{Guid.NewGuid():N}";
            settings["ConnectionStrings:Default"] = new Npgsql.NpgsqlConnectionStringBuilder(
                Environment.GetEnvironmentVariable("LIKENESS_TEST_POSTGRES")) { Database = postgresDatabase }.ConnectionString;
        }
        try
        {
            string first;
            await using (var factory = LikenessApiFactory.With(settings))
                first = StartAndReadConsole(factory, expectNotice: true);
            var password = Regex.Match(first, @"Password: (\S+)").Groups[1].Value;
            Assert.NotEmpty(password);

            await using var restarted = LikenessApiFactory.With(settings);
            var second = StartAndReadConsole(restarted, expectNotice: false);

            Assert.DoesNotContain("Password:", second);
            using var admin = await restarted.CreateSignedInClientAsync(LikenessApiFactory.AdminEmail, password);
            var users = await admin.GetAsAsync<List<ManagedUserResponse>>("/api/v1/admin/users/");
            Assert.Single(users, u => u.Email == LikenessApiFactory.AdminEmail);
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            try { Directory.Delete(dataDirectory, recursive: true); } catch (IOException) { }
            if (postgresDatabase is not null)
            {
                Npgsql.NpgsqlConnection.ClearAllPools();
                await using var connection = new Npgsql.NpgsqlConnection(Environment.GetEnvironmentVariable("LIKENESS_TEST_POSTGRES"));
                await connection.OpenAsync();
                await using var drop = new Npgsql.NpgsqlCommand($"DROP DATABASE IF EXISTS \"{postgresDatabase}\" WITH (FORCE)", connection);
                await drop.ExecuteNonQueryAsync();
            }
        }
    }

    private static string StartAndReadConsole(LikenessApiFactory factory, bool expectNotice)
    {
        var original = Console.Out;
        var printed = new StringWriter();
        Console.SetOut(printed);
        try
        {
            _ = factory.Server;
            if (expectNotice)
                WaitForNoticeAsync(printed).GetAwaiter().GetResult();
            else
                Thread.Sleep(TimeSpan.FromSeconds(3)); // proving an absence: the notice would come 0.3 s after the start
        }
        finally
        {
            Console.SetOut(original);
        }
        return printed.ToString();
    }

    /// <summary>The notice comes a moment after the start (after the server's "Now listening on").</summary>
    private static Task WaitForNoticeAsync(StringWriter printed) =>
        Wait.UntilAsync(() => printed.ToString().Contains("└"), "the bootstrap admin notice to be printed", detail: () => printed.ToString());

    [Fact]
    public void The_notice_names_the_account_and_ends_with_where_to_sign_in()
    {
        // Issue 11: the generated password was printed in the middle of the build output; it comes last now,
        // after the server's "Now listening on", and says again where to sign in.
        var notice = BootstrapAdmin.Notice(new GeneratedAdmin("admin@likeness.local", "s3cret-Pass!"), ["http://127.0.0.1:5080"]);
        var lines = notice.Split(Environment.NewLine).Where(l => l.Length > 0).ToList();
        Assert.Contains("  │ Likeness created the admin account admin@likeness.local", lines);
        Assert.Contains("  │ Password: s3cret-Pass!", lines);
        Assert.Equal("  │ Sign in at http://127.0.0.1:5080", lines[^2]);
        Assert.StartsWith("  └", lines[^1]);
        Assert.DoesNotContain("s3cret", new GeneratedAdmin("a@b.c", "s3cret-Pass!").ToString());
    }

    [Fact]
    public async Task A_configured_password_is_used_and_nothing_is_printed()
    {
        var original = Console.Out;
        var printed = new StringWriter();
        Console.SetOut(printed);
        await using var factory = new LikenessApiFactory();
        try
        {
            _ = factory.Server;
        }
        finally
        {
            Console.SetOut(original);
        }

        Assert.DoesNotContain("Password:", printed.ToString());
        using var admin = await factory.CreateAdminClientAsync();
        Assert.True((await admin.GetAsAsync<UserResponse>("/api/v1/auth/me")).IsAdmin);
    }
}

[CollectionDefinition(nameof(ConsoleCapture), DisableParallelization = true)]
public sealed class ConsoleCapture;
