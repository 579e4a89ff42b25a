using System.Diagnostics;
using System.Globalization;

namespace SegmentMiner.Worker.Tests;

/// <summary>
/// A throwaway PostgreSQL server (Debian's package) for the clustered job store: its own data folder, started on a
/// free loopback port as the postgres user (initdb refuses root), trust authentication on loopback only, removed
/// when disposed. Absent binaries skip the test with the reason, unless SEGMINER_REQUIRE_POSTGRES is set (CI sets
/// it after installing the package), where they fail it.
/// </summary>
internal sealed class PostgresCluster : IDisposable
{
    private readonly string _bin;
    private readonly string _data = Path.Combine(Path.GetTempPath(), "segminer-pg-" + Guid.NewGuid().ToString("N"));

    private PostgresCluster(string bin, int port)
    {
        _bin = bin;
        Port = port;
    }

    public int Port { get; }

    public string ConnectionString => $"Host=127.0.0.1;Port={Port};Username=postgres;Database=postgres;Pooling=false";

    public static PostgresCluster Start()
    {
        var bin = Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql").Select(d => Path.Combine(d, "bin")).Where(d => File.Exists(Path.Combine(d, "initdb"))).Order().LastOrDefault()
            : null;
        if (bin is null)
        {
            const string why = "PostgreSQL is not installed (Debian package postgresql; .ci/run installs it)";
            if (Environment.GetEnvironmentVariable("SEGMINER_REQUIRE_POSTGRES") is not null)
            {
                Assert.Fail(why);
            }

            Assert.Ignore(why);
        }

        var cluster = new PostgresCluster(bin!, RunTests.FreePort());
        cluster.Init();
        return cluster;
    }

    private void Init()
    {
        Directory.CreateDirectory(_data);
        if (Environment.UserName == "root")
        {
            Run("chown", "-R", "postgres:postgres", _data);
        }

        AsOwner("initdb", "-D", Path.Combine(_data, "db"), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync");
        var options = $"-p {Port.ToString(CultureInfo.InvariantCulture)} -k {_data} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=50";
        AsOwner("pg_ctl", "-D", Path.Combine(_data, "db"), "-l", Path.Combine(_data, "server.log"), "-o", options, "-w", "-t", "60", "start");
    }

    private void AsOwner(string tool, params string[] args)
    {
        var program = Path.Combine(_bin, tool);
        if (Environment.UserName == "root")
        {
            Run("runuser", ["-u", "postgres", "--", program, .. args]);
        }
        else
        {
            Run(program, args);
        }
    }

    private static void Run(string program, params string[] args)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args)
        {
            start.ArgumentList.Add(a);
        }

        using var p = Process.Start(start)!;
        var output = p.StandardOutput.ReadToEndAsync();
        var error = p.StandardError.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0)
        {
            Assert.Fail($"{program} {string.Join(' ', args)} exited {p.ExitCode}: {error}{output.Result}");
        }
    }

    public void Dispose()
    {
        try
        {
            AsOwner("pg_ctl", "-D", Path.Combine(_data, "db"), "-m", "immediate", "-w", "stop");
        }
        finally
        {
            Directory.Delete(_data, true);
        }
    }
}
