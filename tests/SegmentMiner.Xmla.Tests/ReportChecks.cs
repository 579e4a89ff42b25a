using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using SegmentMiner.Tests.Shared;
using SegmentMiner.Xmla.Tests.Browser;

namespace SegmentMiner.Xmla.Tests;

/// <summary>
/// The persona report the demo wrote, checked against the published views: a card and a detail page for every
/// persona with its name and size, a table behind every chart, nothing from the network, the same bytes on every
/// render; then the page in headless Chromium (console, first screen, printed page, axe-core).
/// </summary>
internal static partial class ReportChecks
{
    public static async Task StructureAsync(string root, CliRun cli)
    {
        var html = await File.ReadAllTextAsync(Path.Combine(root, "report.html"));
        var w = DemoWarehouse.Open(root); // not disposed: the caller deletes the folder
        var personas = await w.QueryAsync<(string Model, string? Product, long Key, string Name, long Population)>(
            "select Model, Product, SegmentKey, Name, Population from seg.vSegment where not IsRetired order by Model, Product, SegmentKey");
        Assert.That(personas, Has.Count.GreaterThan(10));
        Assert.That(personas.Where(p => p.Product is not null).Select(p => p.Product).Distinct().Count(), Is.GreaterThanOrEqualTo(3), "product personas of several products");
        foreach (var p in personas)
        {
            var name = Escape(p.Name);
            var size = p.Population.ToString("#,##0", CultureInfo.InvariantCulture);
            Assert.That(Block(html, $"<article class=\"card\" id=\"card-{p.Key}\">", "</article>"), Does.Contain($"<h4>{name}</h4>").And.Contain(size + " "), $"card of {p.Name} ({p.Model} {p.Product})");
            Assert.That(Block(html, $"<section class=\"persona\" id=\"persona-{p.Key}\">", "</section>"), Does.Contain($"<h4>{name}</h4>").And.Contain(size + " "), $"details of {p.Name} ({p.Model} {p.Product})");
        }

        Assert.That(Regex.Matches(html, "<article class=\"card\"").Count, Is.EqualTo(personas.Count), "no card for anything else");
        var charts = Regex.Matches(html, "<svg").Count;
        Assert.That(charts, Is.GreaterThan(personas.Count(p => p.Model == "buyer-clusters")), "overview, map and distribution charts");
        Assert.That(ChartWithTable().Matches(html).Count, Is.EqualTo(charts), "every <svg> is followed by its own <table>");
        Assert.That(Regex.Matches(html, "</svg>").Count, Is.EqualTo(charts));
        Assert.That(Regex.Matches(html, @"(src|href)\s*=\s*[""']?\s*https?://", RegexOptions.IgnoreCase), Is.Empty, "nothing from the network");
        Assert.That(html, Does.Not.Contain("&#").And.Not.Contain("<script"), "no numeric character references, no script");
        Assert.That(Regex.Matches(html, "&(?!amp;|lt;|gt;|quot;)"), Is.Empty, "only &, <, > and \" are escaped");

        var again = Path.Combine(root, "again.html");
        var render = await cli.RunAsync("report", "--out", again, "--data-dir", root);
        Assert.That(render.Code, Is.Zero, render.Err);
        Assert.That(render.Out.Trim(), Is.EqualTo(Path.GetFullPath(again)), "stdout is the file written");
        Assert.That(await File.ReadAllBytesAsync(again), Is.EqualTo(await File.ReadAllBytesAsync(Path.Combine(root, "report.html"))), "the same runs give the same bytes");
    }

