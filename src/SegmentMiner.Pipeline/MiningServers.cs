using Microsoft.Extensions.Logging;
using SegmentMiner.Core.Configuration;
using SegmentMiner.Core.Mining;
using SegmentMiner.Embedded;
using SegmentMiner.Warehouse;
using SegmentMiner.Xmla;

namespace SegmentMiner.Pipeline;

/// <summary>Picks the mining server from configuration: the embedded engine (default) or Analysis Services.</summary>
public static class MiningServers
{
    public static IMiningServer Create(SegmentMinerOptions options, DataFolder folder, IWarehouseBackend warehouse, ILogger logger) =>
        options.Mining.Server switch
        {
            MiningServerKind.AnalysisServices => new XmlaMiningServer(new XmlaClient(ClientOptions(options.Mining.Xmla), logger), options.Mining.Xmla.DataSourceConnectionString, logger),
            _ => Embedded(warehouse, folder),
        };

    /// <summary>The embedded engine over the configured warehouse's case views (DuckDB or SQL Server), its models in the data folder.</summary>
    public static EmbeddedMiningServer Embedded(IWarehouseBackend warehouse, DataFolder folder) =>
        new(warehouse.Reader, new ModelStore(folder.Models));

    public static XmlaClientOptions ClientOptions(XmlaSettings s) => new()
    {
        Url = new Uri(s.Url ?? throw new Core.ConfigurationException(["Mining:Xmla:Url: required."])),
        Authentication = (XmlaAuthentication)(int)s.Authentication,
        User = s.User,
        Password = s.Password,
        AllowBasicOverHttp = s.AllowBasicOverHttp,
        QueryTimeout = s.QueryTimeout,
        ProcessTimeout = s.ProcessTimeout ?? Timeout.InfiniteTimeSpan,
        Retries = s.Retries,
    };
}
