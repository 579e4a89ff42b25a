using System.Xml.Linq;
using Microsoft.Extensions.Logging;
using SegmentMiner.Core;
using SegmentMiner.Core.Mining;
using SegmentMiner.Xmla;

namespace SegmentMiner.Embedded.Xmla;

/// <summary>ASSL: Batch, Create, Alter, Delete, Process over the catalog, strict where Analysis Services is strict.</summary>
public sealed partial class XmlaService
{
    private static readonly Dictionary<string, string> Collections = new(StringComparer.Ordinal)
    {
        ["DataSource"] = "DataSources",
        ["DataSourceView"] = "DataSourceViews",
        ["MiningStructure"] = "MiningStructures",
    };

    private async Task RunAsync(XElement command, XElement work, List<(string, string)> changed, Context context)
    {
        switch (command.Name.LocalName)
        {
            case "Batch":
                foreach (var c in Commands(command))
                {
                    await RunAsync(c, work, changed, context);
                }

                break;
            case "Create":
                Create(command, work, changed, alter: false);
                break;
            case "Alter":
                Create(command, work, changed, alter: true);
                break;
            case "Delete":
                await DeleteAsync(command, work, context);
                break;
            case "Process":
                await ProcessAsync(command, work, context);
                break;
            case "Statement":
                throw new XmlaFault(XmlaFault.Parser, "Statement is not supported inside a Batch; send DMX on its own.");
            default:
                throw new XmlaFault(XmlaFault.Parser, $"The '{command.Name.LocalName}' command is not supported by this server.");
        }
    }

    private static string? PathId(XElement? path, string name) => path?.Element(Ns.Engine + name)?.Value;

    private static XElement RequireDatabase(XElement work, string? id) =>
        (id is null ? null : work.Elements(Ns.Engine + "Database").FirstOrDefault(d => EndpointCatalog.Same(EndpointCatalog.Id(d), id)))
        ?? throw new XmlaFault(XmlaFault.Metadata, $"Either the user does not have access to the '{id}' database, or the database does not exist.");

