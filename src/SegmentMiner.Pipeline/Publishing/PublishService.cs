using Microsoft.Extensions.Logging;
using SegmentMiner.Core;
using SegmentMiner.Core.Configuration;
using SegmentMiner.Core.Mining;
using SegmentMiner.Core.Models;
using SegmentMiner.Pipeline.Publishing.Facts;
using SegmentMiner.Warehouse;
using SegmentMiner.Warehouse.DuckDb;
using SegmentMiner.Warehouse.Publishing;

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
public sealed partial class PublishService(SegmentMinerOptions options, IWarehouseBackend backend, IMiningServer server, ILogger log) : IPublishService
{
    /// <summary>The shipped layers, crossed in seg.PersonaMap.</summary>
    public static readonly string[] Layers = ["market-segments", "buyer-clusters", "customer-segments"];

    /// <summary>Runs kept per model (the current one included): Publish:KeepRuns.</summary>
    public int KeepRuns { get; init; } = options.Publish.KeepRuns;

    /// <summary>Fault injection for tests: called with the customer rows written so far; throwing fails the writer.</summary>
    internal Action<long>? AfterCustomerRows { get; init; }

    public async Task<IReadOnlyList<PublishResult>> PublishAsync(IReadOnlyList<ModelDefinition> models, CancellationToken cancellationToken = default)
    {
        var results = new List<PublishResult>();
        using (var lease = await backend.OpenSegmentStoreAsync(m => LogLine(log, m), cancellationToken))
        {
            // The maps cross the layers' current runs: emptied before any run changes, so that a publish killed
            // between its last run and the rebuild leaves no map describing the memberships it replaced.
            await lease.Store.ReplaceTablesAsync(CrossLayerTables, cancellationToken);
            Core.KillPoint.At("publish:maps-cleared");
            try
            {
                foreach (var m in models)
                {
                    results.Add(await PublishModelAsync(lease.Store, m, cancellationToken));
                }
            }
            catch (Exception) when (!cancellationToken.IsCancellationRequested)
            {
                // A model that failed left its previous run current: the maps are rebuilt over what is current.
                await TryRebuildMapsAsync(lease.Store);
                throw;
            }

            await RebuildMapsAsync(lease.Store, cancellationToken);
        }

        await ExportAsync(cancellationToken);
        return results;
    }

    /// <summary>
    /// Publish:ExportFolder: the current seg views as Parquet files for report tools, which then need no live
    /// connection to the warehouse (on DuckDB one would block the next sync while it is open). On either warehouse;
    /// set it empty to skip (on SQL Server report tools usually read the views).
    /// </summary>
    private async Task ExportAsync(CancellationToken cancellationToken)
    {
        var setting = options.Publish.ExportFolder;
        if (string.IsNullOrWhiteSpace(setting))
        {
            return;
        }

        var folder = Path.IsPathRooted(setting) ? setting : Path.Combine(Path.GetFullPath(options.DataDir), setting);
        var files = await SegmentExport.WriteAsync(backend.Reader, folder, "parquet", cancellationToken);
        Core.KillPoint.At("publish:exported");
        LogExported(log, files.Count, folder);
    }

    public async Task RestoreAsync(ModelDefinition model, long run, CancellationToken cancellationToken = default)
    {
        using var lease = await backend.OpenSegmentStoreAsync(m => LogLine(log, m), cancellationToken);
        if (!await lease.Store.RestoreRunAsync(model.Name, run, cancellationToken))
        {
            throw new WarehouseException($"run {run} is not a kept published run of '{model.Name}' (see seg.ModelRun; Publish:KeepRuns keeps {KeepRuns} per model)");
        }

        await RebuildMapsAsync(lease.Store, cancellationToken);

        lease.Dispose();
        LogRestored(log, model.Name, run);
        await ExportAsync(cancellationToken);
    }

