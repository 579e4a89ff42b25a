using System.Diagnostics;
using System.Text;
using SegmentMiner.Cli;

namespace SegmentMiner.Reliability.Tests;

/// <summary>What a <c>segminer</c> child process did: its exit code (137 when SIGKILLed), stdout and stderr.</summary>
internal sealed record ChildRun(int Code, string Out, string Err, TimeSpan Elapsed)
{
    public bool Killed => Code == 137;
}

/// <summary><c>segminer</c> as a separate process, as a service manager or a terminal runs it.</summary>
internal static class Segminer
{
    private static Process Start(IEnumerable<string> args, IReadOnlyDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(typeof(CliApp).Assembly.Location);
        foreach (var a in args)
        {
            start.ArgumentList.Add(a);
        }

        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        foreach (var (k, v) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[k] = v;
        }

        return Process.Start(start)!;
    }

    public static async Task<ChildRun> RunAsync(IEnumerable<string> args, IReadOnlyDictionary<string, string>? environment = null, TimeSpan? timeout = null)
    {
        var watch = Stopwatch.StartNew();
        using var process = Start(args, environment);
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromMinutes(3));
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            Assert.Fail($"segminer {string.Join(' ', args)} did not finish in time; stderr:\n{await stderr}");
        }

        return new ChildRun(process.ExitCode, await stdout, await stderr, watch.Elapsed);
    }

    /// <summary>Starts a run and SIGKILLs it after a delay, unless it finished before.</summary>
    public static async Task<ChildRun> KillAfterAsync(IEnumerable<string> args, TimeSpan delay)
    {
        var watch = Stopwatch.StartNew();
        using var process = Start(args);
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(delay))
        {
            process.Kill(entireProcessTree: true); // SIGKILL
        }

        await process.WaitForExitAsync();
        return new ChildRun(process.ExitCode, await stdout, await stderr, watch.Elapsed);
    }

    /// <summary>Runs and requires exit 0; the test fails with stderr otherwise.</summary>
    public static async Task<ChildRun> OkAsync(params string[] args)
    {
        var run = await RunAsync(args);
        Assert.That(run.Code, Is.Zero, () => $"segminer {string.Join(' ', args)}:\n{run.Err}");
        return run;
    }

    public static string Tail(string text, int lines = 15) =>
        string.Join('\n', text.Split('\n').TakeLast(lines));

    public static string Describe(ChildRun run) => new StringBuilder().Append("exit ").Append(run.Code).Append(", stderr:\n").Append(Tail(run.Err)).ToString();
}
