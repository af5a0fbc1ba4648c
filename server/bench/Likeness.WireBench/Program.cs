using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json.Nodes;
using Likeness.WireBench;
using SkiaSharp;

// Measurements over the wire against the real server (a Release build started as a child process on a
// fresh SQLite data folder), as README's "Benchmarks" section reports them:
//   1. bytes per edit turn (job + events + one image GET, against the waiting endpoint's base64 answer + status)
//   2. time from an edit request to its job's first event (Local engine, and Gemini's emulator with a ~30 s model)
//   3. a 4K (and 1K) edit's server time beyond the engine's own, next to one PNG decode + encode of that image
//   4. 1K edits per second with 1, 4 and 16 users
//   5. the worst case of the reliability issue: 14 references of 39.7 MP, 4 users generating at 4K at once:
//      time and the server's peak resident memory (target: within 1 GB)
//   6. bytes sent to Gemini per edit turn with 14 references, inline or through the Files API (emulator)
// Usage: dotnet Likeness.WireBench.dll [repo root] [--seconds 10] [--samples 10] [--model-seconds 30] [--no-gemini]
//        [--gemini-bytes-only]
var root = args.FirstOrDefault(a => !a.StartsWith("--")) ?? Directory.GetCurrentDirectory();
int Option(string name, int fallback) => Array.IndexOf(args, name) is var i and >= 0 ? int.Parse(args[i + 1]) : fallback;
var loadSeconds = Option("--seconds", 10);
var samples = Option("--samples", 10);
var modelSeconds = Option("--model-seconds", 30);
var apiDll = Path.Combine(root, "server/src/Likeness.Api/bin/Release/net10.0/Likeness.Api.dll");
var emulatorDll = Path.Combine(root, "server/tests/Likeness.GeminiEmulator/bin/Release/net10.0/Likeness.GeminiEmulator.dll");
var work = Directory.CreateTempSubdirectory("likeness-wirebench-").FullName;
const string AdminEmail = "bench-admin@likeness.local", AdminPassword = "Bench-Admin-Passw0rd!";
const string Edit = "/api/v1/identities/edit-image/", Generate = "/api/v1/identities/generate-image/", Prefix = Api.SessionPrefix;
var report = new List<string>();
void Say(string line) => Console.Error.WriteLine($"[{DateTime.UtcNow:HH:mm:ss}] {line}");

Say($"work folder {work}; {Environment.ProcessorCount} cores");
var total = Stopwatch.StartNew();
var worstCaseOnly = args.Contains("--worst-case-only");
if (args.Contains("--gemini-bytes-only"))
{
    await GeminiBytesPerTurn();
    Console.WriteLine(string.Join(Environment.NewLine, report));
    return 0;
}
if (!worstCaseOnly)
await using (var server = await StartServer("local", new()))
{
    var (admin, solo, identityId) = await Setup(server, "solo");
    Say("16 users, each with a 1K session");
    var users = new List<Api>();
    for (var i = 0; i < 16; i++)
        users.Add(await SignUp(server, admin, $"load{i}"));
    await Parallel.ForEachAsync(users, new ParallelOptions { MaxDegreeOfParallelism = 2 },
        async (u, _) => await u.Json(HttpMethod.Post, Generate, new { identity_id = identityId, resolution = "1K", aspect_ratio = "16:9" }));

    await BytesPerTurn(solo, identityId);
    await FirstEvent("Local", users[0], cancel: false);
    await Overhead(solo, identityId);
    await Throughput(users);
}

if (!args.Contains("--no-worst-case"))
    await WorstCase();

if (!args.Contains("--no-gemini") && !worstCaseOnly)
{
    try
    {
        await GeminiBytesPerTurn();
        await GeminiFirstEvent();
    }
    catch (Exception ex)
    {
        report.Add($"\nGemini emulator measurement failed: {ex.Message}");
        Say(ex.ToString());
    }
}

Console.WriteLine(string.Join(Environment.NewLine, report));
Console.WriteLine($"\n({Environment.ProcessorCount} cores; wire bench took {total.Elapsed.TotalSeconds:0} s; logs in {work})");
return 0;

