using System.Globalization;
using System.Runtime.CompilerServices;
using System.Xml.Linq;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using SegmentMiner.Core.Mining;
using SegmentMiner.Core.Models;

namespace SegmentMiner.Xmla;

/// <summary>
/// Analysis Services (2016 to 2019, multidimensional) as the mining server, through <see cref="XmlaClient"/>: ASSL to
/// deploy and process, the content schema rowset, the clustering viewer procedures, and a DMX prediction join over
/// the case view for membership. Profiles are computed from the content, as the embedded server computes them.
/// </summary>
public sealed partial class XmlaMiningServer : IMiningServer
{
    private readonly XmlaClient _client;
    private readonly string? _connectionString;
    private readonly ILogger _log;
    private Task<string>? _check;

    /// <param name="connectionString">What the server uses to read the warehouse (a secret); required to deploy.</param>
    public XmlaMiningServer(XmlaClient client, string? connectionString, ILogger? logger = null)
    {
        _client = client;
        _connectionString = connectionString;
        _log = logger ?? NullLogger.Instance;
    }

    public string Kind => "analysis-services";

    public XmlaClient Client => _client;

    /// <summary>Checks the server once (version, data mining available) before the first real command.</summary>
    private Task<string> CheckAsync(CancellationToken ct) => _check ??= _client.CheckServerAsync(ct);

    public async Task<DeployResult> DeployAsync(ModelDefinition model, CancellationToken cancellationToken = default)
    {
        await CheckAsync(cancellationToken);
        var connection = _connectionString ?? throw new Core.ConfigurationException(["Mining:Xmla:DataSourceConnectionString: required to deploy to Analysis Services (the connection string the server uses to read the warehouse)."]);
        var stored = await StructureMetadataAsync(model, cancellationToken);
        if (stored is not null && Assl.StoredHash(stored) == model.Hash && Assl.StoredFingerprint(stored) == Assl.Fingerprint(model, connection))
        {
            return new DeployResult(model.Name, DeployOutcome.Unchanged); // same definition, same data source
        }

        await _client.ExecuteAsync(Assl.DeployBatch([model], connection), cancellationToken: cancellationToken);
        return new DeployResult(model.Name, stored is null ? DeployOutcome.Created : DeployOutcome.Updated);
    }

    /// <summary>The structure's ASSL as stored on the server, or null when it (or its database) does not exist.</summary>
    public async Task<XElement?> StructureMetadataAsync(ModelDefinition model, CancellationToken cancellationToken)
    {
        var catalogs = await _client.DiscoverAsync("DBSCHEMA_CATALOGS", new Dictionary<string, string> { ["CATALOG_NAME"] = model.Database }, cancellationToken: cancellationToken);
        if (catalogs.Rows.Count == 0)
        {
            return null;
        }

        var structures = await _client.DiscoverAsync("DMSCHEMA_MINING_STRUCTURES", new Dictionary<string, string> { ["STRUCTURE_NAME"] = model.StructureName }, model.Database, cancellationToken: cancellationToken);
        if (structures.Rows.Count == 0)
        {
            return null;
        }

        var metadata = await _client.DiscoverAsync("DISCOVER_XML_METADATA",
            new Dictionary<string, string> { ["DatabaseID"] = model.Database, ["MiningStructureID"] = model.StructureName, ["ObjectExpansion"] = "ExpandObject" },
            model.Database, cancellationToken: cancellationToken);
        return metadata.Rows.FirstOrDefault()?["METADATA"] as XElement;
    }

