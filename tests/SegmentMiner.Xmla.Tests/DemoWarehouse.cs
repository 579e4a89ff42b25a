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

    public static string NewRoot() => Path.Combine(Path.GetTempPath(), "segminer-xmla-test-" + Guid.NewGuid().ToString("N"));

    public static async Task<DemoWarehouse> CreateAsync(int customers = 1500)
    {
        var w = new DemoWarehouse(NewRoot());
        w.Folder.EnsureExists();
        var asOf = new DateOnly(2026, 11, 15);
        new DemoGenerator(new DemoRequest(customers, 7, asOf)).Write(w.Folder.Sources, w.Folder.TruthFile);
        await new SyncService(w.Options, w.Folder, NullLogger.Instance).RunAsync(asOf);
        return w;
    }

    /// <summary>An embedded server over this warehouse with its own model folder.</summary>
    public EmbeddedMiningServer Engine(string store) => new(Warehouse, new ModelStore(Path.Combine(Root, store)));

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
