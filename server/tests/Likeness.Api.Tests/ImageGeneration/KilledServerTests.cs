using System.Diagnostics;
using System.Net.Sockets;
using Likeness.Api.Providers.Local;
using Likeness.Api.Tests.Gemini;

namespace Likeness.Api.Tests.ImageGeneration;

/// <summary>
/// A second server process, on the same database and image store, is killed (SIGKILL) while its job is
/// inside the image engine. Nothing of it may stay stuck: the job fails with a clear message and the
/// session takes the next edit as soon as the runner lease has run out.
/// </summary>
public sealed class KilledServerTests
{
    private const string ServerStopped = "The server stopped while this image was being made. Nothing was changed.";

    [Fact]
    public async Task A_job_whose_server_was_killed_fails_and_the_next_edit_succeeds_after_the_lease()
    {
        await using var emulator = await GeminiEmulator.Start(new LocalImageProvider());
        await using var factory = new LikenessApiFactory();
        var (client, _) = await factory.CreateUserClientAsync();
        var email = (await client.GetAsAsync<UserResponse>("/api/v1/auth/me")).Email;
        using var admin = await factory.CreateAdminClientAsync();
        var identityId = await admin.CreateIdentityAsync();
        var generated = await (await client.PostAsJsonAsync("/api/v1/identities/generate-image/",
            new { identity_id = identityId, resolution = "1K", aspect_ratio = "1:1" })).ReadAsAsync<ImageSessionResponse>();

        // The second server: the real app in its own process, its engine (the Gemini emulator) slow to answer.
        emulator.Inject(GeminiFault.Slow(TimeSpan.FromMinutes(5)));
        using var server = await ChildServer.StartAsync(factory, new Dictionary<string, string?>
        {
            ["ImageProvider:Kind"] = "Gemini",
            ["Gemini:ApiKey"] = emulator.ApiKey,
            ["Gemini:BaseUrl"] = emulator.BaseUrl,
            ["Gemini:MaxAttempts"] = "1",
            ["Likeness:JobLeaseTime"] = "00:00:30",
        });
        using var second = await server.SignInAsync(email, LikenessApiFactory.UserPassword);
        var started = await second.PostAsJobAsync("/api/v1/identities/edit-image/", new { edit_prompt = "invert" });
        Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
        var jobId = (await started.ReadAsAsync<ImageJobResponse>()).Id;
        await Wait.UntilAsync(() => emulator.CallCount > 0, "the second server to call its engine", TimeSpan.FromSeconds(60), () => server.Output);

        server.Kill(); // SIGKILL: no shutdown, no lease release
        await (await client.PostAsJsonAsync("/api/v1/identities/edit-image/", new { edit_prompt = "invert" }))
            .AssertProblemAsync(HttpStatusCode.Conflict, "Another edit of this image session is still running. Try again when it finishes.");

        factory.Clock.Advance(TimeSpan.FromSeconds(31)); // the killed server's lease has run out
        var edit = await client.PostAsJsonAsync("/api/v1/identities/edit-image/", new { edit_prompt = "invert" });
        Assert.Equal(HttpStatusCode.OK, edit.StatusCode);
        var dead = await client.GetAsAsync<ImageJobResponse>($"{Session}/jobs/{jobId}/");
        Assert.Equal(ImageJobStatus.Failed, dead.Status);
        Assert.NotNull(dead.Error);
        Assert.Equal(500, dead.Error.Status);
        Assert.Equal(ServerStopped, dead.Error.Detail);
        var events = await client.ReadEventsAsync(dead.EventsUrl);
        Assert.Equal(("failed", ServerStopped), (events[^1].Name, events[^1].DataAs<ImageJobError>().Detail));
        // The killed job left the session as it was: the new edit's parent is the generated version.
        var versions = await client.SessionVersionsAsync();
        Assert.Equal(2, versions.Count);
        Assert.NotNull(generated.VersionId);
        Assert.Equal(generated.VersionId, versions[1].ParentId);
    }

    /// <summary>The API as a separate OS process with the factory's database and data folder.</summary>
    private sealed class ChildServer : IDisposable
    {
        private readonly Process _process;
        private readonly System.Text.StringBuilder _output = new();

        private ChildServer(Process process, string baseUrl)
        {
            _process = process;
            BaseUrl = baseUrl;
        }

        public string BaseUrl { get; }

        public string Output { get { lock (_output) return _output.ToString(); } }

        public static async Task<ChildServer> StartAsync(LikenessApiFactory factory, IDictionary<string, string?> settings)
        {
            var dll = typeof(Program).Assembly.Location;
            var port = FreePort();
            var start = new ProcessStartInfo("dotnet")
            {
                ArgumentList = { dll, "--urls", $"http://127.0.0.1:{port}" },
                WorkingDirectory = Path.GetDirectoryName(dll)!,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            foreach (var (key, value) in factory.Settings.Concat(settings))
                start.Environment[key.Replace(":", "__")] = value;
            start.Environment["Logging__LogLevel__Default"] = "Warning";
            var process = Process.Start(start)!;
            var child = new ChildServer(process, $"http://127.0.0.1:{port}");
            process.OutputDataReceived += (_, e) => { lock (child._output) child._output.AppendLine(e.Data); };
            process.ErrorDataReceived += (_, e) => { lock (child._output) child._output.AppendLine(e.Data); };
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();

            using var probe = new HttpClient { BaseAddress = new Uri(child.BaseUrl) };
            await Wait.UntilAsync(async () =>
            {
                Assert.False(process.HasExited, "The second server exited:\n" + child.Output);
                try
                {
                    return (await probe.GetAsync("/api/v1/auth/me")).StatusCode == HttpStatusCode.Unauthorized;
                }
                catch (HttpRequestException)
                {
                    return false; // not listening yet
                }
            }, "the second server to answer", TimeSpan.FromMinutes(2), () => child.Output);
            return child;
        }

        public async Task<HttpClient> SignInAsync(string email, string password)
        {
            var client = new HttpClient { BaseAddress = new Uri(BaseUrl) };
            var login = await client.PostAsJsonAsync("/api/v1/auth/login", new { email, password });
            login.EnsureSuccessStatusCode();
            var token = (await login.ReadAsAsync<BearerTokens>()).AccessToken;
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
            return client;
        }

        public void Kill()
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }

        public void Dispose()
        {
            if (!_process.HasExited)
                Kill();
            _process.Dispose();
        }

        private static int FreePort()
        {
            using var listener = new TcpListener(System.Net.IPAddress.Loopback, 0);
            listener.Start();
            return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        }
    }
}