// ---- 1. Bytes over the wire per edit turn -------------------------------------------------------------
async Task BytesPerTurn(Api user, Guid identityId)
{
    report.Add("""
        ### Bytes over the wire per edit turn (16:9, "invert", response headers + body as received, `Accept-Encoding: br, gzip`)
        | resolution | PNG | now: 202 job | now: events | now: image GET | **now total** | before: edit JSON with base64 | before: + status | **before total** | now / PNG | before / PNG |
        |---|---|---|---|---|---|---|---|---|---|---|
        """);
    var statusBytes = new List<long>();
    foreach (var resolution in new[] { "1K", "2K", "4K" })
    {
        Say($"bytes per turn at {resolution}");
        await user.Json(HttpMethod.Post, Generate, new { identity_id = identityId, resolution, aspect_ratio = "16:9" });
        // Now: the job (202), its events to the end, then the new version's image once.
        var (job, accepted) = await WireCounter.Measure(() => user.Json(HttpMethod.Post, Edit, new { edit_prompt = "invert" }, respondAsync: true));
        var ((name, data), events) = await WireCounter.Measure(async () =>
        {
            using var stream = await user.Events((string)job["events_url"]!);
            return await stream.Last();
        });
        if (name != "succeeded")
            throw new InvalidOperationException($"edit job ended {name}: {data.ToJsonString()}");
        var (png, image) = await WireCounter.Measure(() => user.Bytes((string)data["session"]!["image_url"]!));
        // Before: the waiting endpoint (its JSON carries image_base64), then one status call.
        var (_, plan) = await WireCounter.Measure(() => user.Json(HttpMethod.Post, Edit, new { edit_prompt = "invert" }));
        var (_, status) = await WireCounter.Measure(() => user.Json(HttpMethod.Get, Prefix + "/"));
        statusBytes.Add(status);
        long now = accepted + events + image, before = plan + status;
        report.Add($"| {resolution} | {Kb(png.Length)} | {Kb(accepted)} | {Kb(events)} | {Kb(image)} | **{Kb(now)}** | {Kb(plan)} | {Kb(status)} | **{Kb(before)}** | {(double)now / png.Length:0.000}× | {(double)before / png.Length:0.000}× |");
    }
    // Status alone, a few times (the session exists; no job running).
    for (var i = 0; i < 4; i++)
        statusBytes.Add((await WireCounter.Measure(() => user.Json(HttpMethod.Get, Prefix + "/"))).Bytes);
    var median = Median(statusBytes.Select(b => (double)b));
    report.Add($"\nStatus call (`GET {Prefix}/`): median {median:0} bytes on the wire over {statusBytes.Count} calls " +
               $"(min {statusBytes.Min()}, max {statusBytes.Max()}); target ≤ 2 KB: **{(median <= 2048 ? "met" : "not met")}**.");
}

// ---- 2. Time from the edit request to the job's first event ----------------------------------------------
async Task<List<double>> FirstEvent(string engine, Api user, bool cancel, string? note = null)
{
    Say($"first event ({engine}), {samples} samples");
    var times = new List<double>();
    var firsts = new HashSet<string>();
    for (var i = 0; i < samples; i++)
    {
        var watch = Stopwatch.StartNew();
        var job = await user.Json(HttpMethod.Post, Edit, new { edit_prompt = "invert" }, respondAsync: true);
        using var events = await user.Events((string)job["events_url"]!);
        var first = await events.Next() ?? throw new InvalidOperationException("no event");
        times.Add(watch.Elapsed.TotalMilliseconds);
        firsts.Add($"{first.Event} {first.Data.ToJsonString()}");
        if (cancel)
        {
            using var deleted = await user.Send(HttpMethod.Delete, $"{Prefix}/jobs/{job["id"]}/");
            if ((int)deleted.StatusCode is not (204 or 409))
                throw new InvalidOperationException($"DELETE job: {(int)deleted.StatusCode}");
        }
        await events.Last(); // the job has ended (cancelled or done): the session is free for the next sample
    }
    var median = Median(times);
    report.Add($"""

        ### Time from the edit request (`Prefer: respond-async`) to the job's first event, {engine}{note}
        | samples | first event | median | min | max | target ≤ 300 ms |
        |---|---|---|---|---|---|
        | {times.Count} | `{string.Join("`, `", firsts)}` | {median:0} ms | {times.Min():0} ms | {times.Max():0} ms | **{(median <= 300 ? "met" : "not met")}** |
        """);
    return times;
}

