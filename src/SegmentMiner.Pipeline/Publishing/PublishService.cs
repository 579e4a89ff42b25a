using Microsoft.Extensions.Logging;
using SegmentMiner.Core;
using SegmentMiner.Core.Configuration;
using SegmentMiner.Core.Mining;
using SegmentMiner.Core.Models;
using SegmentMiner.Warehouse;
using SegmentMiner.Warehouse.DuckDb;
using SegmentMiner.Warehouse.Publishing;
using SegmentMiner.Warehouse.SqlServer;

namespace SegmentMiner.Pipeline.Publishing;

/// <summary>What a publish did for one model.</summary>
public sealed record PublishResult(string Model, string Outcome, long? RunId, long Customers, string? Notice, IReadOnlyList<SegmentSummary> Segments);

public sealed record SegmentSummary(long Key, string Name, long Population, double Share, string Status);

/// <summary>
/// Publishes processed models to the <c>seg</c> schema: clusters become named segments with stable keys, every
/// current customer gets one segment per model, and the layers are crossed into the persona map. Each model's run is
/// written in one transaction and made current only at its end, so readers never see half a run and a failed publish
/// leaves the previous run current. Both mining servers feed the same code, and both warehouse dialects take it
/// (<see cref="ISegmentStore"/>).
/// </summary>
public sealed class PublishService(SegmentMinerOptions options, DataFolder folder, IMiningServer server, ILogger log)
{
    /// <summary>The shipped layers, crossed in seg.PersonaMap.</summary>
    public static readonly string[] Layers = ["market-segments", "buyer-clusters", "customer-segments"];

    /// <summary>Runs kept per model (the current one included): Publish:KeepRuns.</summary>
    public int KeepRuns { get; init; } = options.Publish.KeepRuns;

    /// <summary>Fault injection for tests: called with the customer rows written so far; throwing fails the writer.</summary>
    internal Action<long>? AfterCustomerRows { get; init; }

    public async Task<IReadOnlyList<PublishResult>> PublishAsync(IReadOnlyList<ModelDefinition> models, CancellationToken cancellationToken = default)
    {
        ISegmentStore store;
        WriterLock? writer = null;
        if (options.Warehouse.Provider == WarehouseProvider.SqlServer)
        {
            var sql = new SqlServerWarehouse(options.Warehouse.ConnectionString!);
            await sql.EnsureCurrentAsync(cancellationToken);
            store = new SqlServerSegmentStore(sql);
        }
        else
        {
            folder.EnsureExists();
            writer = WriterLock.Acquire(folder.LockFile, options.Sync.LockTimeout, m => log.LogInformation("{Message}", m), cancellationToken);
            var warehouse = new DuckDbWarehouse(folder, options.Warehouse);
            await using (await warehouse.OpenForWriteAsync(cancellationToken))
            {
                // applies pending migrations (the seg schema) before anything is read
            }

            store = new DuckDbSegmentStore(warehouse);
        }

        using (writer)
        {
            var results = new List<PublishResult>();
            foreach (var m in models)
            {
                results.Add(await PublishModelAsync(store, m, cancellationToken));
            }

            await store.RebuildPersonaMapAsync(Layers[0], Layers[1], Layers[2], cancellationToken);
            return results;
        }
    }

    private RunHeader Header(ModelDefinition m, ModelState state, long cases, int clusters, string status, string? notice) =>
        new(m.Name, server.Kind, state.LastProcessed, cases, clusters, string.Join(",", m.Model.ParameterPairs.Select(p => $"{p.Key}={p.Value}")), m.Hash, status, notice);

