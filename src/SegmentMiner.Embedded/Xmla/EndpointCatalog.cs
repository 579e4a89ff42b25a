using System.Xml.Linq;
using SegmentMiner.Xmla;

namespace SegmentMiner.Embedded.Xmla;

/// <summary>
/// The databases the endpoint holds, as the ASSL that created them: per database its data sources, data source
/// views and mining structures (each with its model). Saved to one XML file after every committed change (written
/// aside under a name of its own and moved into place); a transactional batch works on a copy that replaces the
/// catalog only on success. Several processes may serve one data folder: a change holds the file's lock
/// (<c>catalog.xml.lock</c>) from reading the newest catalog to saving it, and every request first picks up what
/// another process saved, so none loses another's change.
/// </summary>
public sealed class EndpointCatalog
{
    private readonly string? _file;

    private (DateTime Written, long Length)? _loaded;

    private EndpointCatalog(string? file, XElement root)
    {
        _file = file;
        Root = root;
        _loaded = Stamp(file);
    }

    /// <summary>How long a change waits for another process's change to finish.</summary>
    public static TimeSpan LockTimeout { get; set; } = TimeSpan.FromSeconds(30);

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

    /// <summary>Picks up the catalog another process saved since this one read it (a file stamp check when nothing changed).</summary>
    /// <remarks>
    /// Two saves within the file system's time resolution can leave the same stamp, so a file written in the last
    /// two seconds is read again whatever its stamp says; <see cref="BeginChange"/> always reads it.
    /// </remarks>
    public void Refresh(bool always = false)
    {
        var stamp = Stamp(_file);
        if (_file is null || stamp is null || (!always && stamp == _loaded && DateTime.UtcNow - stamp.Value.Written > TimeSpan.FromSeconds(2)))
        {
            return;
        }

        Root = XElement.Load(_file);
        _loaded = stamp;
    }

    /// <summary>
    /// Starts a change: takes the catalog file's lock (waiting for another process's change) and reads the newest
    /// catalog. Dispose after <see cref="Commit"/>.
    /// </summary>
    public IDisposable BeginChange(CancellationToken cancellationToken)
    {
        if (_file is null)
        {
            return new NoLock();
        }

        Directory.CreateDirectory(Path.GetDirectoryName(_file)!);
        var deadline = DateTime.UtcNow + LockTimeout;
        while (true)
        {
            try
            {
                var handle = new FileStream(_file + ".lock", FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
                Refresh(always: true);
                return handle;
            }
            catch (IOException) when (DateTime.UtcNow < deadline)
            {
                cancellationToken.WaitHandle.WaitOne(15);
                cancellationToken.ThrowIfCancellationRequested();
            }
            catch (IOException e)
            {
                throw new XmlaFault(XmlaFault.Metadata, $"The catalog is being changed by another process and did not become free within {LockTimeout.TotalSeconds:0} s: {e.Message}");
            }
        }
    }

    private static (DateTime Written, long Length)? Stamp(string? file)
    {
        var info = file is null ? null : new FileInfo(file);
        return info is { Exists: true } ? (info.LastWriteTimeUtc, info.Length) : null;
    }

    private sealed class NoLock : IDisposable
    {
        public void Dispose()
        {
        }
    }

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
        var temp = $"{_file}.{Environment.ProcessId}-{Guid.NewGuid():N}.tmp";
        root.Save(temp);
        File.Move(temp, _file, overwrite: true);
        _loaded = Stamp(_file);
    }
}
