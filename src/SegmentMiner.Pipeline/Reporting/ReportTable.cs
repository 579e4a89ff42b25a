namespace SegmentMiner.Pipeline.Reporting;

/// <summary>A table cell: its text, right-aligned when a number, with CSS bars (share 0..1, series class) before the text.</summary>
internal sealed record TableCell(string Text, bool Number = false, params (double Share, string Series)[] Bars)
{
    public static implicit operator TableCell(string text) => new(text);
}

/// <summary>A data table: the text alternative behind a chart, or a table in its own right (bars inside cells are CSS).</summary>
internal sealed class ReportTable(string caption, params string[] headers)
{
    private readonly List<TableCell[]> _rows = [];

    public int Count => _rows.Count;

    public ReportTable Add(params TableCell[] cells)
    {
        _rows.Add(cells);
        return this;
    }

    public void Write(HtmlWriter w)
    {
        w.Open("table", ("class", "data")).Element("caption", caption).Open("thead").Open("tr");
        foreach (var h in headers)
        {
            w.Element("th", h, ("scope", "col"));
        }

        w.Close("tr").Close("thead").Line().Open("tbody");
        foreach (var row in _rows)
        {
            w.Open("tr");
            for (var i = 0; i < row.Length; i++)
            {
                Cell(w, row[i], i == 0);
            }

            w.Close("tr").Line();
        }

        w.Close("tbody").Close("table").Line();
    }

    private static void Cell(HtmlWriter w, TableCell cell, bool first)
    {
        var tag = first ? "th" : "td";
        w.Open(tag, ("scope", first ? "row" : null), ("class", cell.Number ? "num" : null));
        if (cell.Bars.Length > 0)
        {
            w.Open("span", ("class", "bars"));
            foreach (var (share, series) in cell.Bars)
            {
                w.Open("span", ("class", "bar " + series), ("style", $"width:{Svg.N(100 * Math.Clamp(share, 0, 1))}%")).Close("span");
            }

            w.Close("span");
        }

        w.Text(cell.Text).Close(tag);
    }
}