    public async Task<ProcessResult> ProcessAsync(ModelDefinition model, ProcessType type, IProgress<string>? progress = null, CancellationToken cancellationToken = default)
    {
        await CheckAsync(cancellationToken);
        var before = (await ListAsync([model], cancellationToken))[0];
        if (!before.Deployed)
        {
            throw new Core.SegmentMinerException($"the model '{model.Name}' is not deployed to {model.Database}; run 'segminer models deploy --model {model.Name}'");
        }

        if (type == ProcessType.Default && before.Processed)
        {
            return new ProcessResult(model.Name, false, before.Cases ?? 0, before.Clusters ?? 0, before.LastProcessed, TimeSpan.Zero, "already processed");
        }

        var watch = System.Diagnostics.Stopwatch.StartNew();
        var command = new XElement(Ns.Engine + "Process",
            new XElement(Ns.Engine + "Type", type == ProcessType.Full ? "ProcessFull" : "ProcessDefault"),
            new XElement(Ns.Engine + "Object", new XElement(Ns.Engine + "DatabaseID", model.Database), new XElement(Ns.Engine + "MiningStructureID", model.StructureName)));
        progress?.Report($"{model.Name}: processing {model.StructureName} on the server");
        await using (var session = await _client.BeginSessionAsync(model.Database, cancellationToken))
        {
            // In a session, so that cancelling (Ctrl+C) or a timeout sends Cancel for it.
            using var heartbeat = Heartbeat(model, progress, watch);
            await _client.ExecuteAsync(command, model.Database, session, _client.Options.ProcessTimeout, cancellationToken);
        }

        var after = (await ListAsync([model], cancellationToken))[0];
        return new ProcessResult(model.Name, true, after.Cases ?? 0, after.Clusters ?? 0, after.LastProcessed, watch.Elapsed);
    }

    private static Timer? Heartbeat(ModelDefinition model, IProgress<string>? progress, System.Diagnostics.Stopwatch watch) =>
        progress is null ? null : new Timer(_ => progress.Report($"{model.Name}: still processing ({watch.Elapsed.TotalSeconds:0} s)"), null, TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(10));

    public async Task<IReadOnlyList<ModelState>> ListAsync(IReadOnlyList<ModelDefinition> models, CancellationToken cancellationToken = default)
    {
        var states = new List<ModelState>();
        foreach (var database in models.GroupBy(m => m.Database, StringComparer.OrdinalIgnoreCase))
        {
            var exists = (await _client.DiscoverAsync("DBSCHEMA_CATALOGS", new Dictionary<string, string> { ["CATALOG_NAME"] = database.Key }, cancellationToken: cancellationToken)).Rows.Count > 0;
            var rows = exists
                ? (await _client.DiscoverAsync("DMSCHEMA_MINING_MODELS", new Dictionary<string, string> { ["MODEL_CATALOG"] = database.Key }, database.Key, cancellationToken: cancellationToken)).Rows
                : [];
            foreach (var m in database)
            {
                var row = rows.FirstOrDefault(r => string.Equals(r.String("MODEL_NAME"), m.Name, StringComparison.OrdinalIgnoreCase));
                var processed = row?["IS_POPULATED"] is true || row?.String("IS_POPULATED") == "true";
                long? cases = null;
                int? clusters = null;
                if (processed)
                {
                    var root = (await _client.DiscoverAsync("DMSCHEMA_MINING_MODEL_CONTENT",
                        new Dictionary<string, string> { ["MODEL_NAME"] = m.Name, ["NODE_TYPE"] = "1" }, m.Database, cancellationToken: cancellationToken)).Rows.FirstOrDefault();
                    cases = root is null ? null : (long)Math.Round(root.Double("NODE_SUPPORT"));
                    clusters = root is null ? null : (int)root.Long("CHILDREN_CARDINALITY");
                }

                states.Add(new ModelState(m.Name, m.Database, m.StructureName, row is not null, processed, row?["LAST_PROCESSED"] as DateTime?, cases, clusters));
            }
        }

        return states;
    }

    public async Task<bool> DropAsync(ModelDefinition model, CancellationToken cancellationToken = default)
    {
        if (await StructureMetadataAsync(model, cancellationToken) is null)
        {
            return false;
        }

        // Delete of a missing object is an error on the server, hence the check above.
        await _client.ExecuteAsync(new XElement(Ns.Engine + "Delete",
            new XElement(Ns.Engine + "Object", new XElement(Ns.Engine + "DatabaseID", model.Database), new XElement(Ns.Engine + "MiningStructureID", model.StructureName))),
            cancellationToken: cancellationToken);
        return true;
    }

