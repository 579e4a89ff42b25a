using System.Xml.Linq;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using SegmentMiner.Core;
using SegmentMiner.Core.Mining;
using SegmentMiner.Core.Models;
using SegmentMiner.Xmla;

namespace SegmentMiner.Embedded.Xmla;

/// <summary>
/// The protocol side of the embedded XMLA endpoint, without HTTP: a SOAP request in, a SOAP response out (or an
/// <see cref="XmlaFault"/>). Serves the Discover rowsets, the ASSL commands and the DMX statements the client emits,
/// with the embedded engine behind them.
/// </summary>
public sealed partial class XmlaService
{
    private readonly EmbeddedMiningServer _engine;
    private readonly EndpointCatalog _catalog;
    private readonly SemaphoreSlim _ddl = new(1, 1);
    private readonly ILogger _log;
    private int _cancels;

    public XmlaService(EmbeddedMiningServer engine, EndpointCatalog catalog, TimeSpan sessionTimeout, ILogger? logger = null)
    {
        _engine = engine;
        _catalog = catalog;
        Sessions = new SessionTable(sessionTimeout);
        _log = logger ?? NullLogger.Instance;
    }

    public SessionTable Sessions { get; }

    public EmbeddedMiningServer Engine => _engine;

    public EndpointCatalog Catalog => _catalog;

    /// <summary>How many Cancel commands arrived (tests watch it).</summary>
    public int CancelsReceived => Volatile.Read(ref _cancels);

    /// <summary>Raised with the session id when a Cancel arrives.</summary>
    public event Action<string>? CancelReceived;

    /// <summary>Raised when a Process command starts (tests use it to cancel mid-way).</summary>
    public event Action<string>? ProcessStarted;

    /// <summary>The request context: properties, the session, its catalog.</summary>
    internal sealed record Context(IReadOnlyDictionary<string, string> Properties, EndpointSession? Session, CancellationToken Cancellation)
    {
        public string? Catalog => Properties.GetValueOrDefault("Catalog") is { Length: > 0 } c ? c : Session?.Catalog;
    }

    public async Task<XDocument> HandleAsync(XDocument request, CancellationToken cancellationToken)
    {
        var envelope = request.Root;
        if (envelope?.Name != Ns.Soap + "Envelope")
        {
            throw new XmlaFault(XmlaFault.Parser, "The request is not a SOAP 1.1 envelope.");
        }

        var header = envelope.Element(Ns.Soap + "Header");
        var body = envelope.Element(Ns.Soap + "Body")?.Elements().FirstOrDefault()
            ?? throw new XmlaFault(XmlaFault.Parser, "The SOAP envelope has no method in its Body.");
        foreach (var h in header?.Elements() ?? [])
        {
            var known = h.Name.Namespace == Ns.Xmla && h.Name.LocalName is "BeginSession" or "Session" or "EndSession";
            if (!known && (string?)h.Attribute(Ns.Soap + "mustUnderstand") == "1" && h.Name.LocalName != "Version")
            {
                throw new XmlaFault(XmlaFault.Parser, $"The '{h.Name.LocalName}' SOAP header is not understood.");
            }
        }

        var properties = (body.Element(Ns.Xmla + "Properties")?.Element(Ns.Xmla + "PropertyList")?.Elements() ?? [])
            .GroupBy(e => e.Name.LocalName).ToDictionary(g => g.Key, g => g.First().Value, StringComparer.Ordinal);
        EndpointSession? session = null;
        string? returnSession = null;
        if (header?.Element(Ns.Xmla + "BeginSession") is not null)
        {
            session = Sessions.Begin(properties.GetValueOrDefault("Catalog"));
            returnSession = session.Id;
        }
        else if ((string?)header?.Element(Ns.Xmla + "Session")?.Attribute("SessionId") is { } id)
        {
            session = Sessions.Get(id);
            returnSession = id;
            if (properties.GetValueOrDefault("Catalog") is { Length: > 0 } catalog)
            {
                session.Catalog = catalog;
            }
        }
        else if ((string?)header?.Element(Ns.Xmla + "EndSession")?.Attribute("SessionId") is { } ended)
        {
            Sessions.Get(ended);
            Sessions.End(ended);
        }

        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, session?.Token ?? CancellationToken.None);
        var context = new Context(properties, session, linked.Token);
        _catalog.Refresh();
        await AdoptStoredModelsAsync(linked.Token);
        XElement result;
        string responseName;
        var content = ContentProperty(properties);
        switch (body.Name.LocalName)
        {
            case "Discover" when body.Name.Namespace == Ns.Xmla:
                responseName = "DiscoverResponse";
                result = content == "NONE" ? Empty() : Discover(body.Element(Ns.Xmla + "RequestType")?.Value.Trim() ?? "", Restrictions(body), context);
                break;
            case "Execute" when body.Name.Namespace == Ns.Xmla:
                responseName = "ExecuteResponse";
                result = content == "NONE" ? ValidateOnly(body.Element(Ns.Xmla + "Command")) : await ExecuteAsync(body.Element(Ns.Xmla + "Command"), context);
                break;
            default:
                throw new XmlaFault(XmlaFault.Parser, $"The '{body.Name.LocalName}' method is not an XMLA method; use Discover or Execute.");
        }

        result = ApplyContent(result, content);
        var responseHeader = new XElement(Ns.Soap + "Header");
        if (returnSession is not null)
        {
            responseHeader.Add(new XElement(Ns.Xmla + "Session", new XAttribute("SessionId", returnSession)));
        }

