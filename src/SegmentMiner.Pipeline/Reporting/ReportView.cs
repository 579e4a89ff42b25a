using SegmentMiner.Pipeline.Publishing.Facts;

namespace SegmentMiner.Pipeline.Reporting;

/// <summary>The report's data arranged for reading: layers in the persona's order, each segment's facts by key, numbers as people read them.</summary>
internal sealed class ReportView
{
    private static readonly Unit MoneyUnit = new(UnitKind.Money);
    private readonly ValueFormat _format;

    public ReportView(ReportData data, ValueFormat format)
    {
        Data = data;
        _format = format;
        Layers = data.Runs.Where(r => r.IsCurrent).Select(r => Layer(data, r))
            .OrderBy(l => Array.IndexOf(ReportLayer.Order, l.Layer) is var i and >= 0 ? i : ReportLayer.Order.Length)
            .ThenBy(l => l.Layer, StringComparer.Ordinal).ThenBy(l => l.Product, StringComparer.Ordinal).ToList();
        Characteristics = data.Characteristics.OrderBy(c => c.Rank).ToLookup(c => c.Key);
        Distributions = data.Distributions.OrderBy(d => d.Attribute, StringComparer.Ordinal).ToLookup(d => d.Key);
        Traits = data.Traits.OrderBy(t => t.Rank).ToLookup(t => t.Key);
        Segments = data.Segments.ToDictionary(s => s.Key);
    }

    public ReportData Data { get; }

    public IReadOnlyList<ReportLayer> Layers { get; }

    public ILookup<long, ReportCharacteristic> Characteristics { get; }

    public ILookup<long, ReportDistribution> Distributions { get; }

    public ILookup<long, ReportTrait> Traits { get; }

    public IReadOnlyDictionary<long, ReportSegment> Segments { get; }

    /// <summary>Every persona the report describes: each layer's segments that are not retired.</summary>
    public IEnumerable<(ReportLayer Layer, ReportSegment Segment)> Personas => Layers.SelectMany(l => l.Segments.Select(s => (l, s)));

    public string Currency => _format.Currency;

    public string Money(double value) => _format.Format(value, MoneyUnit);

    /// <summary>A value in its unit ("$1,250", "12 invoices").</summary>
    public string Format(double value, Unit unit) => _format.Format(value, unit, average: true);

    public static string Count(long value) => ValueFormat.Plain(value, 0);

    public static string Percent(double share, int digits = 1) => ValueFormat.Plain(100 * share, digits) + "%";

    public static string Date(DateTime? at) => at is { } t ? t.ToString(t.TimeOfDay == TimeSpan.Zero ? "yyyy-MM-dd" : "yyyy-MM-dd HH:mm 'UTC'", System.Globalization.CultureInfo.InvariantCulture) : "not recorded";

    /// <summary>The revenue billed in 12 months to the segment's accounts, and its share of the layer's.</summary>
    public (double Revenue, double Share) Revenue(ReportLayer layer, ReportSegment s)
    {
        var revenue = Data.Revenue.TryGetValue(s.Key, out var r) ? r.Revenue : 0;
        var total = layer.Product is { } p
            ? Data.ProductRevenue.TryGetValue(p, out var t) ? t.Revenue : 0
            : layer.Segments.Sum(x => Data.Revenue.TryGetValue(x.Key, out var y) ? y.Revenue : 0);
        return (revenue, total == 0 ? 0 : revenue / total);
    }

    /// <summary>Since the run before: who stayed, joined and left, from the published migration; null on a layer's first run.</summary>
    public (long Before, long Stayed, long Joined, long Left)? Change(ReportLayer layer, ReportSegment s)
    {
        if (layer.PreviousRunId is null)
        {
            return null;
        }

        var before = layer.Migrations.Where(m => m.From == s.Key).Sum(m => m.Members);
        var stayed = layer.Migrations.Where(m => m.From == s.Key && m.To == s.Key).Sum(m => m.Members);
        return (before, stayed, s.Population - stayed, before - stayed);
    }

    /// <summary>The change as a sentence for a card.</summary>
    public string ChangeText(ReportLayer layer, ReportSegment s)
    {
        if (Change(layer, s) is not { } c)
        {
            return "First published run of this layer: nothing to compare with yet.";
        }

        if (c.Before == 0)
        {
            return $"New since the previous run: {Count(s.Population)} {layer.Members}, none of them here before.";
        }

        var delta = s.Population - c.Before;
        var sign = delta > 0 ? "+" : delta < 0 ? "−" : "±";
        return $"{sign}{Count(Math.Abs(delta))} {layer.Members} ({sign}{Percent(Math.Abs((double)delta) / c.Before)}) since the previous run: {Count(c.Stayed)} stayed, {Count(c.Joined)} joined, {Count(c.Left)} left.";
    }

    private static ReportLayer Layer(ReportData data, ReportRun run)
    {
        var segments = data.Segments.Where(s => s.RunId == run.RunId).ToList();
        var previous = data.Runs.Where(r => r.Model == run.Model && r.RunId < run.RunId && r.Status == "Published").MaxBy(r => r.RunId);
        return new ReportLayer(run.Layer, ReportLayer.TitleOf(run.Layer), run.Product, run, previous,
            segments.Where(s => !s.Retired).OrderBy(s => s.NotProfiled).ThenByDescending(s => s.Population).ThenBy(s => s.Key).ToList(),
            segments.Where(s => s.Retired).OrderBy(s => s.Key).ToList(),
            data.Migrations.Where(m => m.RunId == run.RunId).OrderBy(m => m.From ?? -1).ThenBy(m => m.To ?? -1).ToList());
    }
}
