using SegmentMiner.Pipeline.Publishing.Facts;

namespace SegmentMiner.Pipeline.Reporting;

/// <summary>A page per persona, for product and UX work: every characteristic, the differences both ways, distributions, the other layers' mix, products and deal roles.</summary>
internal sealed partial class ReportRenderer
{
    private void Details()
    {
        Section("details", "Persona details", "Every characteristic of each persona's members against the population, what sets it apart in both directions, and how its accounts fall in the other layers.");
        foreach (var layer in view.Layers)
        {
            _w.Element("h3", layer.FullTitle).Line();
            foreach (var s in layer.Segments)
            {
                Persona(layer, s);
            }
        }

        _w.Close("section").Line();
    }

    private void Persona(ReportLayer layer, ReportSegment s)
    {
        _w.Open("section", ("class", "persona"), ("id", $"persona-{s.Key}")).Line().Element("h4", s.Name).Element("p", s.Description)
            .Element("p", $"{ReportView.Count(s.Population)} {layer.Members}, {ReportView.Percent(s.Share)} of {layer.FullTitle.ToLowerInvariant()}. {view.ChangeText(layer, s)}", ("class", "size")).Line();
        if (layer.Product is not null)
        {
            ProductsAndRoles(layer, s);
        }

        CharacteristicsTable(s);
        Apart(s);
        Distributions(layer, s);
        Mix(layer, s);
        _w.Close("section").Line();
    }

    private void CharacteristicsTable(ReportSegment s)
    {
        _w.Element("h5", "Characteristics");
        var rows = view.Characteristics[s.Key].Where(c => c.Attribute != "Main Deal Role").ToList();
        if (rows.Count == 0)
        {
            _w.Element("p", "No characteristics: the model has no data for these members.", ("class", "meta")).Line();
            return;
        }

        _w.Open("p", ("class", "meta")).Text("Bars: ").Raw("<span class=\"key bar s0\"></span>").Text("members ").Raw("<span class=\"key bar s1\"></span>").Text("population").Close("p");
        ShareTable($"Characteristics of {s.Name}: the members' share of each state against the population's", rows).Write(_w);
    }

    private static ReportTable ShareTable(string caption, IEnumerable<ReportCharacteristic> rows)
    {
        var table = new ReportTable(caption, "Attribute", "Value", "Members", "Population", "Lift");
        foreach (var c in rows)
        {
            var population = c.PopulationShare;
            table.Add(c.Attribute, c.Value, new TableCell(ReportView.Percent(c.Share), true, (c.Share, "s0"), (population ?? 0, "s1")),
                new TableCell(population is { } p ? ReportView.Percent(p) : "–", true), new TableCell(Svg.N(c.Lift), true));
        }

        return table;
    }

    private void Apart(ReportSegment s)
    {
        _w.Element("h5", "What sets it apart from the rest");
        var traits = view.Traits[s.Key].ToList();
        if (traits.Count == 0)
        {
            _w.Element("p", "No difference from the rest passes the significance test.", ("class", "meta")).Line();
            return;
        }

        var table = new ReportTable($"{s.Name} against the rest, both directions (significant differences, strongest first)", "Direction", "Trait", "Members", "Overall", "p-value");
        foreach (var t in traits.OrderByDescending(t => t.Favors).ThenBy(t => t.Rank))
        {
            table.Add(t.Favors ? (t.IsShare ? "more often" : "higher") : (t.IsShare ? "less often" : "lower"), t.Phrase,
                new TableCell(TraitValue(t, t.MemberValue), true), new TableCell(TraitValue(t, t.PopulationValue), true), new TableCell(t.PValue < 0.0001 ? "< 0.0001" : t.PValue.ToString("0.####", System.Globalization.CultureInfo.InvariantCulture), true));
        }

        table.Write(_w);
    }

    /// <summary>Continuous attributes: the members' share in each bin against the population's, with the members' quantiles.</summary>
    private void Distributions(ReportLayer layer, ReportSegment s)
    {
        var bins = view.Characteristics[s.Key].Where(c => c.Minimum is not null || c.Maximum is not null).GroupBy(c => c.Attribute).OrderBy(g => g.Key, StringComparer.Ordinal).ToList();
        if (bins.Count == 0)
        {
            return;
        }

        _w.Element("h5", "Distributions");
        var quantiles = view.Distributions[s.Key].ToDictionary(d => d.Attribute, StringComparer.Ordinal);
        foreach (var attribute in bins)
        {
            var ordered = attribute.OrderBy(c => c.Minimum ?? double.MinValue).ToList();
            var unit = AttributeWords.UnitOf(attribute.Key);
            if (quantiles.TryGetValue(attribute.Key, out var q) && q.Median is not null)
            {
                _w.Element("p", $"{attribute.Key} among the members: median {view.Format(q.Median.Value, unit)}, middle half {view.Format(q.P25 ?? 0, unit)} to {view.Format(q.P75 ?? 0, unit)}, range {view.Format(q.Minimum ?? 0, unit)} to {view.Format(q.Maximum ?? 0, unit)}, mean {view.Format(q.Mean, unit)}.");
            }

            var title = $"{attribute.Key}: share of {s.Name}'s {layer.Members} in each range against the population's";
            Chart(Svg.Histogram(_w.NextId("chart"), title, ordered.Select(c => (c.Value, c.Share, c.PopulationShare ?? 0)).ToList()), ShareTable(title, ordered));
        }
    }

    private void Mix(ReportLayer layer, ReportSegment s)
    {
        var mix = view.Data.Mix.Where(m => m.Key == s.Key && view.Segments.ContainsKey(m.Other)).ToList();
        foreach (var other in new[] { "market-segments", "customer-segments" }.Where(o => o != layer.Layer))
        {
            var rows = mix.Select(m => (Segment: view.Segments[m.Other], m.Accounts)).Where(m => m.Segment.Layer == other && m.Segment.Product is null).OrderByDescending(m => m.Accounts).ThenBy(m => m.Segment.Key).ToList();
            if (rows.Count == 0)
            {
                continue;
            }

            var total = (double)rows.Sum(r => r.Accounts);
            var title = $"{ReportLayer.TitleOf(other)} of {s.Name}'s accounts";
            _w.Element("h5", ReportLayer.TitleOf(other) + " mix");
            var table = new ReportTable(title, "Segment", "Accounts", "Share");
            foreach (var (segment, accounts) in rows)
            {
                table.Add(segment.Name, new TableCell(ReportView.Count(accounts), true), new TableCell(ReportView.Percent(accounts / total), true, (accounts / total, "s0")));
            }

            table.Write(_w);
        }
    }

    private void ProductsAndRoles(ReportLayer layer, ReportSegment s)
    {
        _w.Element("h5", "Products and deal roles");
        var golden = view.Data.GoldenMembers.Where(m => m.Product == layer.Product && m.SegmentKey == s.Key).Select(m => m.GoldenKey).ToList();
        var g = view.Data.Golden.FirstOrDefault(x => golden.Contains(x.Key));
        _w.Element("p", g is null
            ? $"A persona of {layer.Product} only: no persona of another product matches it."
            : $"Part of the golden persona {g.Name}, which appears in {string.Join(", ", view.Data.GoldenMembers.Where(m => m.GoldenKey == g.Key).Select(m => m.Product).Order(StringComparer.Ordinal))}.").Line();
        var roles = view.Characteristics[s.Key].Where(c => c.Attribute == "Main Deal Role").ToList();
        if (roles.Count > 0)
        {
            ShareTable($"{s.Name}: the part members mostly take in deals, against all {layer.Product} contacts", roles).Write(_w);
        }
    }
}