    public async Task<IReadOnlyList<ContentNode>> ContentAsync(ModelDefinition model, CancellationToken cancellationToken = default)
    {
        var rowset = await _client.DiscoverAsync("DMSCHEMA_MINING_MODEL_CONTENT", new Dictionary<string, string> { ["MODEL_NAME"] = model.Name }, model.Database, cancellationToken: cancellationToken);
        return ReadContent(rowset);
    }

    /// <summary>Content rows to nodes (NODE_DISTRIBUTION nested); a variant ATTRIBUTE_VALUE comes back as text.</summary>
    public static IReadOnlyList<ContentNode> ReadContent(Rowset rowset) =>
        rowset.Rows.Select(r => new ContentNode(
            r.String("MODEL_NAME") ?? "",
            r.String("NODE_UNIQUE_NAME") ?? "",
            (int)r.Long("NODE_TYPE"),
            r.String("NODE_CAPTION") ?? "",
            (int)r.Long("CHILDREN_CARDINALITY"),
            r.String("PARENT_UNIQUE_NAME"),
            r.String("NODE_DESCRIPTION") ?? "",
            r.Double("NODE_PROBABILITY"),
            r.Double("MARGINAL_PROBABILITY"),
            r.Double("NODE_SUPPORT"),
            r.Has("MSOLAP_NODE_SCORE") ? r.Double("MSOLAP_NODE_SCORE") : 0,
            r.String("MSOLAP_NODE_SHORT_CAPTION") ?? "",
            r.Table("NODE_DISTRIBUTION").Select(d => new DistributionRow(
                d.String("ATTRIBUTE_NAME") ?? "",
                d["ATTRIBUTE_VALUE"] is double v ? v.ToString("R", CultureInfo.InvariantCulture) : d.String("ATTRIBUTE_VALUE") ?? "",
                d.Double("SUPPORT"),
                d.Double("PROBABILITY"),
                d.Has("VARIANCE") ? d.Double("VARIANCE") : 0,
                (MiningValueType)(int)d.Long("VALUETYPE"))).ToList())).ToList();

    public async Task<IReadOnlyList<CharacteristicRow>> CharacteristicsAsync(ModelDefinition model, string node, double threshold = 0.0005, CancellationToken cancellationToken = default)
    {
        var rows = (await _client.ExecuteAsync(Dmx.Characteristics(model, node, threshold), model.Database, cancellationToken: cancellationToken)).Rowset().Rows;
        return rows.Select(r => new CharacteristicRow(r.String("Attributes") ?? "", r.String("Values") ?? "", r.Double("Frequency"), r.Double("Support"))).ToList();
    }

    public async Task<IReadOnlyList<DiscriminationRow>> DiscriminationAsync(ModelDefinition model, string node1, string? node2, double threshold = 0.0005, CancellationToken cancellationToken = default)
    {
        var rows = (await _client.ExecuteAsync(Dmx.Discrimination(model, node1, node2, threshold), model.Database, cancellationToken: cancellationToken)).Rowset().Rows;
        return rows.Select(r => new DiscriminationRow(r.String("Attributes") ?? "", r.String("Values") ?? "", r.Double("Score"))).ToList();
    }

    public async Task<IReadOnlyList<ProfileRow>> ProfilesAsync(ModelDefinition model, CancellationToken cancellationToken = default) =>
        ContentProfiles.From(await ContentAsync(model, cancellationToken));

    public async IAsyncEnumerable<CaseMembership> PredictAsync(ModelDefinition model, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var response = await _client.ExecuteAsync(Dmx.Membership(model), model.Database, timeout: _client.Options.ProcessTimeout, cancellationToken: cancellationToken);
        foreach (var r in response.Rowset().Rows)
        {
            yield return new CaseMembership(r.String("CaseKey") ?? "", r.String("Cluster") ?? "", r.Double("ClusterProbability"));
        }
    }

    public ValueTask DisposeAsync()
    {
        _client.Dispose();
        LogClosed(_log);
        return ValueTask.CompletedTask;
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "XMLA client closed")]
    private static partial void LogClosed(ILogger logger);
}
