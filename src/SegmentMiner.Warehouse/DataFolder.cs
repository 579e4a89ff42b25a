using SegmentMiner.Core.Configuration;

namespace SegmentMiner.Warehouse;

/// <summary>The layout of the data folder: sources, the DuckDB warehouse, the writer lock, the demo truth.</summary>
public sealed class DataFolder
{
    public DataFolder(string root)
    {
        Root = Path.GetFullPath(root);
        if (File.Exists(Root))
        {
            throw new WarehouseException($"the data folder '{Root}' (--data-dir or DataDir) is a file, not a folder");
        }
    }

    public string Root { get; }

    public string Sources => Path.Combine(Root, "sources");

    public string SourceFolder(string folder) => Path.Combine(Sources, folder);

    public string TruthFile => Path.Combine(Root, "truth.csv");

    /// <summary>The demo's planted people: ContactId,Product,Archetype (beside <see cref="TruthFile"/>).</summary>
    public const string ContactTruthFileName = "truth-contacts.csv";

    public string ContactTruthFile => Path.Combine(Root, ContactTruthFileName);

    /// <summary>Where DuckDB spills what does not fit in <c>Warehouse:MemoryLimit</c>.</summary>
    public string TempFolder => Path.Combine(Root, "tmp");

    public string LockFile => Path.Combine(Root, "warehouse.lock");

    /// <summary>The embedded mining server's deployed definitions and processed models.</summary>
    public string Models => Path.Combine(Root, "models");

    public string WarehouseFile(WarehouseOptions options) =>
        Path.IsPathRooted(options.DuckDbFile) ? options.DuckDbFile : Path.Combine(Root, options.DuckDbFile);

    public void EnsureExists()
    {
        Directory.CreateDirectory(Root);
        foreach (var f in new[] { "crm", "billing", "survey" })
        {
            var folder = SourceFolder(f);
            if (File.Exists(folder) || File.Exists(Sources))
            {
                throw new WarehouseException($"'{(File.Exists(Sources) ? Sources : folder)}' is a file, not a folder: the {f} sources are read from a folder of that name");
            }

            Directory.CreateDirectory(folder);
        }
    }
}