async Task GeminiFirstEvent()
{
    // ~modelSeconds of model time per answer: two thirds thinking, two previews of 1/12 each, 1/6 drawing.
    double thinking = modelSeconds * 2 / 3.0, preview = modelSeconds / 12.0, drawing = modelSeconds / 6.0;
    const string key = "wire-bench-key";
    Say($"Gemini emulator with a {modelSeconds} s model");
    await using var emulator = await Child.Start(emulatorDll, Path.Combine(work, "emulator.log"), new Dictionary<string, string>(),
        "--api-key", key, "--thinking-seconds", $"{thinking}", "--preview-seconds", $"{preview}", "--drawing-seconds", $"{drawing}");
    await using var server = await StartServer("gemini", new()
    {
        ["ImageProvider__Kind"] = "Gemini", ["Gemini__BaseUrl"] = emulator.BaseUrl, ["Gemini__ApiKey"] = key,
    });
    var (_, user, identityId) = await Setup(server, "gemini");
    Say($"Gemini: one 1K generate to have a session (~{modelSeconds} s)");
    var watch = Stopwatch.StartNew();
    var job = await user.Json(HttpMethod.Post, Generate, new { identity_id = identityId, resolution = "1K", aspect_ratio = "16:9" }, respondAsync: true);
    using (var events = await user.Events((string)job["events_url"]!))
    {
        var (name, data) = await events.Last();
        if (name != "succeeded")
            throw new InvalidOperationException($"Gemini generate ended {name}: {data.ToJsonString()}");
    }
    var generateSeconds = watch.Elapsed.TotalSeconds;
    await FirstEvent("Gemini (emulator)", user, cancel: true,
        note: $", the model taking {modelSeconds} s (a 1K generate took {generateSeconds:0.0} s end to end); each job cancelled with DELETE after its first event");
}

// ---- 2b. Bytes sent to Gemini per edit turn with 14 references: inline every turn, or Files API ------------------
async Task GeminiBytesPerTurn()
{
    const string key = "wire-bench-key";
    report.Add("""

        ### Bytes sent to Gemini per edit turn (14 photo-like 960×1280 PNG references, 1K 16:9, chat mode, the emulator's request bodies)
        | references sent as | uploads (once, Files API) | generate request | edit turns 1 / 2 / 3 | mean edit turn |
        |---|---|---|---|---|
        """);
    foreach (var filesApi in new[] { false, true })
    {
        var name = filesApi ? "files" : "inline";
        var logPath = Path.Combine(work, $"emulator-bytes-{name}.log");
        Say($"Gemini bytes per edit turn, references {name}");
        await using var emulator = await Child.Start(emulatorDll, logPath, new Dictionary<string, string>(), "--api-key", key);
        await using var server = await StartServer($"gemini-bytes-{name}", new()
        {
            ["ImageProvider__Kind"] = "Gemini", ["Gemini__BaseUrl"] = emulator.BaseUrl, ["Gemini__ApiKey"] = key,
            ["Gemini__UseFilesApi"] = filesApi ? "true" : "false",
        });
        var admin = new Api(server.BaseUrl);
        await admin.SignIn(AdminEmail, AdminPassword);
        var identity = await admin.Json(HttpMethod.Post, "/api/v1/admin/identities/", new { name = "Fourteen", description = "Fourteen references" });
        var identityId = (Guid)identity["id"]!;
        var form = new MultipartFormDataContent();
        SKColor[] colours = [SKColors.OrangeRed, SKColors.SeaGreen, SKColors.RoyalBlue, SKColors.Gold];
        for (var i = 0; i < 14; i++)
        {
            var file = new ByteArrayContent(Photo(960, 1280, colours[i % colours.Length], seed: 1000 + i));
            file.Headers.ContentType = new("image/png");
            form.Add(file, "files", $"reference{i}.png");
        }
        await admin.Json(HttpMethod.Post, $"/api/v1/admin/identities/{identityId}/reference-images/", form);
        var user = await SignUp(server, admin, $"bytes-{name}");
        await user.Json(HttpMethod.Post, Generate, new { identity_id = identityId, resolution = "1K", aspect_ratio = "16:9" });
        foreach (var prompt in new[] { "warmer", "add a red border", "sepia" })
            await user.Json(HttpMethod.Post, Edit, new { edit_prompt = prompt });
        await Task.Delay(500);
        string text;
        using (var stream = new FileStream(logPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite))
        using (var reader = new StreamReader(stream))
            text = await reader.ReadToEndAsync();
        static long BytesIn(string line) =>
            long.Parse(System.Text.RegularExpressions.Regex.Match(line, @"(\d+) bytes in\)").Groups[1].Value);
        var lines = text.Split('\n');
        var model = lines.Where(l => l.Contains(":streamGenerateContent") && l.Contains("-> 200")).Select(BytesIn).ToList();
        var uploads = lines.Where(l => l.Contains("/upload/v1beta/files?upload_id=")).Select(BytesIn).Sum();
        if (model.Count != 4)
            throw new InvalidOperationException($"expected 4 model calls in {logPath}, found {model.Count}");
        report.Add($"| {(filesApi ? "Files API `fileData`" : "inline base64")} | {(filesApi ? Kb(uploads) : "—")} | {Kb(model[0])} | " +
                   $"{string.Join(" / ", model.Skip(1).Select(Kb))} | **{Kb((long)model.Skip(1).Average())}** |");
    }
}

