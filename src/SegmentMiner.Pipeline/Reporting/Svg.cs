using System.Globalization;
using System.Text;

namespace SegmentMiner.Pipeline.Reporting;

/// <summary>
/// The report's charts as inline SVG: labelled for assistive technology (role img, a title), coloured by the
/// stylesheet's series classes, each written before the data table that carries the same numbers.
/// </summary>
internal static class Svg
{
    private const int Label = 250;
    private const int Plot = 360;

    /// <summary>A coordinate or a percentage, invariant, at most one decimal.</summary>
    public static string N(double v) => Math.Round(v, 1).ToString("0.#", CultureInfo.InvariantCulture);

    /// <summary>Horizontal bars: one group per row, one bar per series, each value a share (0..1).</summary>
    public static string Bars(string id, string title, IReadOnlyList<(string Label, double[] Values)> rows, string[] series, Func<double, string> format)
    {
        var bar = 11;
        var group = (series.Length * bar) + 10;
        var height = 30 + (rows.Count * group);
        var max = Math.Max(1e-9, rows.SelectMany(r => r.Values).DefaultIfEmpty(0).Max());
        var s = Start(id, title, Label + Plot + 90, height);
        Legend(s, series, Label);
        for (var i = 0; i < rows.Count; i++)
        {
            var y = 28 + (i * group);
            s.Append($"<text x=\"{Label - 8}\" y=\"{y + (group / 2) - 2}\" text-anchor=\"end\" class=\"lbl\">{HtmlWriter.Escape(Short(rows[i].Label, 34))}</text>");
            for (var k = 0; k < series.Length; k++)
            {
                var v = rows[i].Values[k];
                var w = Plot * v / max;
                s.Append($"<rect x=\"{Label}\" y=\"{y + (k * bar)}\" width=\"{N(w)}\" height=\"{bar - 2}\" class=\"s{k}\"/>");
                s.Append($"<text x=\"{N(Label + w + 4)}\" y=\"{y + (k * bar) + bar - 3}\" class=\"val\">{HtmlWriter.Escape(format(v))}</text>");
            }
        }

        return s.Append("</svg>").ToString();
    }

    /// <summary>Paired vertical bars per bin: the members' share against the population's.</summary>
    public static string Histogram(string id, string title, IReadOnlyList<(string Label, double Members, double Population)> bins)
    {
        var width = Math.Max(320, 40 + (bins.Count * 70));
        const int top = 26, plot = 110;
        var max = Math.Max(1e-9, bins.SelectMany(b => new[] { b.Members, b.Population }).DefaultIfEmpty(0).Max());
        var s = Start(id, title, width, top + plot + 34);
        Legend(s, ["Members", "Population"], 10);
        for (var i = 0; i < bins.Count; i++)
        {
            var x = 20 + (i * 70);
            var values = new[] { bins[i].Members, bins[i].Population };
            for (var k = 0; k < 2; k++)
            {
                var h = plot * values[k] / max;
                s.Append($"<rect x=\"{x + (k * 24)}\" y=\"{N(top + plot - h)}\" width=\"22\" height=\"{N(h)}\" class=\"s{k}\"/>");
            }

            s.Append($"<text x=\"{x + 23}\" y=\"{top + plot + 14}\" text-anchor=\"middle\" class=\"val\">{HtmlWriter.Escape(Short(bins[i].Label, 14))}</text>");
        }

        s.Append($"<line x1=\"10\" x2=\"{width - 10}\" y1=\"{top + plot}\" y2=\"{top + plot}\" class=\"axis\"/>");
        return s.Append("</svg>").ToString();
    }

    /// <summary>A heat map: cells shaded by value against the largest, labelled with their formatted value; marked cells get a star.</summary>
    public static string Matrix(string id, string title, IReadOnlyList<string> rows, IReadOnlyList<string> columns, double[,] values, Func<double, string> format, bool[,]? marks = null)
    {
        const int cell = 84, head = 64;
        var s = Start(id, title, Label + (columns.Count * cell) + 10, head + (rows.Count * 30) + 10);
        var max = Math.Max(1e-9, values.Cast<double>().DefaultIfEmpty(0).Max());
        for (var j = 0; j < columns.Count; j++)
        {
            s.Append($"<text x=\"{Label + (j * cell) + (cell / 2)}\" y=\"{head - 8}\" text-anchor=\"middle\" class=\"lbl\">{HtmlWriter.Escape(Short(columns[j], 13))}</text>");
        }

        for (var i = 0; i < rows.Count; i++)
        {
            var y = head + (i * 30);
            s.Append($"<text x=\"{Label - 8}\" y=\"{y + 19}\" text-anchor=\"end\" class=\"lbl\">{HtmlWriter.Escape(Short(rows[i], 34))}</text>");
            for (var j = 0; j < columns.Count; j++)
            {
                var (fill, ink) = Shade(values[i, j] / max);
                var star = marks is not null && marks[i, j] ? " ★" : "";
                s.Append($"<rect x=\"{Label + (j * cell)}\" y=\"{y}\" width=\"{cell - 2}\" height=\"28\" fill=\"{fill}\"/>");
                s.Append($"<text x=\"{Label + (j * cell) + (cell / 2)}\" y=\"{y + 19}\" text-anchor=\"middle\" fill=\"{ink}\" class=\"cv\">{HtmlWriter.Escape(format(values[i, j]) + star)}</text>");
            }
        }

        return s.Append("</svg>").ToString();
    }

    /// <summary>
    /// A blue from pale to dark by <paramref name="t"/> (0..1), and the text colour (black or white) with the higher
    /// contrast on it: at least 4.58:1 whatever the shade, above WCAG AA's 4.5:1.
    /// </summary>
    public static (string Fill, string Ink) Shade(double t)
    {
        t = Math.Clamp(double.IsFinite(t) ? t : 0, 0, 1);
        int Mix(int a, int b) => (int)Math.Round(a + ((b - a) * t));
        var (r, g, b) = (Mix(0xF2, 0x12), Mix(0xF5, 0x3E), Mix(0xFA, 0x7A));
        var l = (0.2126 * Linear(r)) + (0.7152 * Linear(g)) + (0.0722 * Linear(b));
        var onBlack = (l + 0.05) / 0.05;
        var onWhite = 1.05 / (l + 0.05);
        return ($"#{r:x2}{g:x2}{b:x2}", onBlack >= onWhite ? "#000000" : "#ffffff");
    }

    private static double Linear(int channel)
    {
        var c = channel / 255.0;
        return c <= 0.03928 ? c / 12.92 : Math.Pow((c + 0.055) / 1.055, 2.4);
    }

    private static StringBuilder Start(string id, string title, int width, int height) => new StringBuilder()
        .Append($"<svg role=\"img\" aria-labelledby=\"{id}\" viewBox=\"0 0 {width} {height}\" width=\"{width}\" height=\"{height}\">")
        .Append($"<title id=\"{id}\">{HtmlWriter.Escape(title)}</title>");

    private static void Legend(StringBuilder s, string[] series, int x)
    {
        for (var k = 0; k < series.Length; k++)
        {
            var at = x + (k * 140);
            s.Append($"<rect x=\"{at}\" y=\"6\" width=\"12\" height=\"12\" class=\"s{k}\"/><text x=\"{at + 17}\" y=\"16\" class=\"lbl\">{HtmlWriter.Escape(series[k])}</text>");
        }
    }

    /// <summary>A label cut to <paramref name="max"/> characters with an ellipsis (the table beside the chart has it whole).</summary>
    private static string Short(string label, int max) => label.Length <= max ? label : label[..(max - 1)].TrimEnd() + "…";
}
