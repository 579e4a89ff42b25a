using System.Text.RegularExpressions;
using SegmentMiner.Core.Configuration;

namespace SegmentMiner.Worker.Tests;

/// <summary>
/// What can be checked here of deploy/ (there is no container runtime and no Windows on this machine): the container
/// image holds only the published output and runs as a user other than root; the systemd unit stops the worker the
/// way the worker expects; the production settings example names only settings that exist.
/// </summary>
[TestFixture]
public sealed partial class DeployTests
{
    private static string Deploy(string file) => Path.Combine(Root(), "deploy", file);

    private static string Root()
    {
        var dir = new DirectoryInfo(TestContext.CurrentContext.TestDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "SegmentMiner.sln")))
        {
            dir = dir.Parent;
        }

        Assert.That(dir, Is.Not.Null, "the repository root (SegmentMiner.sln) above the test folder");
        return dir!.FullName;
    }

    /// <summary>The DBA's script for the scheduler's tables is the referenced Quartz package's own, statement for statement.</summary>
    [Test]
    public void ShippedQuartzScript_MatchesTheQuartzPackage()
    {
        var shipped = File.ReadAllText(Path.Combine(Root(), "sql", "sqlserver", "quartz", "create_quartz_tables.sql")).ReplaceLineEndings("\n")
            .Split("\nGO\n", StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Select(s => string.Join('\n', s.Split('\n').SkipWhile(l => l.StartsWith("--", StringComparison.Ordinal) || l.Length == 0)))
            .Where(s => s.Length > 0)
            .ToList();
        var package = Cli.Worker.SchedulerSchema.Statements(JobStoreProvider.SqlServer, "QRTZ_")
            .Select(s => string.Join('\n', s.Split('\n').SkipWhile(l => l.StartsWith("--", StringComparison.Ordinal) || l.Length == 0)))
            .ToList();
        Assert.That(shipped, Is.EqualTo(package));
        Assert.That(package, Has.Count.GreaterThan(10));
    }

    private static List<string> Instructions(string path) =>
        File.ReadAllLines(path).Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#')).ToList();

    [Test]
    public void ContainerFile_CopiesOnlyThePublishedOutput_AndRunsAsANonRootUser()
    {
        var lines = Instructions(Deploy("Containerfile"));
        var copies = lines.Where(l => Regex.IsMatch(l, "^(COPY|ADD) ", RegexOptions.IgnoreCase)).ToList();
        Assert.That(copies, Is.Not.Empty);
        foreach (var copy in copies)
        {
            var sources = copy.Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).Where(a => !a.StartsWith("--", StringComparison.Ordinal)).SkipLast(1).ToList();
            Assert.That(sources, Is.All.Match("^publish/"), $"'{copy}' copies something other than the published output");
        }

        var users = lines.Select((l, i) => (l, i)).Where(x => x.l.StartsWith("USER ", StringComparison.OrdinalIgnoreCase)).ToList();
        var entry = lines.FindIndex(l => l.StartsWith("ENTRYPOINT", StringComparison.OrdinalIgnoreCase));
        Assert.That(users, Is.Not.Empty, "a USER instruction");
        var last = users.Last(u => u.i < entry).l.Split(' ', 2)[1].Trim();
        Assert.That(last, Is.Not.EqualTo("root").And.Not.EqualTo("0").And.Not.StartWith("0:"), "the worker runs as a user other than root");
        Assert.That(lines[entry], Does.Contain("segminer.dll"));
    }

    [Test]
    public void SystemdUnit_StopsWithSigterm_AndWaitsLongerThanTheWorkersShutdownTimeout()
    {
        var unit = Instructions(Deploy("segminer.service")).Where(l => l.Contains('=')).Select(l => l.Split('=', 2)).ToLookup(p => p[0], p => p[1]);
        Assert.That(unit["Type"].Single(), Is.EqualTo("notify"), "Microsoft.Extensions.Hosting.Systemd notifies start and stop");
        Assert.That(unit["KillSignal"].Single(), Is.EqualTo("SIGTERM"));
        Assert.That(TimeSpan.FromSeconds(int.Parse(unit["TimeoutStopSec"].Single(), System.Globalization.CultureInfo.InvariantCulture)), Is.GreaterThan(new WorkerOptions().ShutdownTimeout));
        Assert.That(unit["ExecStart"].Single(), Does.EndWith("segminer.dll run"));
        Assert.That(unit["User"].Single(), Is.Not.EqualTo("root"));
        Assert.That(unit["RestartPreventExitStatus"].Single(), Is.EqualTo("2"), "a settings error is not restarted in a loop");
    }

    [Test]
    public void ProductionSettingsExample_NamesOnlySettingsThatExist()
    {
        var configuration = OptionsLoader.BuildConfiguration(Deploy("appsettings.Production.example.json"), baseDirectory: Path.GetTempPath());
        var options = OptionsLoader.BindOnly(configuration);
        Assert.That(options.Warehouse.Provider, Is.EqualTo(WarehouseProvider.SqlServer));
        Assert.That(options.Mining.Server, Is.EqualTo(MiningServerKind.AnalysisServices));
        Assert.That(options.Worker.JobStore.Kind, Is.EqualTo(JobStoreKind.AdoNet));
    }
}
