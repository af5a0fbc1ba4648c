using Likeness.Api.Providers.Local;
using Microsoft.Extensions.Configuration;

namespace Likeness.Emulators.Gemini;

/// <summary>
/// Runs the emulator on its own, for the browser end-to-end tests and for trying the app without Google:
/// <c>dotnet run --project server/tests/Likeness.GeminiEmulator -- --urls http://127.0.0.1:5199 --thinking-seconds 10</c>.
/// Prints one line when it listens, then one line per call; stops on Ctrl+C or SIGTERM.
/// </summary>
public static class EmulatorProgram
{
    public static async Task<int> Main(string[] args)
    {
        var configuration = new ConfigurationBuilder()
            .AddEnvironmentVariables()
            .AddCommandLine(args, EmulatorOptions.SwitchMappings.ToDictionary())
            .Build();
        var options = new EmulatorOptions();
        configuration.GetSection(EmulatorOptions.SectionName).Bind(options);
        try
        {
            options.Validate();
        }
        catch (ArgumentException ex)
        {
            Console.Error.WriteLine(ex.Message);
            return 2;
        }

        // Only the host's own settings (--urls and the like) go on to Kestrel; ours are read above.
        var hostArgs = StripOwnSwitches(args);
        await using var emulator = await GeminiEmulator.Start(new LocalImageProvider(), options, hostArgs, Console.WriteLine);
        var delays = emulator.Delays;
        Console.WriteLine(
            $"Gemini emulator listening on {emulator.BaseUrl} (model {emulator.Model}; thinking {delays.Thinking.TotalSeconds:0.##} s, " +
            $"{emulator.Previews} preview(s) {delays.Preview.TotalSeconds:0.##} s each, drawing {delays.Drawing.TotalSeconds:0.##} s). " +
            "Point the app at it with Gemini__BaseUrl and Gemini__ApiKey. Ctrl+C stops it.");
        await emulator.WaitForShutdown();
        return 0;
    }

    private static string[] StripOwnSwitches(string[] args)
    {
        var rest = new List<string>();
        for (var i = 0; i < args.Length; i++)
        {
            var arg = args[i];
            var name = arg.Split('=', 2)[0];
            var own = EmulatorOptions.SwitchMappings.ContainsKey(name)
                      || name.StartsWith($"--{EmulatorOptions.SectionName}:", StringComparison.OrdinalIgnoreCase)
                      || name.StartsWith($"/{EmulatorOptions.SectionName}:", StringComparison.OrdinalIgnoreCase);
            if (!own)
            {
                rest.Add(arg);
                continue;
            }
            if (!arg.Contains('=') && i + 1 < args.Length)
                i++; // the switch's value
        }
        return rest.ToArray();
    }
}
