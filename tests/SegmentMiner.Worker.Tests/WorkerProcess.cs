using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.RegularExpressions;
using SegmentMiner.Cli;

namespace SegmentMiner.Worker.Tests;

/// <summary>
/// <c>segminer run</c> as a separate process, signalled as systemd or a container runtime would: its stderr lines
/// are collected as they come, and it is stopped with SIGTERM (or killed outright).
/// </summary>
internal sealed class WorkerProcess : IDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _lines = new();
    private readonly StringWriter _out = new();

    private WorkerProcess(Process process)
    {
        _process = process;
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                _lines.Enqueue(e.Data);
            }
        };
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (_out)
                {
                    _out.WriteLine(e.Data);
                }
            }
        };
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
    }

    public int Id => _process.Id;

    public string Stderr => string.Join('\n', _lines);

    public string Stdout
    {
        get
        {
            lock (_out)
            {
                return _out.ToString();
            }
        }
    }

    public static WorkerProcess Start(IEnumerable<string> args, IDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(typeof(CliApp).Assembly.Location);
        foreach (var a in args)
        {
            start.ArgumentList.Add(a);
        }

        foreach (var (k, v) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[k] = v;
        }

        return new WorkerProcess(Process.Start(start)!);
    }

    /// <summary>Waits until a stderr line matches; fails the test with what the worker said when it does not.</summary>
    public async Task<string> WaitForLineAsync(string pattern, TimeSpan timeout)
    {
        var regex = new Regex(pattern);
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < timeout)
        {
            if (_lines.FirstOrDefault(regex.IsMatch) is { } line)
            {
                return line;
            }

            if (_process.HasExited)
            {
                break;
            }

            await Task.Delay(20);
        }

        Assert.Fail($"no stderr line matched /{pattern}/ within {timeout.TotalSeconds} s (exited: {_process.HasExited}); stderr:\n{Stderr}");
        return "";
    }

    public int LinesMatching(string pattern) => _lines.Count(new Regex(pattern).IsMatch);

    /// <summary>SIGTERM, as a service manager stops a service.</summary>
    public void Terminate()
    {
        using var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
    }

    /// <summary>SIGINT, as Ctrl+C in a terminal.</summary>
    public void Interrupt()
    {
        using var kill = Process.Start("kill", ["-INT", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
    }

    /// <summary>SIGKILL: the machine lost, no chance to clean up.</summary>
    public void Kill() => _process.Kill(entireProcessTree: true);

    /// <summary>Waits for the exit; returns the exit code, or null when it did not exit in time (then it is killed).</summary>
    public async Task<int?> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cts.Token);
            return _process.ExitCode;
        }
        catch (OperationCanceledException)
        {
            Kill();
            return null;
        }
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            Kill();
        }

        _process.Dispose();
    }
}
