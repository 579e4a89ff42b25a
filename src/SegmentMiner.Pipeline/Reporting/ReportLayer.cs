namespace SegmentMiner.Pipeline.Reporting;

/// <summary>
/// One layer of personas as the report shows it: a model's current run (a product's, for product personas), its
/// segments largest first with "Not profiled" last, the segments this run retired, and the run before it.
/// </summary>
internal sealed record ReportLayer(string Layer, string Title, string? Product, ReportRun Run, ReportRun? Previous,
    IReadOnlyList<ReportSegment> Segments, IReadOnlyList<ReportSegment> Retired, IReadOnlyList<ReportMigration> Migrations)
{
    /// <summary>The shipped layers in the persona's order; other models follow by name.</summary>
    public static readonly string[] Order = ["market-segments", "buyer-clusters", "customer-segments", "product-personas"];

    /// <summary>
    /// The run this one was compared with (its migration's), or null on a layer's first run. Its header may be gone
    /// (Publish:KeepRuns) while the migration stays.
    /// </summary>
    public long? PreviousRunId => Migrations.Select(m => m.PreviousRunId).FirstOrDefault(r => r is not null);

    /// <summary>The previous run's processing time, where its header is still kept.</summary>
    public string PreviousDate => Previous is { } p && p.RunId == PreviousRunId ? ReportView.Date(p.ProcessedAt) : "no longer kept";

    /// <summary>What the members are: customers (accounts) or, for a product's personas, contacts.</summary>
    public string Members => Product is null ? "customers" : "contacts";

    /// <summary>The title with the product: "Product personas: Analytics".</summary>
    public string FullTitle => Product is null ? Title : $"{Title}: {Product}";

    public string Anchor => "layer-" + Slug(FullTitle);

    public static string TitleOf(string layer) => layer switch
    {
        "market-segments" => "Market segments",
        "buyer-clusters" => "Buyer clusters",
        "customer-segments" => "Customer segments",
        "product-personas" => "Product personas",
        _ => layer,
    };

    public static string Slug(string text) =>
        string.Concat(text.ToLowerInvariant().Select(c => char.IsAsciiLetterOrDigit(c) ? c : '-')).Trim('-');
}
