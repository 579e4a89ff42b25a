using System.Globalization;

namespace SegmentMiner.Bench;

/// <summary>
/// The whole job at scale, as a user runs it: generate, sync, deploy, process, publish; then an increment of 1% of
/// the customers, and sync, process, publish again. Each phase is the real command line in a child process, so
/// that its time, rows per second and peak resident memory are its own.
/// </summary>
internal static class ScaleBenchmark
{
    private const long RequiredFreeBytes = 25L * 1024 * 1024 * 1024;

    public static async Task<int> RunAsync(int customers, string? dataDir, bool keep)
    {
        var root = Path.GetFullPath(dataDir ?? Path.Combine(Path.GetTempPath(), "segminer-scale-" + Guid.NewGuid().ToString("N")));
        Directory.CreateDirectory(root);
        var free = new DriveInfo(root).AvailableFreeSpace;
        if (free < RequiredFreeBytes)
        {
            Console.Error.WriteLine($"error: {root} has {free / 1e9:0.0} GB free; the scale benchmark needs at least 25 GB (sources, warehouse and spill files). Use --data-dir on a larger disk.");
            return 1;
        }

        var asOf = "2026-11-15";
        var phases = new List<Phase>();
        try
        {
            Console.Error.WriteLine($"scale benchmark: {customers:N0} customers under {root} ({free / 1e9:0} GB free)");
            phases.Add(await RunPhaseAsync("generate", root, ["sources", "generate", "--customers", Invariant(customers), "--as-of", asOf], RowsFromGenerate));
            phases.Add(await RunPhaseAsync("sync", root, ["sync", "--as-of", asOf, "--format", "csv"], RowsFromSync));
            phases.Add(await RunPhaseAsync("deploy", root, ["models", "deploy"], null));
            phases.Add(await RunPhaseAsync("process", root, ["models", "process"], null));
            phases.Add(await RunPhaseAsync("publish", root, ["publish"], null));
            phases.Add(await RunPhaseAsync("increment generate", root, ["sources", "generate", "--customers", Invariant(customers), "--as-of", asOf, "--increment", "1"], RowsFromGenerate));
            phases.Add(await RunPhaseAsync("increment sync", root, ["sync", "--as-of", asOf, "--format", "csv"], RowsFromSync));
            phases.Add(await RunPhaseAsync("increment process", root, ["models", "process"], null));
            phases.Add(await RunPhaseAsync("increment publish", root, ["publish"], null));
            Print(customers, phases);
            return phases.All(p => p.ExitCode == 0) ? 0 : 1;
        }
        finally
        {
            if (!keep && dataDir is null)
            {
                try
                {
                    Directory.Delete(root, recursive: true);
                }
                catch (IOException)
                {
                }
            }
        }
    }

    private static void Print(int customers, List<Phase> phases)
    {
        var o = Console.Out;
        o.WriteLine(Invariant($"customers {customers:N0}"));
        o.WriteLine("phase                     seconds        rows      rows/s   peak RSS MiB   exit");
        foreach (var p in phases)
        {
            var rate = p.Rows is { } r && p.Elapsed.TotalSeconds > 0 ? Invariant($"{r / p.Elapsed.TotalSeconds,11:N0}") : "          -";
            var rows = p.Rows is { } n ? Invariant($"{n,11:N0}") : "          -";
            o.WriteLine(Invariant($"{p.Name,-22} {p.Elapsed.TotalSeconds,10:0.0} {rows} {rate} {p.PeakRssBytes / 1048576.0,14:0} {p.ExitCode,6}"));
        }

        TimeSpan Sum(params string[] names) => TimeSpan.FromTicks(phases.Where(p => names.Contains(p.Name)).Sum(p => p.Elapsed.Ticks));
        var first = Sum("sync", "deploy", "process", "publish");
        var increment = Sum("increment sync", "increment process", "increment publish");
        var firstSync = phases.Single(p => p.Name == "sync").Elapsed;
        var incrementSync = phases.Single(p => p.Name == "increment sync").Elapsed;
        o.WriteLine(Invariant($"first job (sync, deploy, process, publish)   {first.TotalSeconds,8:0.0} s"));
        o.WriteLine(Invariant($"increment job (sync, process, publish)       {increment.TotalSeconds,8:0.0} s"));
        o.WriteLine(Invariant($"increment sync / first sync                  {incrementSync / firstSync * 100,8:0.0} %"));
        o.WriteLine(Invariant($"largest peak RSS of a step                   {phases.Max(p => p.PeakRssBytes) / 1048576.0,8:0} MiB"));
    }

    private static async Task<Phase> RunPhaseAsync(string name, string root, string[] args, Func<string, long?>? rows)
    {
        Console.Error.WriteLine($"-- {name}: segminer {string.Join(' ', args)}");
        var run = await ChildRun.StartAsync(root, args);
        Console.Error.Write(run.Stderr);
        Console.Error.WriteLine(Invariant($"   {run.Elapsed.TotalSeconds:0.0} s, peak {run.PeakBytes / 1048576.0:0} MiB, exit {run.ExitCode}"));
        return new Phase(name, run.Elapsed, rows?.Invoke(run.Stdout), run.PeakBytes, run.ExitCode);
    }

    /// <summary>generate prints "file\trows" lines.</summary>
    private static long? RowsFromGenerate(string output) =>
        output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split('\t')).Where(p => p.Length == 2 && long.TryParse(p[1], out _)).Sum(p => long.Parse(p[1], CultureInfo.InvariantCulture));

    /// <summary>sync --format csv: Entity,FilesLoaded,FilesAlreadyLoaded,RowsRead,...</summary>
    private static long? RowsFromSync(string output) =>
        output.Split(["\r\n", "\n"], StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(l => l.Split(',')).Where(p => p.Length > 3).Sum(p => long.Parse(p[3], CultureInfo.InvariantCulture));

    private static string Invariant(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);

    private static string Invariant(int n) => n.ToString(CultureInfo.InvariantCulture);

    private sealed record Phase(string Name, TimeSpan Elapsed, long? Rows, long PeakRssBytes, int ExitCode);
}
