using System.Diagnostics;
using System.Globalization;

namespace SegmentMiner.Bench;

/// <summary>One <c>segminer</c> command as a child process: its time, its peak resident memory, what it said.</summary>
internal sealed record ChildRun(TimeSpan Elapsed, long PeakBytes, string Stdout, string Stderr, int ExitCode)
{
    /// <summary>Runs <c>segminer --data-dir root args</c>, sampling its peak resident set (VmHWM) as it runs.</summary>
    public static async Task<ChildRun> StartAsync(string root, IEnumerable<string> args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(typeof(Cli.CliApp).Assembly.Location);
        start.ArgumentList.Add("--data-dir");
        start.ArgumentList.Add(root);
        foreach (var a in args)
        {
            start.ArgumentList.Add(a);
        }

        var watch = Stopwatch.StartNew();
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        long peak = 0;
        while (!process.HasExited)
        {
            peak = Math.Max(peak, PeakResident(process.Id));
            await Task.Delay(20);
        }

        await process.WaitForExitAsync();
        return new ChildRun(watch.Elapsed, peak, await output, await errors, process.ExitCode);
    }

    /// <summary>VmHWM, the process's peak resident set so far (Linux); 0 where /proc is not there.</summary>
    private static long PeakResident(int pid)
    {
        try
        {
            var line = File.ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
            return line is null ? 0 : long.Parse(line[6..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) * 1024;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return 0;
        }
    }
}
