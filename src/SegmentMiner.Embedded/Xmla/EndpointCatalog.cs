using System.Xml.Linq;
using SegmentMiner.Xmla;

namespace SegmentMiner.Embedded.Xmla;

/// <summary>
/// The databases the endpoint holds, as the ASSL that created them: per database its data sources, data source
/// views and mining structures (each with its model). Saved to one XML file after every committed change (written
/// aside and moved into place); a transactional batch works on a copy that replaces the catalog only on success.
/// </summary>
public sealed class EndpointCatalog
{
    private readonly string? _file;

    private EndpointCatalog(string? file, XElement root)
    {
        _file = file;
        Root = root;
    }

    /// <summary><c>&lt;Catalog&gt;&lt;Database&gt;...</c> in the engine namespace.</summary>
    public XElement Root { get; private set; }

    public static EndpointCatalog Load(string? file)
    {
        var root = file is not null && File.Exists(file) ? XElement.Load(file) : new XElement(Ns.Engine + "Catalog");
        return new EndpointCatalog(file, root);
    }

    public IEnumerable<XElement> Databases => Root.Elements(Ns.Engine + "Database");

    public XElement? Database(string id) => Databases.FirstOrDefault(d => Same(Id(d), id));

    public static string Id(XElement e) => e.Element(Ns.Engine + "ID")?.Value ?? e.Element(Ns.Engine + "Name")?.Value ?? "";

    public static string Name(XElement e) => e.Element(Ns.Engine + "Name")?.Value ?? Id(e);

    public static bool Same(string a, string b) => string.Equals(a, b, StringComparison.OrdinalIgnoreCase);

    public static XElement Collection(XElement database, string collection)
    {
        var c = database.Element(Ns.Engine + collection);
        if (c is null)
        {
            c = new XElement(Ns.Engine + collection);
            database.Add(c);
        }

        return c;
    }

    public static IEnumerable<XElement> Children(XElement database, string collection, string item) =>
        database.Element(Ns.Engine + collection)?.Elements(Ns.Engine + item) ?? [];

    public static XElement? Child(XElement database, string collection, string item, string id) =>
        Children(database, collection, item).FirstOrDefault(e => Same(Id(e), id));

    /// <summary>A working copy for a transaction.</summary>
    public XElement Copy() => new(Root);

    /// <summary>Makes <paramref name="root"/> the catalog and saves it.</summary>
    public void Commit(XElement root)
    {
        Root = root;
        if (_file is null)
        {
            return;
        }

        Directory.CreateDirectory(Path.GetDirectoryName(_file)!);
        var temp = _file + ".tmp";
        root.Save(temp);
        File.Move(temp, _file, overwrite: true);
    }
}
