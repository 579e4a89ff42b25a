namespace SegmentMiner.Pipeline.Reporting;

/// <summary>
/// The persona report as one self-contained HTML page: the overview of every layer, a card per persona for marketing,
/// the map across layers and products, and a detail page per persona for product and UX work. Inline CSS and SVG, no
/// script, nothing from the network; the same runs give the same bytes.
/// </summary>
internal sealed partial class ReportRenderer(ReportView view)
{
    private readonly HtmlWriter _w = new();

    public string Render()
    {
        var asOf = view.Layers.Select(l => l.Run.AsOf).Max();
        _w.Raw("<!DOCTYPE html>").Line().Open("html", ("lang", "en")).Line()
            .Open("head").Raw("<meta charset=\"utf-8\">").Raw("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
            .Element("title", "Persona report").Line().Element("style", Css).Line().Close("head").Line()
            .Open("body").Line().Open("header").Element("h1", "Persona report")
            .Element("p", $"The current published runs, data as of {ReportView.Date(asOf)}: {view.Personas.Count()} personas in {view.Layers.Count} layers. Revenue is billed in the last 12 months, in {view.Currency}.", ("class", "meta"));
        Contents();
        _w.Close("header").Line().Open("main").Line();
        Overview();
        Cards();
        Map();
        Details();
        _w.Close("main").Line().Close("body").Line().Close("html").Line();
        return _w.ToString();
    }

    private void Contents()
    {
        _w.Open("nav", ("aria-label", "Contents")).Open("ul");
        foreach (var (id, text) in new[] { ("overview", "Overview"), ("cards", "Personas at a glance"), ("map", "The map"), ("details", "Persona details") })
        {
            _w.Open("li").Element("a", text, ("href", "#" + id)).Close("li");
        }

        _w.Close("ul").Close("nav").Line();
    }

    private void Section(string id, string title, string intro)
    {
        _w.Open("section", ("id", id), ("class", "part")).Line().Element("h2", title).Element("p", intro, ("class", "meta")).Line();
    }

    /// <summary>A chart: its SVG, then the table with the same numbers.</summary>
    private void Chart(string svg, ReportTable table)
    {
        _w.Open("div", ("class", "chart")).Raw(svg).Line();
        table.Write(_w);
        _w.Close("div").Line();
    }

    private const string Css = """
        :root{--ink:#1b1f24;--muted:#4a5563;--line:#d0d7de;--s0:#1f5fa8;--s1:#b4531a;--band:#f2f4f7}
        *{box-sizing:border-box}
        body{margin:0;font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;color:var(--ink);background:#fff}
        header,main{max-width:1200px;margin:0 auto;padding:0 24px}
        header{padding-top:20px;border-bottom:1px solid var(--line)}
        h1{font-size:1.8rem;margin:0 0 4px}h2{font-size:1.45rem;margin:36px 0 6px;padding-top:8px;border-top:3px solid var(--s0)}
        h3{font-size:1.2rem;margin:26px 0 6px}h4{font-size:1.05rem;margin:16px 0 4px}h5{font-size:.95rem;margin:14px 0 4px}
        .meta{color:var(--muted)}a{color:#0b57a4}
        nav ul{display:flex;flex-wrap:wrap;gap:4px 18px;list-style:none;padding:0}
        .cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(340px,1fr));gap:14px}
        .card{border:1px solid var(--line);border-radius:6px;padding:12px 14px}.card h4{margin-top:0}.card ul{padding-left:20px;margin:6px 0}
        .size{font-weight:600}
        .chart{margin:10px 0 18px;overflow-x:auto}.chart svg{display:block;max-width:100%;height:auto}
        svg .lbl{font-size:12px;fill:var(--ink)}svg .val,svg .cv{font-size:11px}svg .val{fill:var(--ink)}svg .axis{stroke:var(--muted)}
        svg .s0{fill:var(--s0)}svg .s1{fill:var(--s1)}.bar.s0{background:var(--s0)}.bar.s1{background:var(--s1)}
        table.data{border-collapse:collapse;font-size:13px;margin:6px 0 14px}
        table.data caption{text-align:left;font-weight:600;padding:4px 0}
        table.data th,table.data td{border-bottom:1px solid var(--line);padding:3px 8px;text-align:left;vertical-align:middle}
        table.data thead th{background:var(--band)}table.data tbody th{font-weight:500}
        td.num{text-align:right;white-space:nowrap;font-variant-numeric:tabular-nums}table.data th{overflow-wrap:anywhere}
        .bars{display:inline-flex;flex-direction:column;gap:2px;width:120px;margin-right:8px;vertical-align:middle}
        .bar{display:block;height:6px;min-width:1px}
        .key{display:inline-block;width:12px;height:12px;vertical-align:middle;margin:0 4px 0 12px}
        .persona{border-top:1px solid var(--line);margin-top:28px}
        .two{display:grid;grid-template-columns:1fr 1fr;gap:18px}
        @media (max-width:900px){.two{grid-template-columns:1fr}}
        @page{size:A4 landscape;margin:12mm}
        @media print{body{font-size:10pt}nav{display:none}header,main{max-width:none;padding:0}.part~.part{break-before:page}
        .persona{break-before:page;border:0;margin:0}.card,.chart,table.data{break-inside:avoid}h2,h3,h4,h5{break-after:avoid}a{color:inherit;text-decoration:none}}
        """;
}
