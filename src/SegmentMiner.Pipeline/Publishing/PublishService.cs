using System.Globalization;
using Dapper;
using DuckDB.NET.Data;
using Microsoft.Extensions.Logging;
using SegmentMiner.Core;
using SegmentMiner.Core.Configuration;
using SegmentMiner.Core.Mining;
using SegmentMiner.Core.Models;
using SegmentMiner.Warehouse;
using SegmentMiner.Warehouse.DuckDb;

namespace SegmentMiner.Pipeline.Publishing;

/// <summary>What a publish did for one model.</summary>
public sealed record PublishResult(string Model, string Outcome, long? RunId, long Customers, string? Notice, IReadOnlyList<SegmentSummary> Segments);

public sealed record SegmentSummary(long Key, string Name, long Population, double Share, string Status);

/// <summary>
/// Publishes processed models to the <c>seg</c> schema: clusters become named segments with stable keys, every
/// current customer gets one segment per model, and the layers are crossed into the persona map. Each model's run is
/// written in one transaction and made current only at its end, so readers never see half a run and a failed publish
/// leaves the previous run current. Both mining servers feed the same code.
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
        if (options.Warehouse.Provider != WarehouseProvider.DuckDb)
        {
            throw new WarehouseException("publish writes the DuckDB warehouse in this build; with Warehouse:Provider=SqlServer the seg schema exists (db migrate) but is not written yet");
        }

        folder.EnsureExists();
        using var writer = WriterLock.Acquire(folder.LockFile, options.Sync.LockTimeout, m => log.LogInformation("{Message}", m), cancellationToken);
        var warehouse = new DuckDbWarehouse(folder, options.Warehouse);
        await using (await warehouse.OpenForWriteAsync(cancellationToken))
        {
            // applies pending migrations (the seg schema) before anything is read
        }

        var results = new List<PublishResult>();
        foreach (var m in models)
        {
            results.Add(await PublishModelAsync(warehouse, m, cancellationToken));
        }

        await using (var db = await warehouse.OpenForWriteAsync(cancellationToken))
        {
            await using var tx = await db.BeginTransactionAsync(cancellationToken);
            await db.ExecuteAsync("DELETE FROM seg.PersonaMap");
            await db.ExecuteAsync(PersonaMapSql, new { market = Layers[0], buyer = Layers[1], survey = Layers[2] });
            await tx.CommitAsync(cancellationToken);
        }

        return results;
    }

    private async Task<PublishResult> PublishModelAsync(DuckDbWarehouse warehouse, ModelDefinition m, CancellationToken ct)
    {
        var state = (await server.ListAsync([m], ct))[0];
        long caseRows;
        (long RunId, DateTime? ProcessedAt, string Hash)? current;
        await using (var db = await warehouse.OpenForWriteAsync(ct))
        {
            caseRows = await db.ExecuteScalarAsync<long>($"SELECT count(*) FROM {Identifiers.QuoteAnsi(m.CaseViewSchema)}.{Identifiers.QuoteAnsi(m.CaseViewName)}");
            current = (await db.QueryAsync<(long, DateTime?, string)>(
                "SELECT RunId, ProcessedAt, DefinitionHash FROM seg.ModelRun WHERE Model = $model AND IsCurrent", new { model = m.Name })).Cast<(long, DateTime?, string)?>().FirstOrDefault();
            if (!state.Processed)
            {
                if (caseRows > 0)
                {
                    throw new SegmentMinerException($"the model '{m.Name}' is not processed on the {server.Kind} server; run 'segminer models process --model {m.Name}' first");
                }

                // A layer whose inputs have no data yet is skipped, with a notice in the output and in seg.ModelRun.
                var notice = $"skipped: the case view {m.CaseView} has no rows yet";
                await using var tx = await db.BeginTransactionAsync(ct);
                var run = await NextRunIdAsync(db);
                await InsertRunAsync(db, run, m, state, 0, 0, "Skipped", notice);
                await tx.CommitAsync(ct);
                log.LogWarning("{Model}: {Notice}", m.Name, notice);
                return new PublishResult(m.Name, "skipped", run, 0, notice, []);
            }
        }

        if (current is { } c && c.Hash == m.Hash && c.ProcessedAt is { } at && state.LastProcessed is { } last && Math.Abs((at - last).TotalMilliseconds) < 0.01)
        {
            log.LogInformation("{Model}: already published as run {Run} (same processing, same definition): nothing to do", m.Name, c.RunId);
            return new PublishResult(m.Name, "already published", c.RunId, 0, "already published", []);
        }

        // Everything the mining server says is read before the warehouse is opened for writing.
        log.LogInformation("{Model}: reading the model from the {Server} server", m.Name, server.Kind);
        var content = await server.ContentAsync(m, ct);
        var profiles = await server.ProfilesAsync(m, ct);
        var nodes = content.Where(n => n.NodeType == 5).ToList();
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
        await using var write = await warehouse.OpenForWriteAsync(ct);
        return await WriteRunAsync(write, m, state, content, profiles, nodes, characteristics, discrimination, predictions, current?.RunId, ct);
    }

    private async Task<PublishResult> WriteRunAsync(
        DuckDBConnection db, ModelDefinition m, ModelState state, IReadOnlyList<ContentNode> content, IReadOnlyList<ProfileRow> profiles, List<ContentNode> nodes,
        Dictionary<string, IReadOnlyList<CharacteristicRow>> characteristics, Dictionary<string, IReadOnlyList<DiscriminationRow>> discrimination,
        List<CaseMembership> predictions, long? previousRun, CancellationToken ct)
    {
        var customers = await db.ExecuteScalarAsync<long>("SELECT count(*) FROM dw.CustomerFeatures");
        var clusterProfiles = ClusterProfile.From(profiles, r => r.NodeUniqueName);
        var population = clusterProfiles["000"];

        // The previous run's active segments and their profiles, to match against.
        var previous = previousRun is null ? [] : (await db.QueryAsync<(long Key, string? Node, string Name, string Description, bool Retired)>(
            "SELECT SegmentKey, NodeUniqueName, Name, Description, IsRetired FROM seg.Segment WHERE RunId = $run ORDER BY SegmentKey", new { run = previousRun })).ToList();
        var previousProfiles = previousRun is null ? [] : ClusterProfile.From(
            (await db.QueryAsync<(long Key, string Attribute, string Value, double Probability, double Support, double? Mean, double? StdDev)>(
                "SELECT SegmentKey, Attribute, Value, Probability, Support, Mean, StdDev FROM seg.SegmentProfile WHERE RunId = $run", new { run = previousRun }))
            .Select(r => new ProfileRow(r.Key.ToString(CultureInfo.InvariantCulture), "", r.Attribute, r.Value, r.Probability, r.Support, r.Mean, r.StdDev)),
            r => r.NodeUniqueName);
        var active = previous.Where(p => p.Node is not null && !p.Retired && previousProfiles.ContainsKey(p.Key.ToString(CultureInfo.InvariantCulture))).ToList();
        var matches = SegmentMatcher.Match(
            nodes.Select(n => clusterProfiles[n.NodeUniqueName]).ToList(),
            active.Select(p => previousProfiles[p.Key.ToString(CultureInfo.InvariantCulture)]).ToList());

        var nextKey = (await db.ExecuteScalarAsync<long?>("SELECT max(SegmentKey) FROM seg.Segment") ?? 0) + 1;
        var counts = predictions.GroupBy(p => p.Cluster).ToDictionary(g => g.Key, g => (long)g.Count());
        var personas = new Personas(options.Sync.ReportingCurrency);
        var segments = new List<(long Key, string? Node, string Name, string Description, long Population, double Support, bool Retired, double? Similarity, string Status)>();
        var traits = nodes.Select(n => personas.Traits(clusterProfiles[n.NodeUniqueName], population)).ToList();
        // A segment that keeps its key keeps its name; new segments get fresh names that differ from those.
        var names = Personas.Names(traits).ToList();
        var kept = new HashSet<string>(Enumerable.Range(0, nodes.Count).Where(i => matches[i] is not null).Select(i => active[matches[i]!.Value.Previous].Name), StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < nodes.Count; i++)
        {
            if (matches[i] is { } kept0)
            {
                names[i] = active[kept0.Previous].Name;
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

        for (var i = 0; i < nodes.Count; i++)
        {
            var n = nodes[i];
            var key = matches[i] is { } match ? active[match.Previous].Key : nextKey++;
            var pop = counts.GetValueOrDefault(n.NodeCaption);
            var name = names[i];
            segments.Add((key, n.NodeUniqueName, name, Personas.Description(traits[i], pop, customers == 0 ? 0 : (double)pop / customers), pop, n.NodeSupport, false,
                matches[i]?.Similarity, matches[i] is null ? "new" : "kept"));
        }

        var unscored = customers - predictions.Count;
        long? unscoredKey = null;
        if (unscored > 0)
        {
            unscoredKey = previous.FirstOrDefault(p => p.Node is null && !p.Retired).Key is var k0 && k0 > 0 ? k0 : nextKey++;
            segments.Add((unscoredKey.Value, null, "Not profiled",
                $"{unscored:N0} customers ({100.0 * unscored / customers:0.0}%) this model has no data for: they are not in {m.CaseView} (for survey attitudes: no answers yet).",
                unscored, 0, false, null, "not profiled"));
        }

        foreach (var p in active.Where((_, j) => !matches.Any(x => x?.Previous == j)))
        {
            segments.Add((p.Key, null, p.Name, p.Description, 0, 0, true, null, "retired"));
        }

        await using var tx = await db.BeginTransactionAsync(ct);
        var run = await NextRunIdAsync(db);
        await InsertRunAsync(db, run, m, state, predictions.Count, nodes.Count, "Published", null);
        await InsertRowsAsync(db, "seg.Segment", ["RunId", "SegmentKey", "Model", "NodeUniqueName", "Name", "Description", "Population", "Share", "TrainingSupport", "Level", "IsRetired", "MatchSimilarity"],
            segments.Select(s => new object?[] { run, s.Key, m.Name, s.Node, s.Name, s.Description, s.Population, customers == 0 ? 0.0 : (double)s.Population / customers, s.Support, "account", s.Retired, s.Similarity }));

        var keyOf = segments.Where(s => s.Node is not null).ToDictionary(s => s.Node!, s => s.Key);
        await InsertRowsAsync(db, "seg.SegmentProfile", ["RunId", "SegmentKey", "Attribute", "Value", "Probability", "Support", "Mean", "StdDev"],
            profiles.Where(p => keyOf.ContainsKey(p.NodeUniqueName)).Select(p => new object?[] { run, keyOf[p.NodeUniqueName], p.Attributes, p.Values, p.Probability, p.Support, p.Mean, p.StdDev }));
        await InsertRowsAsync(db, "seg.SegmentCharacteristic", ["RunId", "SegmentKey", "Attribute", "Value", "Probability", "Score", "Rank"],
            characteristics.SelectMany(c => c.Value.Select((r, i) => new object?[] { run, keyOf[c.Key], r.Attributes, r.Values, r.Frequency, Lift(population, r), i + 1 })));
        await InsertRowsAsync(db, "seg.SegmentDiscrimination", ["RunId", "SegmentKey", "Attribute", "Value", "Score", "Favors"],
            discrimination.SelectMany(d => d.Value.Select(r => new object?[] { run, keyOf[d.Key], r.Attributes, r.Values, r.Score, r.Score >= 0 ? "segment" : "rest" })));

        // Every current customer, exactly once: its predicted segment, or the model's "not profiled" segment.
        var captionKey = nodes.ToDictionary(n => n.NodeCaption, n => keyOf[n.NodeUniqueName]);
        await db.ExecuteAsync("CREATE TEMP TABLE publish_prediction (AccountId VARCHAR, SegmentKey BIGINT, Probability DOUBLE)");
        long written = 0;
        foreach (var chunk in predictions.Chunk(500))
        {
            await InsertRowsAsync(db, "publish_prediction", ["AccountId", "SegmentKey", "Probability"], chunk.Select(p => new object?[] { p.Key, captionKey[p.Cluster], p.Probability }));
            written += chunk.Length;
            AfterCustomerRows?.Invoke(written);
        }

        await db.ExecuteAsync(
            """
            INSERT INTO seg.CustomerSegment
            SELECT $run, $model, f.AccountId, COALESCE(p.SegmentKey, $unscored), COALESCE(p.Probability, 1.0)
            FROM dw.CustomerFeatures f LEFT JOIN publish_prediction p ON p.AccountId = f.AccountId
            """, new { run, model = m.Name, unscored = unscoredKey });
        await db.ExecuteAsync("DROP TABLE publish_prediction");
        await db.ExecuteAsync(
            """
            INSERT INTO seg.SegmentMigration
            SELECT $run, $model, $previous, p.SegmentKey, c.SegmentKey, count(*)
            FROM (SELECT AccountId, SegmentKey FROM seg.CustomerSegment WHERE RunId = $run) c
            FULL OUTER JOIN (SELECT AccountId, SegmentKey FROM seg.CustomerSegment WHERE RunId = $previous) p ON p.AccountId = c.AccountId
            GROUP BY p.SegmentKey, c.SegmentKey
            """, new { run, model = m.Name, previous = previousRun });

        // Only now does the run become current; old runs past the retention go, with their rows.
        await db.ExecuteAsync("UPDATE seg.ModelRun SET IsCurrent = (RunId = $run) WHERE Model = $model", new { run, model = m.Name });
        var expired = (await db.QueryAsync<long>("SELECT RunId FROM seg.ModelRun WHERE Model = $model ORDER BY RunId DESC OFFSET $keep", new { model = m.Name, keep = Math.Max(1, KeepRuns) })).ToList();
        foreach (var table in new[] { "seg.Segment", "seg.SegmentProfile", "seg.SegmentCharacteristic", "seg.SegmentDiscrimination", "seg.CustomerSegment", "seg.SegmentMigration", "seg.ModelRun" })
        {
            foreach (var old in expired)
            {
                await db.ExecuteAsync($"DELETE FROM {table} WHERE RunId = $old", new { old });
            }
        }

        await tx.CommitAsync(ct);
        log.LogInformation("{Model}: run {Run} published and current ({Kept} segments kept, {New} new, {Retired} retired)", m.Name, run,
            segments.Count(s => s.Status == "kept"), segments.Count(s => s.Status == "new"), segments.Count(s => s.Status == "retired"));
        return new PublishResult(m.Name, "published", run, customers, null,
            segments.Select(s => new SegmentSummary(s.Key, s.Name, s.Population, customers == 0 ? 0 : (double)s.Population / customers, s.Status)).ToList());
    }

    /// <summary>A characteristic's lift: its frequency in the segment over its frequency in the population (0.2 for a quintile range).</summary>
    private static double Lift(ClusterProfile population, CharacteristicRow r)
    {
        var q = population.Discrete.TryGetValue(r.Attributes, out var states) && states.TryGetValue(r.Values, out var p) ? p : 0.2;
        return q <= 0 ? 0 : r.Frequency / q;
    }

    private static async Task<long> NextRunIdAsync(DuckDBConnection db) =>
        (await db.ExecuteScalarAsync<long?>("SELECT max(RunId) FROM seg.ModelRun") ?? 0) + 1;

    private async Task InsertRunAsync(DuckDBConnection db, long run, ModelDefinition m, ModelState state, long cases, int clusters, string status, string? notice)
    {
        var batch = (await db.QueryAsync<(long BatchId, DateTime AsOf)>(
            "SELECT BatchId, CAST(AsOfDate AS TIMESTAMP) FROM ops.Batch WHERE Status = 'Committed' ORDER BY BatchId DESC LIMIT 1")).Cast<(long, DateTime)?>().FirstOrDefault();
        await InsertRowsAsync(db, "seg.ModelRun",
            ["RunId", "Model", "Engine", "ProcessedAt", "PublishedAt", "Cases", "Clusters", "Parameters", "DefinitionHash", "BatchId", "AsOfDate", "Status", "IsCurrent", "Notice"],
            [[run, m.Name, server.Kind, state.LastProcessed, DateTime.UtcNow, cases, clusters, string.Join(",", m.Model.ParameterPairs.Select(p => $"{p.Key}={p.Value}")),
              m.Hash, batch?.Item1, batch?.Item2, status, false, notice]]);
    }

    /// <summary>Multi-row parameterized inserts, 200 rows a statement.</summary>
    private static async Task InsertRowsAsync(DuckDBConnection db, string table, IReadOnlyList<string> columns, IEnumerable<object?[]> rows)
    {
        foreach (var chunk in rows.Chunk(200))
        {
            var parameters = new DynamicParameters();
            var values = new List<string>();
            for (var r = 0; r < chunk.Length; r++)
            {
                var names = new List<string>();
                for (var c = 0; c < columns.Count; c++)
                {
                    var name = $"p{r}_{c}";
                    parameters.Add(name, chunk[r][c]);
                    names.Add("$" + name);
                }

                values.Add("(" + string.Join(", ", names) + ")");
            }

            await db.ExecuteAsync($"INSERT INTO {table} ({string.Join(", ", columns)}) VALUES {string.Join(", ", values)}", parameters);
        }
    }

    /// <summary>
    /// The layers crossed per customer: every combination of current segments with its customers, revenue (billed in
    /// 12 months) and shares. ExpectedShare is the share the combination would hold if the layers were independent.
    /// Golden: at least twice its expected share of customers (and at least 1% of them, 10 customers), or at least
    /// twice as much revenue as customers. Gap: more revenue than customers but fewer products than average (room to
    /// cross-sell). Overlap: at least one product more than average (customers the product lines share).
    /// </summary>
    private const string PersonaMapSql =
        """
        INSERT INTO seg.PersonaMap
        WITH cur AS (
            SELECT c.Model, c.AccountId, c.SegmentKey FROM seg.CustomerSegment c JOIN seg.ModelRun r ON r.RunId = c.RunId AND r.IsCurrent),
        cust AS (
            SELECT f.AccountId, COALESCE(CAST(f.Billed12m AS DOUBLE), 0) AS Revenue, f.ActiveProducts AS Products,
                   m.SegmentKey AS MarketKey, b.SegmentKey AS BuyerKey, s.SegmentKey AS SurveyKey
            FROM dw.CustomerFeatures f
            LEFT JOIN cur m ON m.AccountId = f.AccountId AND m.Model = $market
            LEFT JOIN cur b ON b.AccountId = f.AccountId AND b.Model = $buyer
            LEFT JOIN cur s ON s.AccountId = f.AccountId AND s.Model = $survey),
        tot AS (SELECT count(*) AS N, sum(Revenue) AS R, avg(Products) AS P FROM cust),
        ms AS (SELECT MarketKey, count(*) * 1.0 / (SELECT N FROM tot) AS Share FROM cust GROUP BY MarketKey),
        bs AS (SELECT BuyerKey, count(*) * 1.0 / (SELECT N FROM tot) AS Share FROM cust GROUP BY BuyerKey),
        ss AS (SELECT SurveyKey, count(*) * 1.0 / (SELECT N FROM tot) AS Share FROM cust GROUP BY SurveyKey),
        combo AS (
            SELECT MarketKey, BuyerKey, SurveyKey, count(*) AS Customers, sum(Revenue) AS Revenue, avg(Products) AS AvgProducts
            FROM cust GROUP BY MarketKey, BuyerKey, SurveyKey),
        scored AS (
            SELECT c.*, c.Customers * 1.0 / t.N AS CustomerShare, CASE WHEN t.R > 0 THEN c.Revenue / t.R ELSE 0 END AS RevenueShare,
                   ms.Share * bs.Share * ss.Share AS ExpectedShare, t.N AS N, t.P AS P
            FROM combo c CROSS JOIN tot t
            JOIN ms ON ms.MarketKey IS NOT DISTINCT FROM c.MarketKey
            JOIN bs ON bs.BuyerKey IS NOT DISTINCT FROM c.BuyerKey
            JOIN ss ON ss.SurveyKey IS NOT DISTINCT FROM c.SurveyKey),
        flagged AS (
            SELECT *,
                   (CustomerShare >= 2 * ExpectedShare AND Customers >= greatest(10, 0.01 * N)) OR (RevenueShare >= 2 * CustomerShare AND Customers >= 10) AS Golden,
                   RevenueShare > CustomerShare AND AvgProducts < P AS Gap,
                   AvgProducts >= P + 1 AS Overlap
            FROM scored)
        SELECT MarketKey, BuyerKey, SurveyKey, Customers, Revenue, CustomerShare, RevenueShare, ExpectedShare, AvgProducts, Golden,
               concat_ws(',', CASE WHEN Golden THEN 'golden' END, CASE WHEN Gap THEN 'gap' END, CASE WHEN Overlap THEN 'overlap' END)
        FROM flagged
        ORDER BY Customers DESC
        """;
}
