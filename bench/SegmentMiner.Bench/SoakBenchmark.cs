using System.Globalization;
using System.Text.RegularExpressions;

namespace SegmentMiner.Bench;

/// <summary>
/// The soak: a warehouse kept current for many days. After the first load, each increment is the next day's delta
/// (sources generate --increment K) and a sync with the as-of date one day later; every 20th is also processed and
/// published. Each step is the real command line in a child process, so its time and peak resident memory are its
/// own. Per increment it prints the sync's time split into the daily features pass, the snapshot pass (whole at a
/// month's start) and the rest, and the peak memory; then whether the rest and the peak memory stay within ±20% from
/// increment 20 to the last.
/// </summary>
internal static partial class SoakBenchmark
{
    public static async Task<int> RunAsync(int customers, int increments, string? dataDir)
    {
        var root = Path.GetFullPath(dataDir ?? Path.Combine(Path.GetTempPath(), "segminer-soak-" + Guid.NewGuid().ToString("N")));
        Directory.CreateDirectory(root);
        var start = new DateOnly(2026, 1, 10);
        var rows = new List<Increment>();
        try
        {
            Console.Error.WriteLine($"soak: {customers:N0} customers, {increments} daily increments under {root}");
            await RunAsync(root, ["sources", "generate", "--customers", I(customers), "--as-of", D(start)]);
            await RunAsync(root, ["sync", "--as-of", D(start)]);
            await RunAsync(root, ["models", "deploy"]);
            var o = Console.Out;
            o.WriteLine("increment  as-of       sync s  features s  snapshots s   rest s  peak MiB  pass        process+publish s");
            for (var k = 1; k <= increments; k++)
            {
                var asOf = start.AddDays(k);
                await RunAsync(root, ["sources", "generate", "--customers", I(customers), "--as-of", D(start), "--increment", I(k)]);
                var sync = await RunAsync(root, ["sync", "--as-of", D(asOf)]);
                var (features, snapshots) = Split(sync.Stderr);
                var monthEnd = asOf.Day == 1;
                double? job = null;
                if (k % 20 == 0)
                {
                    job = (await RunAsync(root, ["models", "process"])).Elapsed.TotalSeconds + (await RunAsync(root, ["publish"])).Elapsed.TotalSeconds;
                }

                var row = new Increment(k, asOf, sync.Elapsed.TotalSeconds, features, snapshots, sync.PeakBytes / 1048576.0, monthEnd, job);
                rows.Add(row);
                o.WriteLine(Invariant($"{k,9}  {D(asOf)}  {row.Sync,6:0.00}  {features,10:0.00}  {snapshots,11:0.00}  {row.Rest,7:0.00}  {row.PeakMiB,8:0}  {(monthEnd ? "month-end" : "daily"),-10}  {(job is { } j ? j.ToString("0.0", CultureInfo.InvariantCulture) : "")}"));
            }

            return Summarize(rows) ? 0 : 1;
        }
        finally
        {
            if (dataDir is null)
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

    /// <summary>Daily and month-end passes apart; the rest and the peak memory of increments 20 to 29 against the last ten.</summary>
    private static bool Summarize(List<Increment> rows)
    {
        var o = Console.Out;
        var daily = rows.Where(r => !r.MonthEnd).ToList();
        var monthEnd = rows.Where(r => r.MonthEnd).ToList();
        o.WriteLine(Invariant($"daily increments: {daily.Count}, sync {Avg(daily, r => r.Sync):0.00} s on average (features pass {Avg(daily, r => r.Features):0.00} s, snapshots {Avg(daily, r => r.Snapshots):0.00} s)"));
        o.WriteLine(Invariant($"month-end increments: {monthEnd.Count}, sync {Avg(monthEnd, r => r.Sync):0.00} s on average (features pass {Avg(monthEnd, r => r.Features):0.00} s, snapshots {Avg(monthEnd, r => r.Snapshots):0.00} s)"));
        var jobs = rows.Where(r => r.Job is not null).ToList();
        if (jobs.Count > 0)
        {
            o.WriteLine(Invariant($"process+publish every 20: first {jobs[0].Job:0.0} s, last {jobs[^1].Job:0.0} s"));
        }

        if (rows.Count < 40)
        {
            o.WriteLine("fewer than 40 increments: no drift verdict");
            return true;
        }

        var early = rows.Where(r => r.Number is >= 20 and < 30).ToList();
        var late = rows.TakeLast(10).ToList();
        var rest = Avg(late, r => r.Rest) / Avg(early, r => r.Rest);
        var memory = Avg(late, r => r.PeakMiB) / Avg(early, r => r.PeakMiB);
        o.WriteLine(Invariant($"rest of an increment's sync: {Avg(early, r => r.Rest):0.00} s at 20-29, {Avg(late, r => r.Rest):0.00} s at the last ten ({(rest - 1) * 100:+0;-0} %)"));
        o.WriteLine(Invariant($"peak memory of an increment's sync: {Avg(early, r => r.PeakMiB):0} MiB at 20-29, {Avg(late, r => r.PeakMiB):0} MiB at the last ten ({(memory - 1) * 100:+0;-0} %)"));
        var within = Math.Abs(rest - 1) <= 0.2 && Math.Abs(memory - 1) <= 0.2;
        o.WriteLine(within ? "within ±20%: yes" : "within ±20%: NO");
        return within;
    }

    private static double Avg(List<Increment> rows, Func<Increment, double> f) => rows.Count == 0 ? 0 : rows.Average(f);

    /// <summary>"features and snapshots: ... (features X s, snapshots Y s)" from the sync's stderr.</summary>
    private static (double Features, double Snapshots) Split(string stderr)
    {
        var m = DerivedLine().Match(stderr);
        return m.Success ? (double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture), double.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture)) : (0, 0);
    }

    [GeneratedRegex(@"features and snapshots: .*\(features ([0-9.]+) s, snapshots ([0-9.]+) s\)")]
    private static partial Regex DerivedLine();

    private static async Task<ChildRun> RunAsync(string root, string[] args)
    {
        var run = await ChildRun.StartAsync(root, args);
        return run.ExitCode == 0 ? run : throw new InvalidOperationException($"segminer {string.Join(' ', args)} exited {run.ExitCode}:\n{run.Stderr}");
    }

    private static string D(DateOnly d) => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static string I(int n) => n.ToString(CultureInfo.InvariantCulture);

    private static string Invariant(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);

    private sealed record Increment(int Number, DateOnly AsOf, double Sync, double Features, double Snapshots, double PeakMiB, bool MonthEnd, double? Job)
    {
        public double Rest => Sync - Features - Snapshots;
    }
}