// ---- 3. An edit's server time beyond the engine's own, next to the codec floor (4K; 1K for comparison) -------
async Task Overhead(Api user, Guid identityId)
{
    report.Add("""

        ### An edit ("invert", 16:9): server time beyond the engine's own, median of 5 (the target is about 4K)
        | resolution | job (`finished_at − created_at`) | engine (`duration_ms`) | overhead | codec floor (SkiaSharp PNG decode + encode) | overhead / floor | target ≤ 1.3× |
        |---|---|---|---|---|---|---|
        """);
    foreach (var resolution in new[] { "1K", "4K" })
    {
        Say($"overhead at {resolution}");
        await user.Json(HttpMethod.Post, Generate, new { identity_id = identityId, resolution, aspect_ratio = "16:9" });
        List<double> jobs = [], engines = [], overheads = [], codecs = [];
        for (var i = 0; i < 5; i++)
        {
            var (job, name, data) = await user.EditAsJob("invert");
            if (name != "succeeded")
                throw new InvalidOperationException($"{resolution} edit ended {name}");
            var finished = await user.Json(HttpMethod.Get, $"{Prefix}/jobs/{job["id"]}/");
            var jobMs = ((DateTimeOffset)finished["finished_at"]! - (DateTimeOffset)finished["created_at"]!).TotalMilliseconds;
            var history = await user.Json(HttpMethod.Get, Prefix + "/history/");
            var version = history["versions"]!.AsArray().Single(v => (string)v!["id"]! == (string)finished["version_id"]!)!;
            var engineMs = (double)version["duration_ms"]!;
            jobs.Add(jobMs);
            engines.Add(engineMs);
            overheads.Add(jobMs - engineMs);
            // The codec floor, in this process, on the very image the server just stored, between the edits.
            var png = await user.Bytes((string)data["session"]!["image_url"]!);
            var watch = Stopwatch.StartNew();
            using (var bitmap = SKBitmap.Decode(png))
            using (var image = SKImage.FromBitmap(bitmap))
            using (var encoded = image.Encode(SKEncodedImageFormat.Png, 100))
                _ = encoded.Size;
            codecs.Add(watch.Elapsed.TotalMilliseconds);
        }
        var ratio = Median(overheads) / Median(codecs);
        report.Add($"| {resolution} | {Median(jobs):0} ms | {Median(engines):0} ms | {Median(overheads):0} ms (min {overheads.Min():0}, max {overheads.Max():0}) " +
                   $"| {Median(codecs):0} ms (min {codecs.Min():0}, max {codecs.Max():0}) | {ratio:0.00}× | {(resolution == "4K" ? ratio <= 1.3 ? "**met**" : "**not met**" : "–")} |");
    }
}

