namespace SegmentMiner.Pipeline.Reporting;

/// <summary>The overview: each layer's run, its segments as bars of members and revenue, and what changed.</summary>
internal sealed partial class ReportRenderer
{
    private void Overview()
    {
        Section("overview", "Overview", "Each layer's current run: its segments by members and by the revenue of their accounts, and what changed since the run before.");
        foreach (var layer in view.Layers)
        {
            _w.Element("h3", layer.FullTitle, ("id", layer.Anchor)).Line();
            var r = layer.Run;
            _w.Element("p", $"Run {r.RunId}, processed {ReportView.Date(r.ProcessedAt)} and published {ReportView.Date(r.PublishedAt)} by the {r.Engine} engine: {ReportView.Count(r.Cases)} cases as of {ReportView.Date(r.AsOf)}, {r.Clusters} clusters; parameters {(r.Parameters.Length == 0 ? "the defaults" : r.Parameters)}.", ("class", "meta")).Line();
            _w.Element("p", RunChange(layer)).Line();
            LayerChart(layer);
        }

        _w.Close("section").Line();
    }

    private string RunChange(ReportLayer layer)
    {
        if (layer.PreviousRunId is not { } previous)
        {
            return "First published run of this layer: nothing to compare with yet.";
        }

        var moved = layer.Migrations.Where(m => m.From is not null && m.To is not null && m.From != m.To).Sum(m => m.Members);
        var arrived = layer.Migrations.Where(m => m.From is null).Sum(m => m.Members);
        var gone = layer.Migrations.Where(m => m.To is null).Sum(m => m.Members);
        var fresh = layer.Segments.Where(s => view.Change(layer, s) is { Before: 0 }).Select(s => s.Name).ToList();
        var text = $"Since run {previous} ({layer.PreviousDate}): {ReportView.Count(moved)} {layer.Members} changed segment, {ReportView.Count(arrived)} are new and {ReportView.Count(gone)} are gone.";
        text += fresh.Count == 0 ? " No new segment." : $" New: {string.Join(", ", fresh)}.";
        return text + (layer.Retired.Count == 0 ? " None retired." : $" Retired: {string.Join(", ", layer.Retired.Select(s => s.Name))}.");
    }

    private void LayerChart(ReportLayer layer)
    {
        var title = $"{Capital(layer.Members)} and revenue by segment: {layer.FullTitle}";
        var table = new ReportTable(title, "Segment", Capital(layer.Members), "Share", $"Revenue ({view.Currency})", "Revenue share", "Since the previous run");
        var rows = new List<(string, double[])>();
        foreach (var s in layer.Segments)
        {
            var (revenue, share) = view.Revenue(layer, s);
            rows.Add((s.Name, [s.Share, share]));
            var change = view.Change(layer, s) is { } c ? (c.Before == 0 ? "new" : Signed(s.Population - c.Before)) : "first run";
            table.Add(s.Name, new TableCell(ReportView.Count(s.Population), true), new TableCell(ReportView.Percent(s.Share), true),
                new TableCell(view.Money(revenue), true), new TableCell(ReportView.Percent(share), true), new TableCell(change, true));
        }

        var series = new[] { $"Share of {layer.Members}", "Share of revenue" };
        Chart(Svg.Bars(_w.NextId("chart"), title, rows, series, v => ReportView.Percent(v)), table);
    }

    private static string Signed(long delta) => delta > 0 ? "+" + ReportView.Count(delta) : delta < 0 ? "−" + ReportView.Count(-delta) : "0";

    private static string Capital(string text) => text.Length == 0 ? text : char.ToUpperInvariant(text[0]) + text[1..];
}
