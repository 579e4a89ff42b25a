using System.Text.Json;
using SegmentMiner.Tests.Shared;

namespace SegmentMiner.Worker.Tests;

/// <summary>A data folder of its own for one test (deleted afterwards), with demo sources and a settings file.</summary>
internal sealed class TestFolder : IDisposable
{
    public TestFolder() => Directory.CreateDirectory(Root);

    public string Root { get; } = Path.Combine(Path.GetTempPath(), "segminer-worker-test-" + Guid.NewGuid().ToString("N"));

    public string Config => Path.Combine(Root, "settings.json");

    public string Sources => Path.Combine(Root, "sources");

    public async Task GenerateAsync(int customers, int seed = 5)
    {
        using var cli = new CliRun();
        var r = await cli.RunAsync("sources", "generate", "--customers", customers.ToString(System.Globalization.CultureInfo.InvariantCulture), "--seed", seed.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--as-of", "2026-11-15", "--out", Sources);
        Assert.That(r.Code, Is.Zero, r.Err);
    }

    /// <summary>Writes the settings file: the given sections, and features always as of the sources' date.</summary>
    public string WriteConfig(object worker, object? extra = null)
    {
        var settings = new Dictionary<string, object> { ["Worker"] = worker, ["Sync"] = new { AsOf = "2026-11-15" } };
        if (extra is not null)
        {
            foreach (var p in extra.GetType().GetProperties())
            {
                settings[p.Name] = p.GetValue(extra)!;
            }
        }

        File.WriteAllText(Config, JsonSerializer.Serialize(settings));
        return Config;
    }

    public string[] RunArgs(params string[] more) => ["run", "--config", Config, "--data-dir", Root, .. more];

    public async Task<List<T>> QueryAsync<T>(string sql)
    {
        var warehouse = new Warehouse.DuckDb.DuckDbWarehouse(new Warehouse.DataFolder(Root), new Core.Configuration.WarehouseOptions());
        // Opened as a writer opens it, so that a killed worker's last committed writes (still in the log) are read.
        await using var db = await warehouse.OpenForWriteAsync();
        return (await Dapper.SqlMapper.QueryAsync<T>(db, sql)).ToList();
    }

    public Task<List<(string Job, string Status, string Trigger, string? Error)>> JobRunsAsync() =>
        QueryAsync<(string, string, string, string?)>("select Job, Status, TriggerName, Error from ops.JobRun order by JobRunId");

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, true);
        }
        catch (IOException)
        {
            // a process that was killed may still hold a file for a moment; the folder is in the temp area
        }
    }
}
