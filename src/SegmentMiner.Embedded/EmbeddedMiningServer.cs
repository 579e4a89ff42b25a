using System.Data;
using System.Diagnostics;
using System.Globalization;
using System.Runtime.CompilerServices;
using SegmentMiner.Core;
using SegmentMiner.Core.Mining;
using SegmentMiner.Core.Models;
using SegmentMiner.Mining;
using SegmentMiner.Warehouse;
using SegmentMiner.Warehouse.Reading;

namespace SegmentMiner.Embedded;

/// <summary>
/// The embedded mining server: SegmentMiner's Microsoft Clustering engine, trained on the case views of the warehouse
/// (DuckDB or SQL Server, read through <see cref="IWarehouseReader"/>), with deployed definitions and processed models kept in a <see cref="ModelStore"/>.
/// </summary>
public sealed class EmbeddedMiningServer(IWarehouseReader warehouse, ModelStore store) : IMiningServer
{
    private readonly Dictionary<string, ClusteringModel> _loaded = new(StringComparer.OrdinalIgnoreCase);
    private readonly Lock _gate = new();

    public string Kind => "embedded";

    public ModelStore Store => store;

    public Task<DeployResult> DeployAsync(ModelDefinition model, CancellationToken cancellationToken = default)
    {
        ModelDefinitionMapping.ToEngine(model); // a definition the engine refuses is refused at deploy, not at process
        var stored = store.ReadDefinition(model.Name);
        if (stored?.Hash == model.Hash)
        {
            return Task.FromResult(new DeployResult(model.Name, DeployOutcome.Unchanged));
        }

        // As Create AllowOverwrite does: the new definition replaces the old one and its trained content.
        store.ClearModel(model.Name);
        store.WriteDefinition(model);
        Forget(model.Name);
        return Task.FromResult(new DeployResult(model.Name, stored is null ? DeployOutcome.Created : DeployOutcome.Updated));
    }

    public async Task<ProcessResult> ProcessAsync(ModelDefinition model, ProcessType type, IProgress<string>? progress = null, CancellationToken cancellationToken = default)
    {
        var deployed = Deployed(model.Name);
        var state = store.ReadState(deployed.Name);
        if (type == ProcessType.Default && state is not null && state.DefinitionHash == deployed.Hash)
        {
            return new ProcessResult(deployed.Name, false, state.Cases, state.Clusters, state.ProcessedAt, TimeSpan.Zero, "already processed");
        }

        var watch = Stopwatch.StartNew();
        var count = CountCases(deployed);
        Core.KillPoint.At("process:cases-counted");
        if (count == 0)
        {
            // A layer whose inputs have no data yet (no survey answers, say) is skipped, not an error.
            return new ProcessResult(deployed.Name, false, 0, 0, state?.ProcessedAt, watch.Elapsed, $"skipped: the case view {deployed.CaseView} has no rows yet");
        }

        var definition = ModelDefinitionMapping.ToEngine(deployed);
        var source = await CaseSourceAsync(deployed, cancellationToken);
        Core.KillPoint.At("process:cases-read");
        progress?.Report($"{deployed.Name}: reading {deployed.CaseView}");
        var trained = await Task.Run(
            () => ClusteringModel.Train(definition, source, m => progress?.Report($"{deployed.Name}: {m}"), cancellationToken), cancellationToken);
        Core.KillPoint.At("process:trained");
        var newState = new ModelRunState(deployed.Name, deployed.Hash, trained.ProcessedAt, trained.Cases, trained.ClusterCount, trained.Bic, trained.Iterations, watch.Elapsed);
        store.WriteModel(trained, newState);
        lock (_gate)
        {
            _loaded[deployed.Name] = trained;
        }

        return new ProcessResult(deployed.Name, true, trained.Cases, trained.ClusterCount, trained.ProcessedAt, watch.Elapsed);
    }