    private static void Create(XElement command, XElement work, List<(string, string)> changed, bool alter)
    {
        var definition = command.Element(Ns.Engine + "ObjectDefinition")?.Elements().FirstOrDefault()
            ?? throw new XmlaFault(XmlaFault.Parser, $"{command.Name.LocalName} has no ObjectDefinition.");
        var overwrite = alter || (string?)command.Attribute("AllowOverwrite") == "true";
        var path = command.Element(Ns.Engine + (alter ? "Object" : "ParentObject"));
        var kind = definition.Name.LocalName;
        var id = EndpointCatalog.Id(definition);
        if (string.IsNullOrWhiteSpace(id))
        {
            throw new XmlaFault(XmlaFault.Metadata, $"The {kind} definition has no ID.");
        }

        definition = new XElement(definition);
        if (kind == "DataSource" && definition.Element(Ns.Engine + "ConnectionString") is { } cs)
        {
            cs.Value = Core.Secrets.RedactConnectionString(cs.Value); // the endpoint reads its own warehouse; it keeps no secret it was sent
        }

        if (kind == "Database")
        {
            var existing = work.Elements(Ns.Engine + "Database").FirstOrDefault(d => EndpointCatalog.Same(EndpointCatalog.Id(d), id));
            if (existing is not null && !overwrite)
            {
                throw new XmlaFault(XmlaFault.Metadata, $"The database with the ID of '{id}' already exists; use AllowOverwrite to replace it.");
            }

            if (existing is null && alter && (string?)command.Attribute("AllowCreate") != "true")
            {
                throw new XmlaFault(XmlaFault.Metadata, $"The database with the ID of '{id}' does not exist; use AllowCreate to create it.");
            }

            if (existing is not null && alter && (string?)command.Attribute("ObjectExpansion") != "ExpandFull")
            {
                // ObjectProperties: the database's own properties change, its children stay.
                foreach (var p in definition.Elements().Where(e => e.Name.LocalName is not ("DataSources" or "DataSourceViews" or "MiningStructures" or "Dimensions" or "Cubes" or "Roles" or "Assemblies")))
                {
                    existing.Element(p.Name)?.Remove();
                    existing.Add(new XElement(p));
                }

                return;
            }

            existing?.Remove();
            Stamp(definition);
            work.Add(definition);
            foreach (var s in EndpointCatalog.Children(definition, "MiningStructures", "MiningStructure"))
            {
                Validate(definition, s);
                changed.Add((id, EndpointCatalog.Id(s)));
            }

            return;
        }

        var database = RequireDatabase(work, PathId(path, "DatabaseID"));
        if (kind == "MiningModel")
        {
            var structureId = PathId(path, "MiningStructureID") ?? throw new XmlaFault(XmlaFault.Metadata, "A mining model's parent object needs a MiningStructureID.");
            var structure = EndpointCatalog.Child(database, "MiningStructures", "MiningStructure", structureId)
                ?? throw new XmlaFault(XmlaFault.Metadata, $"The mining structure with the ID of '{structureId}' does not exist in the '{EndpointCatalog.Id(database)}' database.");
            Replace(EndpointCatalog.Collection(structure, "MiningModels"), "MiningModel", definition, overwrite, $"mining structure '{structureId}'");
            Validate(database, structure);
            changed.Add((EndpointCatalog.Id(database), structureId));
            return;
        }

        if (!Collections.TryGetValue(kind, out var collection))
        {
            throw new XmlaFault(XmlaFault.Parser, $"Creating a {kind} is not supported by this server (data mining objects only).");
        }

        if (kind == "DataSourceView")
        {
            var source = definition.Element(Ns.Engine + "DataSourceID")?.Value ?? "";
            if (EndpointCatalog.Child(database, "DataSources", "DataSource", source) is null)
            {
                throw new XmlaFault(XmlaFault.Metadata, $"The data source view '{id}' refers to the data source '{source}', which does not exist in the '{EndpointCatalog.Id(database)}' database.");
            }
        }

        Stamp(definition);
        Replace(EndpointCatalog.Collection(database, collection), kind, definition, overwrite, $"database '{EndpointCatalog.Id(database)}'");
        if (kind == "MiningStructure")
        {
            Validate(database, definition);
            changed.Add((EndpointCatalog.Id(database), id));
        }
    }

    private static void Replace(XElement collection, string kind, XElement definition, bool overwrite, string parent)
    {
        var id = EndpointCatalog.Id(definition);
        var existing = collection.Elements(Ns.Engine + kind).FirstOrDefault(e => EndpointCatalog.Same(EndpointCatalog.Id(e), id));
        if (existing is not null && !overwrite)
        {
            throw new XmlaFault(XmlaFault.Metadata, $"The {kind} with the ID of '{id}' already exists in the {parent}; use AllowOverwrite to replace it.");
        }

        if (existing is null)
        {
            collection.Add(definition);
        }
        else
        {
            existing.ReplaceWith(definition);
        }
    }

    private static void Stamp(XElement definition)
    {
        var now = DateTime.UtcNow.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", System.Globalization.CultureInfo.InvariantCulture);
        definition.Element(Ns.Engine + "LastSchemaUpdate")?.Remove();
        definition.Add(new XElement(Ns.Engine + "LastSchemaUpdate", now));
    }

    /// <summary>A structure must resolve to a definition the engine accepts (data source view, data source, columns).</summary>
    private static void Validate(XElement database, XElement structure)
    {
        var definition = Definition(database, structure);
        if (EndpointCatalog.Child(database, "DataSources", "DataSource", definition.DataSource) is null)
        {
            throw new XmlaFault(XmlaFault.Metadata, $"The mining structure '{EndpointCatalog.Id(structure)}' reads the data source '{definition.DataSource}', which does not exist.");
        }

        try
        {
            Mining.ModelDefinitionMapping.ToEngine(definition);
        }
        catch (SegmentMinerException e)
        {
            throw new XmlaFault(XmlaFault.Metadata, $"Errors in the metadata manager. The mining model of '{EndpointCatalog.Id(structure)}' is not valid: {e.Message}");
        }
    }