    /// <summary>The report in headless Chromium: loads without a console error, draws a first screen and a printed page, passes axe-core.</summary>
    public static async Task BrowserAsync(string report)
    {
        var (executable, axe) = (Chromium.Executable, AxeScript());
        if (executable is null || axe is null || !File.Exists("/usr/bin/pdftoppm"))
        {
            var reason = $"the browser test needs /usr/bin/chromium, /usr/bin/pdftoppm (Debian's chromium and poppler-utils) and axe-core (npm ci in tests/browser); .ci/run installs them";
            if (Environment.GetEnvironmentVariable("SEGMINER_REQUIRE_BROWSER") is not null)
            {
                Assert.Fail(reason);
            }

            TestContext.Out.WriteLine("skipped: " + reason);
            return;
        }

        var output = Path.Combine(TestContext.CurrentContext.WorkDirectory, "report-screenshots");
        Directory.CreateDirectory(output);
        var profile = Directory.CreateTempSubdirectory("segminer-chromium-");
        try
        {
            await using var browser = await Chromium.StartAsync(executable, profile.FullName, 1366, 768);
            await browser.OpenAsync(report);
            var screen = await browser.ScreenshotAsync();
            await File.WriteAllBytesAsync(Path.Combine(output, "first-screen.png"), screen);
            Assert.That(Png.Decode(screen).Ink(), Is.GreaterThan(0.02), "the first screen shows something");
            var overflow = (await browser.EvaluateAsync("document.documentElement.scrollWidth - window.innerWidth"))!.GetValue<int>();
            Assert.That(overflow, Is.LessThanOrEqualTo(0), "readable on a laptop screen: nothing wider than 1366 pixels");
            await PrintedPageAsync(await browser.PrintAsync(), output);
            await browser.EvaluateAsync(axe);
            var violations = (await browser.EvaluateAsync(AxeRun))!.GetValue<string>();
            TestContext.Out.WriteLine($"axe-core violations: {violations}");
            var found = JsonDocument.Parse(violations).RootElement.EnumerateArray().Select(v => v.GetProperty("id").GetString()).ToList();
            Assert.That(found, Is.Empty, $"axe-core (WCAG 2 A and AA, and best practice): {violations}");
            Assert.That(browser.Errors, Is.Empty, "console errors while loading");
            TestContext.Out.WriteLine($"report {new FileInfo(report).Length:N0} bytes; screenshots in {output}");
        }
        finally
        {
            profile.Delete(true);
        }
    }

    private const string AxeRun = """
        axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] }, resultTypes: ['violations'] })
           .then(r => JSON.stringify(r.violations.map(v => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.length, first: v.nodes.slice(0, 3).map(n => n.target.join(' ')) }))))
        """;

    private static async Task PrintedPageAsync(byte[] pdf, string output)
    {
        var file = Path.Combine(output, "printed.pdf");
        await File.WriteAllBytesAsync(file, pdf);
        Assert.That(System.Text.Encoding.ASCII.GetString(pdf, 0, 5), Is.EqualTo("%PDF-"));
        using var p = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("/usr/bin/pdftoppm", ["-png", "-r", "60", "-f", "1", "-l", "1", "-singlefile", file, Path.Combine(output, "printed-page-1")])
            { RedirectStandardError = true })!;
        await p.WaitForExitAsync();
        Assert.That(p.ExitCode, Is.Zero, await p.StandardError.ReadToEndAsync());
        var page = Png.Decode(await File.ReadAllBytesAsync(Path.Combine(output, "printed-page-1.png")));
        Assert.That(page.Width, Is.GreaterThan(page.Height), "A4 landscape");
        Assert.That(page.Ink(), Is.GreaterThan(0.01), "the printed page shows something");
    }

    /// <summary>axe-core from tests/browser/node_modules (npm ci), or null.</summary>
    private static string? AxeScript()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var file = Path.Combine(dir.FullName, "tests", "browser", "node_modules", "axe-core", "axe.min.js");
            if (File.Exists(file))
            {
                return File.ReadAllText(file);
            }
        }

        return null;
    }

    private static string Block(string html, string start, string end)
    {
        var at = html.IndexOf(start, StringComparison.Ordinal);
        Assert.That(at, Is.GreaterThanOrEqualTo(0), $"{start} is in the report");
        return html[at..html.IndexOf(end, at, StringComparison.Ordinal)];
    }

    private static string Escape(string text) => text.Replace("&", "&amp;").Replace("<", "&lt;").Replace(">", "&gt;");

    [GeneratedRegex(@"<svg[^>]*>.*?</svg>\s*<table", RegexOptions.Singleline)]
    private static partial Regex ChartWithTable();
}