    public Task<IReadOnlyList<ModelState>> ListAsync(IReadOnlyList<ModelDefinition> models, CancellationToken cancellationToken = default)
    {
        var states = models.Select(m =>
        {
            var deployed = store.ReadDefinition(m.Name);
            var state = deployed is null ? null : store.ReadState(m.Name);
            return new ModelState(m.Name, m.Database, m.StructureName, deployed is not null, state is not null, state?.ProcessedAt, state?.Cases, state?.Clusters);
        }).ToList();
        return Task.FromResult<IReadOnlyList<ModelState>>(states);
    }

    public Task<bool> DropAsync(ModelDefinition model, CancellationToken cancellationToken = default)
    {
        Forget(model.Name);
        return Task.FromResult(store.Drop(model.Name));
    }

    public Task<IReadOnlyList<ContentNode>> ContentAsync(ModelDefinition model, CancellationToken cancellationToken = default) =>
        Task.FromResult(Trained(model.Name).Content());

    public Task<IReadOnlyList<CharacteristicRow>> CharacteristicsAsync(ModelDefinition model, string node, double threshold = 0.0005, CancellationToken cancellationToken = default) =>
        Task.FromResult(Trained(model.Name).Characteristics(node, threshold));

    public Task<IReadOnlyList<DiscriminationRow>> DiscriminationAsync(ModelDefinition model, string node1, string? node2, double threshold = 0.0005, CancellationToken cancellationToken = default) =>
        Task.FromResult(Trained(model.Name).Discrimination(node1, node2, threshold));

    public Task<IReadOnlyList<ProfileRow>> ProfilesAsync(ModelDefinition model, CancellationToken cancellationToken = default) =>
        Task.FromResult(Trained(model.Name).Profiles());