    private async Task DeleteAsync(XElement command, XElement work, Context context)
    {
        var path = command.Element(Ns.Engine + "Object");
        var database = RequireDatabase(work, PathId(path, "DatabaseID"));
        foreach (var (pathName, collection, kind) in new[] { ("MiningStructureID", "MiningStructures", "MiningStructure"), ("DataSourceViewID", "DataSourceViews", "DataSourceView"), ("DataSourceID", "DataSources", "DataSource") })
        {
            if (PathId(path, pathName) is { } id)
            {
                var target = EndpointCatalog.Child(database, collection, kind, id)
                    ?? throw new XmlaFault(XmlaFault.Metadata, $"The {kind} with the ID of '{id}' does not exist in the '{EndpointCatalog.Id(database)}' database.");
                if (kind == "MiningStructure")
                {
                    await DropFromEngineAsync(target, context.Cancellation);
                }

                target.Remove();
                return;
            }
        }

        foreach (var s in EndpointCatalog.Children(database, "MiningStructures", "MiningStructure").ToList())
        {
            await DropFromEngineAsync(s, context.Cancellation);
        }

        database.Remove();
    }

    private async Task DropFromEngineAsync(XElement structure, CancellationToken ct)
    {
        var name = structure.Element(Ns.Engine + "MiningModels")?.Elements(Ns.Engine + "MiningModel").Select(EndpointCatalog.Name).FirstOrDefault();
        if (name is not null && _engine.Store.ReadDefinition(name) is { } stored)
        {
            await _engine.DropAsync(stored.Definition, ct);
        }
    }

    private async Task ProcessAsync(XElement command, XElement work, Context context)
    {
        var type = command.Element(Ns.Engine + "Type")?.Value ?? "ProcessDefault";
        var path = command.Element(Ns.Engine + "Object");
        var database = RequireDatabase(work, PathId(path, "DatabaseID"));
        var structures = EndpointCatalog.Children(database, "MiningStructures", "MiningStructure").ToList();
        if (PathId(path, "MiningStructureID") is { } sid)
        {
            structures = [EndpointCatalog.Child(database, "MiningStructures", "MiningStructure", sid)
                ?? throw new XmlaFault(XmlaFault.Metadata, $"The mining structure with the ID of '{sid}' does not exist in the '{EndpointCatalog.Id(database)}' database.")];
        }
        else if (PathId(path, "MiningModelID") is { } mid)
        {
            structures = structures.Where(s => s.Descendants(Ns.Engine + "MiningModel").Any(m => EndpointCatalog.Same(EndpointCatalog.Id(m), mid))).ToList();
            if (structures.Count == 0)
            {
                throw new XmlaFault(XmlaFault.Metadata, $"The mining model with the ID of '{mid}' does not exist in the '{EndpointCatalog.Id(database)}' database.");
            }
        }

        foreach (var structure in structures)
        {
            Validate(database, structure);
            var definition = Definition(database, structure);
            await _engine.DeployAsync(definition, context.Cancellation);
            switch (type)
            {
                case "ProcessClear":
                    _engine.Store.ClearModel(definition.Name);
                    await _engine.DeployAsync(definition, context.Cancellation);
                    break;
                case "ProcessFull" or "ProcessDefault" or "ProcessStructure":
                    ProcessStarted?.Invoke(definition.Name);
                    LogProcessing(_log, definition.Name, type.ToString());
                    try
                    {
                        await _engine.ProcessAsync(definition, type == "ProcessFull" ? ProcessType.Full : ProcessType.Default, null, context.Cancellation);
                    }
                    catch (OperationCanceledException)
                    {
                        throw new XmlaFault(XmlaFault.Cancelled, "Server: The operation has been cancelled.");
                    }
                    catch (SegmentMinerException e)
                    {
                        throw new XmlaFault(XmlaFault.Processing, $"Errors in the OLAP storage engine: processing '{definition.Name}' failed: {e.Message}");
                    }

                    break;
                default:
                    throw new XmlaFault(XmlaFault.Parser, $"The process type '{type}' does not apply to mining objects; use ProcessFull, ProcessDefault or ProcessClear.");
            }
        }
    }
}
