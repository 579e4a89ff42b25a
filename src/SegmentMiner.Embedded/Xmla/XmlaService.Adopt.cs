using System.Xml.Linq;
using SegmentMiner.Core.Models;
using SegmentMiner.Xmla;

namespace SegmentMiner.Embedded.Xmla;

/// <summary>
/// One catalog for the endpoint and the CLI: a model deployed on the data folder without the endpoint (by
/// <c>segminer models deploy</c>, <c>demo</c> or the worker) appears as if deployed over XMLA, with the ASSL the
/// XMLA client sends: its database (the definition's, default SegmentMiner), data source, data source view and
/// structure "&lt;model&gt; Structure". Its definition is the stored one, so its processing is kept.
/// </summary>
public sealed partial class XmlaService
{
    /// <summary>What the data source of an adopted model says: the endpoint reads the data folder's warehouse, not this string.</summary>
    internal const string EmbeddedConnection = "Provider=SegmentMiner;Data Source=the data folder's warehouse";

    /// <summary>Adds the stored models the catalog does not hold yet; cheap when there are none.</summary>
    private async Task AdoptStoredModelsAsync(CancellationToken ct)
    {
        if (Unadopted().Count == 0)
        {
            return;
        }

        await _ddl.WaitAsync(ct);
        try
        {
            using var change = _catalog.BeginChange(ct);
            var missing = Unadopted();
            if (missing.Count == 0)
            {
                return;
            }

            var work = _catalog.Copy();
            foreach (var m in missing)
            {
                Adopt(work, m);
            }

            _catalog.Commit(work);
        }
        finally
        {
            _ddl.Release();
        }
    }

    private List<ModelDefinition> Unadopted()
    {
        var known = _catalog.Databases
            .SelectMany(d => EndpointCatalog.Children(d, "MiningStructures", "MiningStructure"))
            .SelectMany(s => s.Descendants(Ns.Engine + "MiningModel").Select(EndpointCatalog.Name))
            .ToHashSet(StringComparer.OrdinalIgnoreCase);
        return _engine.Store.Definitions().Select(d => d.Definition).Where(d => !known.Contains(d.Name)).ToList();
    }

    private static void Adopt(XElement catalog, ModelDefinition m)
    {
        var database = catalog.Elements(Ns.Engine + "Database").FirstOrDefault(d => EndpointCatalog.Same(EndpointCatalog.Id(d), m.Database));
        if (database is null)
        {
            database = new XElement(Ns.Engine + "Database", new XElement(Ns.Engine + "ID", m.Database), new XElement(Ns.Engine + "Name", m.Database),
                new XElement(Ns.Engine + "Description", "SegmentMiner segment models"));
            catalog.Add(database);
        }

        if (EndpointCatalog.Child(database, "DataSources", "DataSource", m.DataSource) is null)
        {
            EndpointCatalog.Collection(database, "DataSources").Add(Assl.DataSource(m.DataSource, EmbeddedConnection));
        }

        EndpointCatalog.Child(database, "DataSourceViews", "DataSourceView", EndpointCatalog.Id(Assl.DataSourceView(m)))?.Remove();
        EndpointCatalog.Collection(database, "DataSourceViews").Add(Assl.DataSourceView(m));
        EndpointCatalog.Child(database, "MiningStructures", "MiningStructure", EndpointCatalog.Id(Assl.MiningStructure(m)))?.Remove();
        EndpointCatalog.Collection(database, "MiningStructures").Add(Assl.MiningStructure(m));
    }
}