// ---- 4. 1K edits per second with 1, 4 and 16 users ----------------------------------------------------------
async Task Throughput(List<Api> users)
{
    report.Add($"""

        ### 1K edits per second ("invert" through the waiting endpoint, one user per client, {loadSeconds} s each)
        | users | edits | edits/s | median latency | p95 latency | non-200 answers |
        |---|---|---|---|---|---|
        """);
    foreach (var concurrency in new[] { 1, 4, 16 })
    {
        Say($"throughput with {concurrency} user(s)");
        var latencies = new ConcurrentBag<double>();
        var failures = new ConcurrentDictionary<int, int>();
        var watch = Stopwatch.StartNew();
        var until = TimeSpan.FromSeconds(loadSeconds);
        await Task.WhenAll(users.Take(concurrency).Select(async user =>
        {
            while (watch.Elapsed < until)
            {
                var started = watch.Elapsed;
                using var response = await user.Send(HttpMethod.Post, Edit, new { edit_prompt = "invert" });
                await response.Content.ReadAsByteArrayAsync();
                if ((int)response.StatusCode == 200)
                    latencies.Add((watch.Elapsed - started).TotalMilliseconds);
                else
                    failures.AddOrUpdate((int)response.StatusCode, 1, (_, n) => n + 1);
            }
        }));
        var elapsed = watch.Elapsed.TotalSeconds;
        var sorted = latencies.Order().ToList();
        var p95 = sorted.Count == 0 ? 0 : sorted[(int)Math.Ceiling(sorted.Count * 0.95) - 1];
        var non200 = failures.IsEmpty ? "none" : string.Join(", ", failures.Select(f => $"{f.Value}× {f.Key}"));
        report.Add($"| {concurrency} | {sorted.Count} | {sorted.Count / elapsed:0.0} | {Median(sorted):0} ms | {p95:0} ms | {non200} |");
    }
}

// ---- 5. The worst case: 14 references of 39.7 MP, 4 users generating 4K at once ------------------------------
async Task WorstCase()
{
    await using var server = await StartServer("worst-case", new());
    var admin = new Api(server.BaseUrl);
    await admin.SignIn(AdminEmail, AdminPassword);
    var identity = await admin.Json(HttpMethod.Post, "/api/v1/admin/identities/", new { name = "Heavy", description = "Fourteen huge references" });
    var identityId = (Guid)identity["id"]!;
    Say("14 references of 7280×5456 (39.7 MP) as JPEG");
    var form = new MultipartFormDataContent();
    SKColor[] colours = [SKColors.OrangeRed, SKColors.SeaGreen, SKColors.RoyalBlue, SKColors.Gold, SKColors.Purple, SKColors.Teal, SKColors.Coral];
    for (var i = 0; i < 14; i++)
    {
        var file = new ByteArrayContent(Photo(7280, 5456, colours[i % colours.Length], noise: 3, seed: i, SKEncodedImageFormat.Jpeg, quality: 70));
        file.Headers.ContentType = new("image/jpeg");
        form.Add(file, "files", $"huge{i}.jpg");
    }
    var upload = Stopwatch.StartNew();
    await admin.Json(HttpMethod.Post, $"/api/v1/admin/identities/{identityId}/reference-images/", form);
    upload.Stop();
    var afterUpload = server.PeakResidentBytes;
    var users = new List<Api>();
    for (var i = 0; i < 4; i++)
        users.Add(await SignUp(server, admin, $"heavy{i}"));
    Say("4 users generate 4K at once");
    var times = await Task.WhenAll(users.Select(async u =>
    {
        var watch = Stopwatch.StartNew();
        await u.Json(HttpMethod.Post, Generate, new { identity_id = identityId, resolution = "4K", aspect_ratio = "16:9" });
        return watch.Elapsed.TotalSeconds;
    }));
    var peak = server.PeakResidentBytes;
    report.Add("\n**The worst case** (14 references of 7280×5456 = 39.7 MP, JPEG; 4 users generate 4K at once):\n");
    report.Add("| upload of the 14 | peak RSS after upload | 4K generates (each, s) | server peak RSS | target ≤ 1 GB |");
    report.Add("|---|---|---|---|---|");
    report.Add($"| {upload.Elapsed.TotalSeconds:0.0} s | {Kb(afterUpload)} | {string.Join(" / ", times.Order().Select(t => t.ToString("0.0")))} | " +
               $"{Kb(peak)} | **{(peak <= 1L << 30 ? "met" : "not met")}** |");
}

