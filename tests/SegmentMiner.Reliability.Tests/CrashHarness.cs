using System.Text.Json;
using SegmentMiner.Embedded;

namespace SegmentMiner.Reliability.Tests;

/// <summary>A command under test, from the data folder state it starts from.</summary>
internal sealed record CrashCase(string Name, string BaseFolder, string[] Args);

/// <summary>What one uninterrupted run of a command does: its crash points in order, its result, how long it takes.</summary>
internal sealed record Baseline(IReadOnlyList<string> Points, SortedDictionary<string, string> Fingerprint, TimeSpan Elapsed);

/// <summary>One kill: where (a crash point, or a time after the start), whether the process died there, what differs after the re-run.</summary>
internal sealed record KillOutcome(string Where, bool Killed, IReadOnlyList<string> Differences, string? Failure);

/// <summary>
/// Runs a command as a child process from a copy of its starting data folder: once uninterrupted (listing its crash
/// points with SEGMINER_KILL_TRACE), then once per kill: SIGKILLed at a crash point (SEGMINER_KILL_AT) or after a
/// delay, run again to the end, and compared table by table, and model by model, with the uninterrupted run.
/// </summary>
internal sealed class CrashHarness(string root, string configFile)
{
    public string Root { get; } = root;

    public async Task<Baseline> BaselineAsync(CrashCase c)
    {
        var folder = Copy(c.BaseFolder, "baseline-" + c.Name);
        var trace = Path.Combine(Root, $"trace-{c.Name}.txt");
        File.Delete(trace);
        var run = await Segminer.RunAsync(Args(c, folder), new Dictionary<string, string> { ["SEGMINER_KILL_TRACE"] = trace });
        Assert.That(run.Code, Is.Zero, () => $"{c.Name} uninterrupted: {Segminer.Describe(run)}");
        var points = File.Exists(trace) ? File.ReadAllLines(trace).Where(l => l.Length > 0).ToList() : [];
        var fingerprint = await FingerprintAsync(folder);
        Directory.Delete(folder, true);
        return new Baseline(points, fingerprint, run.Elapsed);
    }

    /// <summary>Kills the command at a crash point (<c>name#n</c>) or after a delay, runs it again, compares.</summary>
    public async Task<KillOutcome> KillAndRerunAsync(CrashCase c, Baseline baseline, string? point, TimeSpan? after = null, Func<string, Task<string?>>? afterKill = null)
    {
        var where = point ?? $"after {after!.Value.TotalMilliseconds:0} ms";
        var folder = Copy(c.BaseFolder, $"kill-{c.Name}-{Guid.NewGuid():N}");
        try
        {
            ChildRun killed;
            if (point is not null)
            {
                killed = await Segminer.RunAsync(Args(c, folder), new Dictionary<string, string> { ["SEGMINER_KILL_AT"] = point });
                if (!killed.Killed)
                {
                    return new KillOutcome(where, false, [], $"not killed at {point}: {Segminer.Describe(killed)}");
                }
            }
            else
            {
                killed = await Segminer.KillAfterAsync(Args(c, folder), after!.Value);
            }

            var check = afterKill is null ? null : await afterKill(folder);
            if (check is not null)
            {
                return new KillOutcome(where, killed.Killed, [], check);
            }

            var again = await Segminer.RunAsync(Args(c, folder));
            if (again.Code != 0)
            {
                return new KillOutcome(where, killed.Killed, [], $"the re-run failed: {Segminer.Describe(again)}");
            }

            return new KillOutcome(where, killed.Killed, WarehouseFingerprint.Differences(baseline.Fingerprint, await FingerprintAsync(folder)), null);
        }
        finally
        {
            Directory.Delete(folder, true);
        }
    }

    /// <summary>
    /// Kills the command at each point of a chain in turn, each in the run that follows the previous kill (a crash
    /// while recovering from a crash), then runs it to the end and compares once: one outcome per point, whether
    /// the run it was set for reached it (a run that finished first did not, and ends the chain).
    /// </summary>
    public async Task<List<KillOutcome>> KillChainAndRerunAsync(CrashCase c, Baseline baseline, IReadOnlyList<string> chain, Func<string, Task<string?>>? afterKill = null)
    {
        var folder = Copy(c.BaseFolder, $"chain-{c.Name}-{Guid.NewGuid():N}");
        var killed = new List<(string Point, bool Killed)>();
        try
        {
            var finished = false;
            foreach (var point in chain.TakeWhile(_ => !finished))
            {
                var run = await Segminer.RunAsync(Args(c, folder), new Dictionary<string, string> { ["SEGMINER_KILL_AT"] = point });
                killed.Add((point, run.Killed));
                finished = !run.Killed;
                var failure = run.Killed ? (afterKill is null ? null : await afterKill(folder)) : run.Code == 0 ? null : $"the run set to be killed at {point} failed: {Segminer.Describe(run)}";
                if (failure is not null)
                {
                    return Outcomes(killed, [], failure);
                }
            }

            var again = finished ? null : await Segminer.RunAsync(Args(c, folder));
            return again is { Code: not 0 }
                ? Outcomes(killed, [], $"the re-run failed: {Segminer.Describe(again)}")
                : Outcomes(killed, WarehouseFingerprint.Differences(baseline.Fingerprint, await FingerprintAsync(folder)), null);
        }
        finally
        {
            Directory.Delete(folder, true);
        }
    }

    private static List<KillOutcome> Outcomes(List<(string Point, bool Killed)> killed, IReadOnlyList<string> differences, string? failure)
    {
        var chain = string.Join(" -> ", killed.Select(k => k.Killed ? k.Point : $"({k.Point}: finished first)"));
        return killed.Select(k => new KillOutcome($"{k.Point} in the chain {chain}", k.Killed, differences, failure)).ToList();
    }

    /// <summary>Points cut into chains of <paramref name="length"/>, each chain's points in the order of the run.</summary>
    public static List<List<string>> Chains(IReadOnlyList<string> points, int length)
    {
        var count = (points.Count + length - 1) / length;
        return Enumerable.Range(0, count).Select(i => points.Where((_, j) => j % count == i).ToList()).ToList();
    }

    /// <summary>The warehouse's tables, and each processed model's content (what publish reads from it).</summary>
    public static async Task<SortedDictionary<string, string>> FingerprintAsync(string folder)
    {
        var result = await WarehouseFingerprint.OfAsync(folder);
        var store = new ModelStore(Path.Combine(folder, "models"));
        foreach (var definition in store.Definitions())
        {
            var model = store.ReadModel(definition.Definition.Name);
            result["model " + definition.Definition.Name] = model is null ? "(not processed)" : Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(JsonSerializer.SerializeToUtf8Bytes(model.Content())));
        }

        return result;
    }

    /// <summary>Evenly spread points of a run: all of them when <paramref name="count"/> is at least their number.</summary>
    public static List<string> Spread(IReadOnlyList<string> points, int count) =>
        count >= points.Count ? points.ToList() : Enumerable.Range(0, count).Select(i => points[(int)((long)i * points.Count / count)]).Distinct().ToList();

    public string[] Args(CrashCase c, string folder) => [.. c.Args, "--data-dir", folder, "--config", configFile];

    public string Copy(string from, string name)
    {
        var to = Path.Combine(Root, name);
        foreach (var dir in Directory.EnumerateDirectories(from, "*", SearchOption.AllDirectories))
        {
            Directory.CreateDirectory(Path.Combine(to, Path.GetRelativePath(from, dir)));
        }

        Directory.CreateDirectory(to);
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            File.Copy(file, Path.Combine(to, Path.GetRelativePath(from, file)));
        }

        return to;
    }
}
