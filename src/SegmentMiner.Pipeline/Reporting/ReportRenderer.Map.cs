namespace SegmentMiner.Pipeline.Reporting;

/// <summary>The map: market segments by buyer clusters, golden personas across products, the portfolio's gaps and overlaps, and migration.</summary>
internal sealed partial class ReportRenderer
{
    private void Map()
    {
        Section("map", "The map", "How the personas relate: who buys how, which personas recur across products, where the portfolio has gaps and overlaps, and who moved between segments.");
        HeatMap();
        GoldenPersonas();
        PortfolioMap();
        _w.Element("h3", "Migration since the previous run").Line();
        foreach (var layer in view.Layers)
        {
            MigrationMatrix(layer);
        }

        _w.Close("section").Line();
    }

    private void HeatMap()
    {
        _w.Element("h3", "Market segments by buyer clusters").Line();
        var market = Layer("market-segments");
        var buyer = Layer("buyer-clusters");
        if (market is null || buyer is null || view.Data.Map.Count == 0)
        {
            _w.Element("p", "Needs current runs of both market segments and buyer clusters.", ("class", "meta")).Line();
            return;
        }

        var rows = market.Segments;
        var cols = buyer.Segments;
        var customers = new double[rows.Count, cols.Count];
        var revenue = new double[rows.Count, cols.Count];
        var golden = new bool[rows.Count, cols.Count];
        foreach (var c in view.Data.Map)
        {
            var (i, j) = (Index(rows, c.Market), Index(cols, c.Buyer));
            if (i >= 0 && j >= 0)
            {
                (customers[i, j], revenue[i, j], golden[i, j]) = (customers[i, j] + c.Customers, revenue[i, j] + c.Revenue, golden[i, j] || c.Golden);
            }
        }

        var title = "Customers by market segment (rows) and buyer cluster (columns); ★ marks a combination flagged golden in seg.vPersonaMap";
        var table = new ReportTable(title, "Market segment", "Buyer cluster", "Customers", $"Revenue ({view.Currency})", "Golden");
        for (var i = 0; i < rows.Count; i++)
        {
            for (var j = 0; j < cols.Count; j++)
            {
                table.Add(rows[i].Name, cols[j].Name, new TableCell(ReportView.Count((long)customers[i, j]), true), new TableCell(view.Money(revenue[i, j]), true), golden[i, j] ? "golden" : "");
            }
        }

        Chart(Svg.Matrix(_w.NextId("chart"), title, rows.Select(s => s.Name).ToList(), cols.Select(s => s.Name).ToList(), customers, v => ReportView.Count((long)v), golden), table);
    }

    private void GoldenPersonas()
    {
        _w.Element("h3", "Golden personas across products").Line();
        var products = view.Layers.Where(l => l.Product is not null).Select(l => l.Product!).ToList();
        if (view.Data.Golden.Count == 0)
        {
            _w.Element("p", products.Count == 0 ? "No product personas are published." : "No persona recurs across products in the current runs.", ("class", "meta")).Line();
            return;
        }

        var table = new ReportTable("Golden personas: the products they appear in (✓), their people, accounts and revenue",
            ["Golden persona", .. products, "Contacts", "Accounts", $"Revenue ({view.Currency})"]);
        foreach (var g in view.Data.Golden.OrderBy(g => g.Key))
        {
            var inProducts = view.Data.GoldenMembers.Where(m => m.GoldenKey == g.Key).Select(m => m.Product).ToHashSet(StringComparer.Ordinal);
            table.Add([g.Name, .. products.Select(p => (TableCell)(inProducts.Contains(p) ? "✓ " + p : "–")),
                new TableCell(ReportView.Count(g.Contacts), true), new TableCell(ReportView.Count(g.Accounts), true), new TableCell(view.Money(g.Revenue), true)]);
        }

        table.Write(_w);
    }

    private void PortfolioMap()
    {
        _w.Element("h3", "The portfolio: personas by product").Line();
        var cells = view.Data.Portfolio;
        if (cells.Count == 0)
        {
            _w.Element("p", "No product personas are published.", ("class", "meta")).Line();
            return;
        }

        _w.Element("p", "Each cell: the share of the persona's accounts that hold the product, against all accounts' share. A gap is a large persona that rarely holds a product; an overlap is a persona whose accounts mostly use two or more products.", ("class", "meta")).Line();
        var products = cells.Select(c => c.Product).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        var table = new ReportTable("Portfolio map: penetration of each product among each persona's accounts (gap and overlap marked)", ["Persona", "Contacts", .. products]);
        foreach (var persona in cells.GroupBy(c => (c.GoldenKey, c.SegmentKey, c.Persona)).OrderBy(g => g.Key.GoldenKey is null).ThenBy(g => g.Key.Persona, StringComparer.Ordinal))
        {
            var byProduct = persona.ToDictionary(c => c.Product, StringComparer.Ordinal);
            table.Add([persona.Key.Persona, new TableCell(ReportView.Count(persona.First().Contacts), true),
                .. products.Select(p => byProduct.TryGetValue(p, out var c) ? PortfolioCell(c) : new TableCell("–"))]);
        }

        table.Write(_w);
    }

    private static TableCell PortfolioCell(ReportPortfolioCell c)
    {
        var flags = string.Join(" ", new[] { c.Gap ? "gap" : null, c.Overlap ? "overlap" : null }.OfType<string>());
        var text = $"{ReportView.Percent(c.Penetration, 0)} (all {ReportView.Percent(c.ProductPenetration, 0)})" + (flags.Length > 0 ? " " + flags : "");
        return new TableCell(text, false, (c.Penetration, "s0"), (c.ProductPenetration, "s1")); // wraps: five products fit the page
    }

    private void MigrationMatrix(ReportLayer layer)
    {
        if (layer.PreviousRunId is not { } previous)
        {
            _w.Element("p", $"{layer.FullTitle}: first published run, no migration yet.", ("class", "meta")).Line();
            return;
        }

        var from = layer.Migrations.Select(m => m.From).Distinct().OrderBy(k => k ?? long.MaxValue).ToList();
        var to = layer.Migrations.Select(m => m.To).Distinct().OrderBy(k => k ?? long.MaxValue).ToList();
        var counts = new double[from.Count, to.Count];
        var title = $"{layer.FullTitle}: {layer.Members} by segment in run {previous} (rows) and in run {layer.Run.RunId} (columns)";
        var table = new ReportTable(title, "From", "To", Capital(layer.Members));
        foreach (var m in layer.Migrations)
        {
            counts[from.IndexOf(m.From), to.IndexOf(m.To)] += m.Members;
            table.Add(Name(m.From, "not there before"), Name(m.To, "gone"), new TableCell(ReportView.Count(m.Members), true));
        }

        Chart(Svg.Matrix(_w.NextId("chart"), title, from.Select(k => Name(k, "not there before")).ToList(), to.Select(k => Name(k, "gone")).ToList(), counts, v => ReportView.Count((long)v)), table);
    }

    private string Name(long? key, string none) =>
        key is null ? none : view.Segments.TryGetValue(key.Value, out var s) ? s.Name : $"segment {key} (earlier run)";

    private ReportLayer? Layer(string name) => view.Layers.FirstOrDefault(l => l.Layer == name && l.Product is null);

    private static int Index(IReadOnlyList<ReportSegment> segments, long? key)
    {
        for (var i = 0; i < segments.Count; i++)
        {
            if (segments[i].Key == key)
            {
                return i;
            }
        }

        return -1;
    }
}