// ---- Setup through the API ------------------------------------------------------------------------------------
async Task<Child> StartServer(string name, Dictionary<string, string> environment)
{
    environment["Likeness__DataDirectory"] = Directory.CreateDirectory(Path.Combine(work, name + "-data")).FullName;
    environment["Database__Provider"] = "Sqlite";
    environment["Admin__Email"] = AdminEmail;
    environment["Admin__Password"] = AdminPassword;
    environment.TryAdd("ImageProvider__Kind", "Local");
    // The bench measures throughput: the per-user and per-IP limits on generate/edit (cost control) are lifted.
    environment["Security__ImageGenerationPerUser__PermitLimit"] = "1000000";
    environment["Security__ImageGenerationPerIp__PermitLimit"] = "1000000";
    environment["Security__SignInPerIp__PermitLimit"] = "1000000";
    environment["Likeness__MaxActiveJobs"] = "1000";
    Say($"starting the {name} server");
    var server = await Child.Start(apiDll, Path.Combine(work, name + "-server.log"), environment);
    Say("listening");
    return server;
}

async Task<Api> SignUp(Child server, Api admin, string name)
{
    var email = $"{name}@bench.local";
    const string password = "Bench-User-Passw0rd!";
    await admin.Json(HttpMethod.Post, "/api/v1/admin/users/", new { email, password, is_admin = false });
    var user = new Api(server.BaseUrl);
    await user.SignIn(email, password);
    return user;
}

// The signed-in admin, an identity with four photo-like 960×1280 PNG references, and one signed-in user.
async Task<(Api Admin, Api User, Guid IdentityId)> Setup(Child server, string userName)
{
    var admin = new Api(server.BaseUrl);
    await admin.SignIn(AdminEmail, AdminPassword);
    var identity = await admin.Json(HttpMethod.Post, "/api/v1/admin/identities/", new { name = "Bench", description = "A bench identity" });
    var identityId = (Guid)identity["id"]!;
    var form = new MultipartFormDataContent();
    SKColor[] colours = [SKColors.OrangeRed, SKColors.SeaGreen, SKColors.RoyalBlue, SKColors.Gold];
    for (var i = 0; i < colours.Length; i++)
    {
        var file = new ByteArrayContent(Photo(960, 1280, colours[i]));
        file.Headers.ContentType = new("image/png");
        form.Add(file, "files", $"reference{i}.png");
    }
    await admin.Json(HttpMethod.Post, $"/api/v1/admin/identities/{identityId}/reference-images/", form);
    return (admin, await SignUp(server, admin, userName), identityId);
}

// A gradient with noise, so the codec cannot compress it to nothing. The worst case's huge references use
// little noise and JPEG, so that 39.7 MP still fits the 10 MB upload limit.
static byte[] Photo(int width, int height, SKColor colour, int noise = 20, int? seed = null,
    SKEncodedImageFormat format = SKEncodedImageFormat.Png, int quality = 100)
{
    using var bitmap = new SKBitmap(width, height, SKColorType.Rgba8888, SKAlphaType.Opaque);
    var random = new Random(seed ?? width * height + colour.Red);
    var span = bitmap.GetPixelSpan();
    for (var y = 0; y < height; y++)
        for (var x = 0; x < width; x++)
        {
            var n = random.Next(-noise, noise);
            var p = (y * width + x) * 4;
            span[p] = (byte)Math.Clamp(colour.Red * x / width + n, 0, 255);
            span[p + 1] = (byte)Math.Clamp(colour.Green * y / height + n, 0, 255);
            span[p + 2] = (byte)Math.Clamp(colour.Blue + n, 0, 255);
            span[p + 3] = 255;
        }
    using var image = SKImage.FromBitmap(bitmap);
    using var encoded = image.Encode(format, quality);
    return encoded.ToArray();
}

static double Median(IEnumerable<double> values)
{
    var sorted = values.Order().ToList();
    if (sorted.Count == 0)
        return double.NaN;
    return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
}

static string Kb(long bytes) => bytes < 10_000 ? $"{bytes} B" : bytes < 10_000_000 ? $"{bytes / 1024.0:0.0} KB" : $"{bytes / 1048576.0:0.00} MB";