    private async Task<PublishResult> PublishModelAsync(ISegmentStore store, ModelDefinition m, CancellationToken ct)
    {
        var state = (await server.ListAsync([m], ct))[0];
        var current = await store.CurrentRunAsync(m.Name, ct);
        if (!state.Processed)
        {
            if (await store.CountAsync(m.CaseViewSchema, m.CaseViewName, ct) > 0)
            {
                throw new SegmentMinerException($"the model '{m.Name}' is not processed on the {server.Kind} server; run 'segminer models process --model {m.Name}' first");
            }

            // A layer whose inputs have no data yet is skipped, with a notice in the output and in seg.ModelRun.
            var notice = $"skipped: the case view {m.CaseView} has no rows yet";
            var skipped = await store.WriteSkippedAsync(Header(m, state, 0, 0, "Skipped", notice), ct);
            log.LogWarning("{Model}: {Notice}", m.Name, notice);
            return new PublishResult(m.Name, "skipped", skipped, 0, notice, []);
        }

        if (current is { } c && c.DefinitionHash == m.Hash && c.ProcessedAt is { } at && state.LastProcessed is { } last && Math.Abs((at - last).TotalMilliseconds) < 0.01)
        {
            log.LogInformation("{Model}: already published as run {Run} (same processing, same definition): nothing to do", m.Name, c.RunId);
            return new PublishResult(m.Name, "already published", c.RunId, 0, "already published", []);
        }

        // Everything the mining server says is read before the warehouse is written.
        log.LogInformation("{Model}: reading the model from the {Server} server", m.Name, server.Kind);
        var profiles = await server.ProfilesAsync(m, ct);
        var nodes = (await server.ContentAsync(m, ct)).Where(n => n.NodeType == 5).ToList();
        var characteristics = new Dictionary<string, IReadOnlyList<CharacteristicRow>>();
        var discrimination = new Dictionary<string, IReadOnlyList<DiscriminationRow>>();
        foreach (var n in nodes)
        {
            characteristics[n.NodeUniqueName] = await server.CharacteristicsAsync(m, n.NodeUniqueName, 0.0005, ct);
            discrimination[n.NodeUniqueName] = await server.DiscriminationAsync(m, n.NodeUniqueName, null, 0.0005, ct);
        }

        var predictions = new List<CaseMembership>();
        await foreach (var p in server.PredictAsync(m, ct))
        {
            predictions.Add(p);
        }

        log.LogInformation("{Model}: {Clusters} clusters, {Cases:N0} cases scored; writing the run", m.Name, nodes.Count, predictions.Count);
        var customers = await store.CustomersAsync(ct);
        var previous = current is null ? [] : await store.SegmentsAsync(current.RunId, ct);
        var previousProfiles = current is null ? [] : BySegment(await store.ProfilesAsync(current.RunId, ct));
        var clusterProfiles = ClusterProfile.From(profiles, r => r.NodeUniqueName);
        var population = clusterProfiles["000"];

        // Match this run's clusters to the previous run's active segments, and to segments retired earlier (a cluster
        // that comes back gets its key and name back).
        var active = previous.Where(p => p.Node is not null && !p.Retired && previousProfiles.ContainsKey(Key(p.Key))).ToList();
        var activeCount = active.Count;
        if (current is not null)
        {
            foreach (var (segment, profile) in await store.RetiredAsync(m.Name, current.RunId, ct))
            {
                if (BySegment(profile).TryGetValue(Key(segment.Key), out var p))
                {
                    active.Add(segment);
                    previousProfiles[Key(segment.Key)] = p;
                }
            }
        }

        var matches = SegmentMatcher.Match(nodes.Select(n => clusterProfiles[n.NodeUniqueName]).ToList(), active.Select(p => previousProfiles[Key(p.Key)]).ToList());
        var firstNewKey = await store.NextSegmentKeyAsync(ct);
        var nextKey = firstNewKey;
        var counts = predictions.GroupBy(p => p.Cluster).ToDictionary(g => g.Key, g => (long)g.Count());
        var personas = new Personas(options.Sync.ReportingCurrency);
        var traits = nodes.Select(n => personas.Traits(clusterProfiles[n.NodeUniqueName], population)).ToList();

        // A segment that keeps its key keeps its name; new segments get fresh names that differ from those.
        var names = Personas.Names(traits).ToList();
        var kept = new HashSet<string>(Enumerable.Range(0, nodes.Count).Where(i => matches[i] is not null).Select(i => active[matches[i]!.Value.Previous].Name), StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < nodes.Count; i++)
        {
            if (matches[i] is { } match)
            {
                names[i] = active[match.Previous].Name;
            }
            else
            {
                var baseName = names[i];
                for (var k = 2; kept.Contains(names[i]); k++)
                {
                    names[i] = $"{baseName} ({k})";
                }
            }
        }

        double Share(long population) => customers == 0 ? 0 : (double)population / customers;
        var segments = new List<(SegmentRecord Record, string Status)>();
        for (var i = 0; i < nodes.Count; i++)
        {
            var n = nodes[i];
            var key = matches[i] is { } match ? active[match.Previous].Key : nextKey++;
            var pop = counts.GetValueOrDefault(n.NodeCaption);
            segments.Add((new SegmentRecord(key, n.NodeUniqueName, names[i], Personas.Description(traits[i], pop, Share(pop)), pop, Share(pop), n.NodeSupport, false, matches[i]?.Similarity),
                matches[i] is null ? "new" : matches[i]!.Value.Previous < activeCount ? "kept" : "revived"));
        }

        var unscored = customers - predictions.Count;
        long? unscoredKey = null;
        if (unscored > 0)
        {
            unscoredKey = previous.FirstOrDefault(p => p.Node is null && !p.Retired)?.Key ?? nextKey++;
            segments.Add((new SegmentRecord(unscoredKey.Value, null, "Not profiled",
                $"{unscored:N0} customers ({100.0 * unscored / customers:0.0}%) this model has no data for: they are not in {m.CaseView} (for survey attitudes: no answers yet).",
                unscored, Share(unscored), 0, false, null), "not profiled"));
        }

        foreach (var p in active.Take(activeCount).Where((_, j) => !matches.Any(x => x?.Previous == j)))
        {
            segments.Add((new SegmentRecord(p.Key, null, p.Name, p.Description, 0, 0, 0, true, null), "retired"));
        }

        var keyOf = segments.Where(s => s.Record.Node is not null).ToDictionary(s => s.Record.Node!, s => s.Record.Key);
        var captionKey = nodes.ToDictionary(n => n.NodeCaption, n => keyOf[n.NodeUniqueName]);
        var data = new RunData(
            Header(m, state, predictions.Count, nodes.Count, "Published", null),
            segments.Select(s => s.Record).ToList(),
            profiles.Where(p => keyOf.ContainsKey(p.NodeUniqueName)).Select(p => new ProfileRecord(keyOf[p.NodeUniqueName], p.Attributes, p.Values, p.Probability, p.Support, p.Mean, p.StdDev)).ToList(),
            characteristics.SelectMany(c => c.Value.Select((r, i) => new CharacteristicRecord(keyOf[c.Key], r.Attributes, r.Values, r.Frequency, Lift(population, r), i + 1))).ToList(),
            discrimination.SelectMany(d => d.Value.Select(r => new DiscriminationRecord(keyOf[d.Key], r.Attributes, r.Values, r.Score, r.Score >= 0 ? "segment" : "rest"))).ToList(),
            predictions.Select(p => new MembershipRecord(p.Key, captionKey[p.Cluster], p.Probability)).ToList(),
            unscoredKey,
            current?.RunId,
            firstNewKey);
        var run = await store.WriteRunAsync(data, KeepRuns, AfterCustomerRows, ct);
        log.LogInformation("{Model}: run {Run} published and current ({Kept} segments kept, {Revived} revived, {New} new, {Retired} retired)", m.Name, run,
            segments.Count(s => s.Status == "kept"), segments.Count(s => s.Status == "revived"), segments.Count(s => s.Status == "new"), segments.Count(s => s.Status == "retired"));
        return new PublishResult(m.Name, "published", run, customers, null,
            segments.Select(s => new SegmentSummary(s.Record.Key, s.Record.Name, s.Record.Population, s.Record.Share, s.Status)).ToList());
    }

    /// <summary>Stored profile rows as cluster profiles keyed by segment key.</summary>
    private static Dictionary<string, ClusterProfile> BySegment(IEnumerable<ProfileRecord> rows) =>
        ClusterProfile.From(rows.Select(r => new ProfileRow(Key(r.Key), "", r.Attribute, r.Value, r.Probability, r.Support, r.Mean, r.StdDev)), r => r.NodeUniqueName);

    private static string Key(long key) => key.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>A characteristic's lift: its frequency in the segment over its frequency in the population (0.2 for a quintile range).</summary>
    private static double Lift(ClusterProfile population, CharacteristicRow r)
    {
        var q = population.Discrete.TryGetValue(r.Attributes, out var states) && states.TryGetValue(r.Values, out var p) ? p : 0.2;
        return q <= 0 ? 0 : r.Frequency / q;
    }
}