    /// <summary>
    /// The tables that cross layers (persona map, golden personas, portfolio, buying units), emptied in one transaction.
    /// seg.GoldenPersonaMember stays: it is how golden personas keep their keys from one publish to the next.
    /// </summary>
    private static readonly IReadOnlyList<(string Table, string[] Columns, IReadOnlyList<object?[]> Rows)> CrossLayerTables =
        new[] { "seg.PersonaMap", "seg.GoldenPersona", "seg.PortfolioMap", "seg.BuyingUnit" }.Select(t => (t, Array.Empty<string>(), (IReadOnlyList<object?[]>)[])).ToList();

    /// <summary>After a failed model: the maps again, a failure of their own only logged, so the model's error is the one reported.</summary>
    private async Task TryRebuildMapsAsync(ISegmentStore store)
    {
        try
        {
            await RebuildMapsAsync(store, CancellationToken.None);
        }
        catch (Exception e) when (e is SegmentMinerException or System.Data.Common.DbException or IOException)
        {
            LogMapsNotRebuilt(log, e.Message);
        }
    }

    /// <summary>The persona map of the account layers, and the portfolio of the product personas (empty without them).</summary>
    private async Task RebuildMapsAsync(ISegmentStore store, CancellationToken cancellationToken)
    {
        await store.RebuildPersonaMapAsync(Layers[0], Layers[1], Layers[2], cancellationToken);
        Core.KillPoint.At("publish:persona-map");
        LogPortfolio(log, await Personas.PortfolioPublisher.RebuildAsync(store, Layers[0], Layers[2], cancellationToken));
        Core.KillPoint.At("publish:portfolio");
    }

    private RunHeader Header(ModelDefinition m, ModelState state, long cases, int clusters, string status, string? notice) =>
        new(m.Name, server.Kind, state.LastProcessed, cases, clusters, string.Join(",", m.Model.ParameterPairs.Select(p => $"{p.Key}={p.Value}")), m.Hash, status, notice,
            m.Partition is null ? null : m.Family, m.Partition);

    private async Task<PublishResult> PublishModelAsync(ISegmentStore store, ModelDefinition m, CancellationToken ct)
    {
        Core.KillPoint.At("publish:model-start");
        var state = (await server.ListAsync([m], ct))[0];
        var current = await store.CurrentRunAsync(m.Name, ct);
        if (!state.Processed)
        {
            return await SkipAsync(store, m, state, ct);
        }

        if (current is { } c && c.DefinitionHash == m.Hash && c.ProcessedAt is { } at && state.LastProcessed is { } last && Math.Abs((at - last).TotalMilliseconds) < 0.01)
        {
            LogAlreadyPublished(log, m.Name, c.RunId);
            return new PublishResult(m.Name, "already published", c.RunId, 0, "already published", []);
        }

        // Everything the mining server says is read before the warehouse is written.
        LogReading(log, m.Name, server.Kind);
        var nodes = (await server.ContentAsync(m, ct)).Where(n => n.NodeType == 5).ToList();
        var predictions = new List<CaseMembership>();
        await foreach (var p in server.PredictAsync(m, ct))
        {
            predictions.Add(p);
        }

        LogScored(log, m.Name, nodes.Count, predictions.Count);
        Core.KillPoint.At("publish:model-read");
        var (facts, cases) = await MemberFactsAsync(store, m, nodes, predictions, ct);
        var continuous = CaseTable.Described(m).Where(CaseTable.IsNumeric).Select(x => x.Name).ToHashSet(StringComparer.Ordinal);
        var plan = await SegmentPlan.BuildAsync(store, m.Name, current, nodes, facts, continuous, ct);
        Core.KillPoint.At("publish:planned");
        // A product's personas cover the contacts related to it (its case view's rows), an account layer every customer.
        var customers = m.Partition is null ? await store.CustomersAsync(ct) : cases;
        var member = m.Partition is null ? "customer" : "contact";
        var segments = plan.Segments(facts, new Description(Format, member), customers, predictions.Count, member);
        var keys = plan.Keys;
        var captionKey = nodes.Select((n, i) => (n.NodeCaption, i)).ToDictionary(x => x.NodeCaption, x => keys[x.i]);
        var data = new RunData(
            Header(m, state, predictions.Count, nodes.Count, "Published", plan.Notice()),
            segments.Select(x => x.Record).ToList(),
            FactRows.Profiles(facts, keys, continuous).ToList(),
            FactRows.Characteristics(facts, keys).ToList(),
            FactRows.Discrimination(facts, keys).ToList(),
            FactRows.Traits(facts, keys, plan.Names).ToList(),
            predictions.Select(p => new MembershipRecord(p.Key, captionKey[p.Cluster], p.Probability)).ToList(),
            plan.UnscoredKey,
            current?.RunId,
            plan.FirstNewKey);
        var run = await store.WriteRunAsync(data, KeepRuns, AfterCustomerRows, ct);
        Core.KillPoint.At("publish:run-committed");
        foreach (var r in segments.Where(x => x.Record.PreviousName is not null))
        {
            LogRenamed(log, m.Name, r.Record.Key, r.Record.PreviousName!, r.Record.Name);
        }

        LogPublished(log, m.Name, run,
            segments.Count(x => x.Status == "kept"), segments.Count(x => x.Status == "revived"), segments.Count(x => x.Status == "new"), segments.Count(x => x.Status == "retired"));
        return new PublishResult(m.Name, "published", run, customers, null,
            segments.Select(x => new SegmentSummary(x.Record.Key, x.Record.Name, x.Record.Population, x.Record.Share, x.Status)).ToList());
    }