        return new XDocument(new XElement(Ns.Soap + "Envelope", new XAttribute(XNamespace.Xmlns + "soap", Ns.Soap.NamespaceName),
            responseHeader,
            new XElement(Ns.Soap + "Body", new XElement(Ns.Xmla + responseName, new XElement(Ns.Xmla + "return", result)))));
    }

    /// <summary>Restrictions by name; a restriction may be repeated or nest Value elements (both spellings clients use).</summary>
    private static Dictionary<string, List<string>> Restrictions(XElement discover) =>
        (discover.Element(Ns.Xmla + "Restrictions")?.Element(Ns.Xmla + "RestrictionList")?.Elements() ?? [])
            .GroupBy(e => e.Name.LocalName, StringComparer.OrdinalIgnoreCase)
            .ToDictionary(g => g.Key, g => g.SelectMany(e => e.HasElements ? e.Elements().Select(v => v.Value) : [e.Value]).ToList(), StringComparer.OrdinalIgnoreCase);

    private async Task<XElement> ExecuteAsync(XElement? command, Context context)
    {
        var content = command?.Elements().FirstOrDefault()
            ?? throw new XmlaFault(XmlaFault.Parser, "Execute has no Command.");
        if (content.Name == Ns.Xmla + "Statement")
        {
            return await StatementAsync(content.Value, context);
        }

        if (content.Name.Namespace != Ns.Engine)
        {
            throw new XmlaFault(XmlaFault.Parser, $"The '{content.Name.LocalName}' command is not in the Analysis Services engine namespace.");
        }

        if (content.Name.LocalName == "Cancel")
        {
            Cancel(content, context);
            return Empty();
        }

        if (content.Name.LocalName == "Batch" && (string?)content.Attribute("Transaction") == "false")
        {
            return await NonTransactionalBatchAsync(content, context);
        }

        await _ddl.WaitAsync(context.Cancellation);
        try
        {
            using var change = _catalog.BeginChange(context.Cancellation);
            var work = _catalog.Copy();
            var changed = new List<(string Database, string Structure)>();
            await RunAsync(content, work, changed, context);
            _catalog.Commit(work);
            await SyncEngineAsync(changed, context.Cancellation);
            return Empty();
        }
        finally
        {
            _ddl.Release();
        }
    }

    private async Task<XElement> NonTransactionalBatchAsync(XElement batch, Context context)
    {
        var results = new XElement(Ns.MultipleResults + "results");
        foreach (var command in Commands(batch))
        {
            await _ddl.WaitAsync(context.Cancellation);
            try
            {
                using var change = _catalog.BeginChange(context.Cancellation);
            var work = _catalog.Copy();
                var changed = new List<(string, string)>();
                await RunAsync(command, work, changed, context);
                _catalog.Commit(work);
                await SyncEngineAsync(changed, context.Cancellation);
                results.Add(Empty());
            }
            catch (XmlaFault f)
            {
                results.Add(new XElement(Ns.Empty + "root",
                    new XElement(Ns.Exception + "Exception"),
                    new XElement(Ns.Exception + "Messages", XmlaFault.ErrorElement(f.Code, f.Message))));
            }
            finally
            {
                _ddl.Release();
            }
        }

        return results;
    }

    private static IEnumerable<XElement> Commands(XElement batch) =>
        batch.Elements().SelectMany(e => e.Name.LocalName == "Parallel" ? e.Elements() : [e]);

    public static XElement Empty() => new(Ns.Empty + "root");

    private void Cancel(XElement cancel, Context context)
    {
        var target = cancel.Element(Ns.Engine + "SessionID")?.Value ?? context.Session?.Id
            ?? throw new XmlaFault(XmlaFault.Parser, "Cancel needs a SessionID, or a session to run in.");
        Interlocked.Increment(ref _cancels);
        CancelReceived?.Invoke(target);
        LogCancelReceived(_log, target);
        (Sessions.Find(target) ?? throw new XmlaFault(XmlaFault.Session, $"The session with the '{target}' ID cannot be found.")).Cancel();
    }

    /// <summary>The engine follows the catalog: a changed structure's definition replaces the engine's (dropping its training).</summary>
    private async Task SyncEngineAsync(List<(string Database, string Structure)> changed, CancellationToken ct)
    {
        foreach (var (db, structure) in changed.Distinct())
        {
            var database = _catalog.Database(db);
            var s = database is null ? null : EndpointCatalog.Child(database, "MiningStructures", "MiningStructure", structure);
            if (s is not null)
            {
                await _engine.DeployAsync(Definition(database!, s), ct);
            }
        }
    }

    /// <summary>A stored structure as a model definition (its first model).</summary>
    internal static ModelDefinition Definition(XElement database, XElement structure)
    {
        var dsvId = structure.Element(Ns.Engine + "Source")?.Element(Ns.Engine + "DataSourceViewID")?.Value ?? "";
        var dsv = EndpointCatalog.Child(database, "DataSourceViews", "DataSourceView", dsvId)
            ?? throw new XmlaFault(XmlaFault.Metadata, $"The mining structure '{EndpointCatalog.Id(structure)}' refers to the data source view '{dsvId}', which does not exist.");
        try
        {
            return Assl.ReadModel(EndpointCatalog.Id(database), structure, dsv);
        }
        catch (Exception e) when (e is SegmentMinerException or ArgumentException or FormatException)
        {
            throw new XmlaFault(XmlaFault.Metadata, $"Errors in the metadata manager. The mining structure '{EndpointCatalog.Id(structure)}' is not valid: {e.Message}");
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "processing {Model} ({Type})")]
    private static partial void LogProcessing(ILogger logger, string model, string type);

    [LoggerMessage(Level = LogLevel.Information, Message = "Cancel received for session {Session}")]
    private static partial void LogCancelReceived(ILogger logger, string session);
}
