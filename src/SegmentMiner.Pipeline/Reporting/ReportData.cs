namespace SegmentMiner.Pipeline.Reporting;

/// <summary>A kept run of a model (a product's personas name their family and product).</summary>
internal sealed record ReportRun(long RunId, string Model, string Engine, DateTime? ProcessedAt, DateTime PublishedAt, long Cases, int Clusters, string Parameters,
    DateTime? AsOf, string Status, bool IsCurrent, string? Family, string? Product)
{
    /// <summary>The definition the run belongs to: the family of a product's personas, else the model.</summary>
    public string Layer => Family ?? Model;
}

/// <summary>A segment of a current run, as seg.vSegment shows it; without a cluster node and not retired, it holds the members the model has no data for.</summary>
internal sealed record ReportSegment(string Layer, long Key, string Name, string Description, long Population, double Share, string Level, bool Retired, long RunId, string? Product, string? Node)
{
    public bool NotProfiled => Node is null && !Retired;
}

/// <summary>A state or bin the members hold: their share and the lift against the population; a bin's bounds.</summary>
internal sealed record ReportCharacteristic(long Key, string Attribute, string Value, double Share, double Lift, int Rank, double? Minimum, double? Maximum)
{
    /// <summary>The population's share, from the lift (share / population share); null where the lift is zero.</summary>
    public double? PopulationShare => Lift > 0 ? Share / Lift : null;
}

/// <summary>A continuous attribute among a segment's members: how many have it, its mean and quantiles.</summary>
internal sealed record ReportDistribution(long Key, string Attribute, double Support, double Mean, double? Minimum, double? P25, double? Median, double? P75, double? Maximum);

/// <summary>A difference from the rest of the population (over/under for shares, high/low for means).</summary>
internal sealed record ReportTrait(long Key, string Attribute, string Value, string Phrase, double MemberValue, double PopulationValue, string Direction, double PValue, bool InName, int Rank)
{
    public bool Favors => Direction is "over" or "high";

    public bool IsShare => Direction is "over" or "under";
}

/// <summary>Members moving from a segment of the previous run (null: not there) to one of the current run.</summary>
internal sealed record ReportMigration(string Layer, long? From, long? To, long Members, long? PreviousRunId, long RunId, string? Product);

/// <summary>A combination of the three account layers' segments.</summary>
internal sealed record ReportMapCell(long? Market, long? Buyer, long? Customer, long Customers, double Revenue, bool Golden);

internal sealed record ReportGolden(long Key, string Name, string Description, string Products, int Personas, long Contacts, long Accounts, double Revenue);

/// <summary>A persona (golden, or a product's own) against one product: the portfolio map's cell.</summary>
internal sealed record ReportPortfolioCell(long? GoldenKey, long? SegmentKey, string Persona, string Product, long Contacts, long Accounts, long Holding,
    double Penetration, double ProductPenetration, double Revenue, bool Gap, bool Overlap);

/// <summary>Everything the report shows, read from the current published runs.</summary>
internal sealed record ReportData(
    IReadOnlyList<ReportRun> Runs,
    IReadOnlyList<ReportSegment> Segments,
    IReadOnlyList<ReportCharacteristic> Characteristics,
    IReadOnlyList<ReportDistribution> Distributions,
    IReadOnlyList<ReportTrait> Traits,
    IReadOnlyDictionary<long, (long Accounts, double Revenue)> Revenue,
    IReadOnlyDictionary<string, (long Accounts, double Revenue)> ProductRevenue,
    IReadOnlyList<(long Key, long Other, long Accounts)> Mix,
    IReadOnlyList<ReportMapCell> Map,
    IReadOnlyList<ReportMigration> Migrations,
    IReadOnlyList<ReportGolden> Golden,
    IReadOnlyList<(long GoldenKey, string Product, long SegmentKey)> GoldenMembers,
    IReadOnlyList<ReportPortfolioCell> Portfolio);
