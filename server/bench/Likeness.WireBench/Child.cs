using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Likeness.WireBench;

/// <summary>A child process (the real server, or the Gemini emulator) on a free loopback port; its output goes to a log file.</summary>
public sealed class Child : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StreamWriter _log;
    public string BaseUrl { get; }

    /// <summary>The most resident memory the process has had so far (Linux <c>VmHWM</c>), in bytes.</summary>
    public long PeakResidentBytes =>
        File.ReadLines($"/proc/{_process.Id}/status").FirstOrDefault(l => l.StartsWith("VmHWM:")) is { } line
            ? long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) * 1024
            : 0;

    private Child(Process process, StreamWriter log, string baseUrl)
    {
        _process = process;
        _log = log;
        BaseUrl = baseUrl;
    }

    /// <summary>Starts <c>dotnet {dll} --urls http://127.0.0.1:{port} {args}</c> and waits until it answers HTTP.</summary>
    public static async Task<Child> Start(string dll, string logPath, IDictionary<string, string> environment, params string[] args)
    {
        if (!File.Exists(dll))
            throw new FileNotFoundException($"{dll} is missing: build it in Release first (make bench does).");
        var baseUrl = $"http://127.0.0.1:{FreePort()}";
        // From its own folder, so it reads its appsettings.json (logging levels included) as a deployed app does.
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(Path.GetFullPath(dll))!,
        };
        start.ArgumentList.Add(Path.GetFullPath(dll));
        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add(baseUrl);
        foreach (var arg in args)
            start.ArgumentList.Add(arg);
        foreach (var (name, value) in environment)
            start.Environment[name] = value;
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        var log = new StreamWriter(logPath) { AutoFlush = true };
        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (log) log.WriteLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (log) log.WriteLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var child = new Child(process, log, baseUrl);

        using var probe = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (true)
        {
            if (process.HasExited)
                throw new InvalidOperationException($"{Path.GetFileName(dll)} exited with {process.ExitCode}; see {logPath}");
            try
            {
                using var _ = await probe.GetAsync(baseUrl + "/");
                return child; // any HTTP answer means it listens
            }
            catch (Exception) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(200);
            }
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            // SIGTERM first (a graceful ASP.NET Core shutdown), then kill whatever is left.
            using (var term = Process.Start("kill", ["-TERM", _process.Id.ToString()]))
                await term.WaitForExitAsync();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            try
            {
                await _process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                _process.Kill(entireProcessTree: true);
            }
        }
        _process.Dispose();
        lock (_log)
            _log.Dispose();
    }
}