    private ValueFormat Format => new(options.Sync.ReportingCurrency);

    /// <summary>
    /// A layer whose case view has no rows is skipped with a notice, recorded once in seg.ModelRun for the same
    /// definition and notice (a later publish in the same state adds no row).
    /// </summary>
    private async Task<PublishResult> SkipAsync(ISegmentStore store, ModelDefinition m, ModelState state, CancellationToken ct)
    {
        if (!m.Unsplit && await store.CountAsync(m.CaseViewSchema, m.CaseViewName, m.Rows, ct) > 0)
        {
            throw new SegmentMinerException($"the model '{m.Name}' is not processed on the {server.Kind} server; run 'segminer models process --model {m.Name}' first");
        }

        var notice = $"skipped: the case view {m.CaseView} has no rows yet" + (m.Unsplit ? $" (the model is trained once per {m.PartitionBy} found there)" : "");
        var latest = await store.LatestRunAsync(m.Name, ct);
        var run = latest is { Status: "Skipped" } l && l.Notice == notice && l.DefinitionHash == m.Hash
            ? l.RunId
            : await store.WriteSkippedAsync(Header(m, state, 0, 0, "Skipped", notice), ct);
        LogNotice(log, m.Name, notice);
        return new PublishResult(m.Name, "skipped", run, 0, notice, []);
    }

    /// <summary>The facts of every segment, computed from the case view's values of the cases assigned to it.</summary>
    private async Task<(ModelFacts Facts, long Cases)> MemberFactsAsync(ISegmentStore store, ModelDefinition m, IReadOnlyList<ContentNode> nodes, List<CaseMembership> predictions, CancellationToken ct)
    {
        var columns = new[] { m.Key.SourceColumn }.Concat(CaseTable.Described(m).Select(c => c.SourceColumn)).ToList();
        var table = await CaseTable.ReadAsync(m, store.ReadRowsAsync(m.CaseViewSchema, m.CaseViewName, columns, ct, m.Rows), ct);
        var index = nodes.Select((n, i) => (n.NodeCaption, i)).ToDictionary(x => x.NodeCaption, x => x.i, StringComparer.Ordinal);
        var segmentOf = predictions.ToDictionary(p => p.Key, p => index[p.Cluster], StringComparer.Ordinal);
        var assigned = table.Keys.Select(k => segmentOf.TryGetValue(k, out var i) ? i : -1).ToArray();
        return (ModelFacts.Compute(table, assigned, nodes.Count, Format, options.Publish.TraitAlpha, options.Publish.MinimumEffectSize), table.Count);
    }
}
