using Microsoft.Extensions.Logging;
using SegmentMiner.Core.Configuration;
using SegmentMiner.Embedded.Xmla;
using SegmentMiner.Warehouse;

namespace SegmentMiner.Pipeline.Serving;

/// <summary><c>segminer xmla serve</c>: the embedded engine over XMLA, with the endpoint's settings (Mining:Endpoint).</summary>
public sealed class EndpointService(SegmentMinerOptions options, DataFolder folder, IWarehouseBackend warehouse, ILogger<EndpointService> log)
{
    /// <summary>Starts listening (at <paramref name="urls"/>, else Mining:Endpoint:Urls); dispose the endpoint to stop.</summary>
    public async Task<XmlaEndpoint> StartAsync(string? urls, CancellationToken cancellationToken)
    {
        var settings = options.Mining.Endpoint;
        var engine = MiningServers.Embedded(warehouse, folder);
        var catalog = EndpointCatalog.Load(Path.Combine(folder.Root, "xmla", "catalog.xml"));
        var service = new XmlaService(engine, catalog, settings.SessionTimeout, log);
        var endpoint = new XmlaEndpointOptions { Urls = urls ?? settings.Urls, User = settings.User, Password = settings.Password, SessionTimeout = settings.SessionTimeout };
        return await XmlaEndpoint.StartAsync(service, endpoint, log, cancellationToken);
    }
}