    public async IAsyncEnumerable<CaseMembership> PredictAsync(ModelDefinition model, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var trained = Trained(model.Name);
        var source = await CaseSourceAsync(Deployed(model.Name), cancellationToken);
        foreach (var p in trained.PredictAll(source))
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return new CaseMembership(KeyText(p.Key), p.Cluster, p.Probability);
        }
    }

    /// <summary>
    /// The processed model, loaded from its file and kept while its state says it is the same processing (another
    /// process, a scheduled run say, may have processed it again since).
    /// </summary>
    public ClusteringModel Trained(string model)
    {
        var state = store.ReadState(model);
        lock (_gate)
        {
            if (_loaded.TryGetValue(model, out var m) && state is not null && m.ProcessedAt == state.ProcessedAt)
            {
                return m;
            }
        }

        Deployed(model);
        var loaded = store.ReadModel(model) ?? throw new MiningException($"the model '{model}' is not processed; run 'segminer models process --model {model}'");
        lock (_gate)
        {
            _loaded[model] = loaded;
        }

        return loaded;
    }

    /// <summary>The deployed definition; a model that is not deployed is an error that says what to run.</summary>
    public ModelDefinition Deployed(string model) =>
        store.ReadDefinition(model)?.Definition ?? throw new MiningException($"the model '{model}' is not deployed; run 'segminer models deploy --model {model}'");

    /// <summary>
    /// The cases of a model's case view, ordered by key so training is reproducible, with each column aliased to its
    /// mining name. Every pass opens its own read-only connection.
    /// </summary>
    public Task<ICaseSource> CaseSourceAsync(ModelDefinition model, CancellationToken cancellationToken)
    {
        if (!warehouse.Exists)
        {
            throw new MiningException($"{warehouse.Describe} does not exist yet; run 'segminer sync' first");
        }

        var scalar = model.Columns.Where(c => c.Content != ContentType.Table).ToList();
        var select = string.Join(", ", scalar.Select(c => $"{Identifiers.QuoteAnsi(c.SourceColumn)} AS {Identifiers.QuoteAnsi(c.Name)}"));
        var sql = $"SELECT {select} FROM {Identifiers.QuoteAnsi(model.CaseViewSchema)}.{Identifiers.QuoteAnsi(model.CaseViewName)}{model.CaseFilter(Identifiers.QuoteAnsi)} ORDER BY {Identifiers.QuoteAnsi(model.Key.SourceColumn)}";
        var nested = new Dictionary<string, Func<object, IEnumerable<object?>>>();
        foreach (var table in model.Columns.Where(c => c.Content == ContentType.Table))
        {
            var items = ReadNested(table, cancellationToken);
            nested[table.Name] = key => items.TryGetValue(KeyText(key), out var list) ? list : [];
        }

        // The key goes first: nested tables are looked up by row[0].
        var ordered = scalar.OrderBy(c => c.Content == ContentType.Key ? 0 : 1).Select(c => c.Name).ToList();
        return Task.FromResult<ICaseSource>(new DataReaderCaseSource(ordered, () => Open(sql), nested.Count == 0 ? null : nested));
    }

    private Dictionary<string, List<object?>> ReadNested(StructureColumn table, CancellationToken cancellationToken)
    {
        var item = table.Columns[0];
        var sql = $"SELECT {Identifiers.QuoteAnsi(table.ForeignKey!)}, {Identifiers.QuoteAnsi(item.SourceColumn)} FROM " +
                  $"{Identifiers.QuoteAnsi(table.View!.Split('.')[0])}.{Identifiers.QuoteAnsi(table.View.Split('.')[1])}";
        var result = new Dictionary<string, List<object?>>();
        using var reader = Open(sql);
        while (reader.Read())
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (reader.IsDBNull(0) || reader.IsDBNull(1))
            {
                continue;
            }

            var key = KeyText(reader.GetValue(0));
            if (!result.TryGetValue(key, out var list))
            {
                result[key] = list = [];
            }

            list.Add(reader.GetValue(1));
        }

        return result;
    }

    private long CountCases(ModelDefinition model)
    {
        if (!warehouse.Exists)
        {
            throw new MiningException($"{warehouse.Describe} does not exist yet; run 'segminer sync' first");
        }

        using var reader = Open($"SELECT count(*) FROM {Identifiers.QuoteAnsi(model.CaseViewSchema)}.{Identifiers.QuoteAnsi(model.CaseViewName)}{model.CaseFilter(Identifiers.QuoteAnsi)}");
        reader.Read();
        return Convert.ToInt64(reader.GetValue(0), CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// Rows of a warehouse view, the named columns in order, those whose column holds the value with
    /// <paramref name="where"/> (the endpoint's OPENQUERY; names are checked by the caller).
    /// </summary>
    public IEnumerable<object?[]> ReadRows(string schema, string view, IReadOnlyList<string> columns, CancellationToken cancellationToken, ColumnValue? where = null)
    {
        var sql = $"SELECT {string.Join(", ", columns.Select(Identifiers.QuoteAnsi))} FROM {Identifiers.QuoteAnsi(schema)}.{Identifiers.QuoteAnsi(view)}{where?.Where(Identifiers.QuoteAnsi)}";
        using var reader = Open(sql);
        while (reader.Read())
        {
            cancellationToken.ThrowIfCancellationRequested();
            var row = new object?[columns.Count];
            for (var i = 0; i < row.Length; i++)
            {
                row[i] = reader.IsDBNull(i) ? null : reader.GetValue(i);
            }

            yield return row;
        }
    }

    private IDataReader Open(string sql)
    {
        try
        {
            return warehouse.ExecuteReader(sql);
        }
        catch (WarehouseException e)
        {
            var hint = e.Message.Contains("does not exist", StringComparison.OrdinalIgnoreCase) || e.Message.Contains("Invalid object name", StringComparison.OrdinalIgnoreCase)
                ? " (is the warehouse schema current? run 'segminer db migrate' or 'segminer sync')" : "";
            throw new MiningException(e.Message + hint);
        }
    }

    public static string KeyText(object? key) => key switch
    {
        null => "",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => key.ToString() ?? "",
    };

    private void Forget(string model)
    {
        lock (_gate)
        {
            _loaded.Remove(model);
        }
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
