using Microsoft.Extensions.Logging.Abstractions;
using SegmentMiner.Core.Configuration;
using SegmentMiner.Embedded;
using SegmentMiner.Warehouse;
using SegmentMiner.Warehouse.Demo;
using SegmentMiner.Warehouse.DuckDb;
using SegmentMiner.Warehouse.Sync;

namespace SegmentMiner.Xmla.Tests;

/// <summary>A throw-away data folder with a synced demo warehouse (1,500 customers), shared by a fixture.</summary>
internal sealed class DemoWarehouse : IDisposable
{
    private DemoWarehouse(string root)
    {
        Root = root;
        Options = new SegmentMinerOptions { DataDir = root };
        Folder = new DataFolder(root);
    }

    public string Root { get; }

    public SegmentMinerOptions Options { get; }

    public DataFolder Folder { get; }

    public DuckDbWarehouse Warehouse => new(Folder, Options.Warehouse);

    /// <summary>An existing data folder (deleted on dispose).</summary>
    public static DemoWarehouse Open(string root) => new(root);

    public static string NewRoot() => Path.Combine(Path.GetTempPath(), "segminer-xmla-test-" + Guid.NewGuid().ToString("N"));

    /// <summary>
    /// A synced demo; without <paramref name="survey"/> no survey folder, without <paramref name="people"/> sources as
    /// they were before people data: no opportunity_contacts, no ContactId column, no contact's own answers.
    /// </summary>
    public static async Task<DemoWarehouse> CreateAsync(int customers = 1500, bool survey = true, bool people = true)
    {
        var w = new DemoWarehouse(NewRoot());
        w.Folder.EnsureExists();
        var asOf = new DateOnly(2026, 11, 15);
        new DemoGenerator(new DemoRequest(customers, 7, asOf)).Write(w.Folder.Sources, w.Folder.TruthFile);
        if (!survey)
        {
            Directory.Delete(w.Folder.SourceFolder("survey"), recursive: true);
        }

        if (!people)
        {
            WithoutPeople(w.Folder);
        }

        await new SyncService(w.Options, w.Folder, NullLogger.Instance).RunAsync(asOf);
        return w;
    }

    private static void WithoutPeople(DataFolder folder)
    {
        foreach (var file in Directory.EnumerateFiles(folder.SourceFolder("crm"), "opportunity_contacts*"))
        {
            File.Delete(file);
        }

        var own = new[] { ",goal,", ",challenge,", ",channel," };
        foreach (var file in Directory.EnumerateFiles(folder.SourceFolder("crm"), "activities*").Concat(Directory.EnumerateFiles(folder.SourceFolder("survey"), "responses*")))
        {
            var lines = File.ReadAllLines(file).Where(l => !own.Any(q => l.Contains(q, StringComparison.Ordinal))).Select(l => l[..l.LastIndexOf(',')]);
            File.WriteAllLines(file, lines);
        }
    }

    /// <summary>The planted group of every customer (truth.csv).</summary>
    public Dictionary<string, string> Truth() =>
        File.ReadAllLines(Folder.TruthFile).Skip(1).Select(l => l.Split(',')).ToDictionary(p => p[0], p => p[1]);

    /// <summary>A read-only query's rows.</summary>
    public async Task<List<T>> QueryAsync<T>(string sql)
    {
        await using var db = await Warehouse.OpenReadOnlyAsync();
        return (await Dapper.SqlMapper.QueryAsync<T>(db, sql)).ToList();
    }

    /// <summary>mining.vTestProducts: each account's subscribed products, the nested table of the test models.</summary>
    public async Task CreateProductsViewAsync()
    {
        await using var db = new DuckDB.NET.Data.DuckDBConnection($"Data Source={Warehouse.FilePath}");
        await db.OpenAsync();
        using var command = db.CreateCommand();
        command.CommandText = "CREATE VIEW mining.vTestProducts AS SELECT DISTINCT AccountId, Product FROM dw.FactSubscription";
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>The shipped definitions as the CLI and the worker see them over this warehouse: product personas split by product.</summary>
    public IReadOnlyList<Core.Models.ModelDefinition> Catalog() =>
        Core.Models.ModelCatalog.Shipped().Partitioned(m => Pipeline.Models.PartitionValues.Read(new SegmentMiner.Warehouse.Reading.DuckDbReader(Warehouse), m)).Models;

    /// <summary>An embedded server over this warehouse with its own model folder.</summary>
    public EmbeddedMiningServer Engine(string store) => new(new SegmentMiner.Warehouse.Reading.DuckDbReader(Warehouse), new ModelStore(Path.Combine(Root, store)));

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // a file still open after a failed test: leave the folder
        }
    }
}
