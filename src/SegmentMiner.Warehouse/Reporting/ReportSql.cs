namespace SegmentMiner.Warehouse.Reporting;

/// <summary>
/// What the persona report reads: the current published runs through the seg views (and the tables the views leave
/// out: run headers, bins' bounds, continuous profiles), each figure computed from the members. ANSI SQL that both
/// dialects take; the T-SQL binding tests bind every text here against the SQL Server schema.
/// </summary>
public static class ReportSql
{
    /// <summary>Every kept run, current or not: the overview's run facts and the previous run's date.</summary>
    public const string Runs = """
        SELECT r.RunId, r.Model, r.Engine, r.ProcessedAt, r.PublishedAt, r.Cases, r.Clusters, r.Parameters, r.AsOfDate, r.Status, r.IsCurrent, r.Family, r.Product
        FROM seg.ModelRun r
        """;

    /// <summary>The current runs' segments, with the names analysts set.</summary>
    public const string Segments = """
        SELECT s.Model, s.SegmentKey, s.Name, s.Description, s.Population, s.Share, s.Level, s.IsRetired, s.RunId, s.Product, s.ClusterNode
        FROM seg.vSegment s
        """;

    /// <summary>Every state or bin the members hold: their share, the lift against the population, a bin's bounds.</summary>
    public const string Characteristics = """
        SELECT x.SegmentKey, x.Attribute, x.Value, x.Probability, x.Score, x.Rank, x.Minimum, x.Maximum
        FROM seg.SegmentCharacteristic x
        JOIN seg.vSegment s ON s.RunId = x.RunId AND s.SegmentKey = x.SegmentKey
        """;

    /// <summary>Continuous attributes: the members' mean and quantiles.</summary>
    public const string Distributions = """
        SELECT p.SegmentKey, p.Attribute, p.Support, p.Mean, p.Minimum, p.P25, p.Median, p.P75, p.Maximum
        FROM seg.SegmentProfile p
        JOIN seg.vSegment s ON s.RunId = p.RunId AND s.SegmentKey = p.SegmentKey
        WHERE p.Value = 'Existing' AND p.Mean IS NOT NULL
        """;

    /// <summary>What sets each segment apart from the rest, in both directions.</summary>
    public const string Traits = """
        SELECT t.SegmentKey, t.Attribute, t.Value, t.Phrase, t.MemberValue, t.PopulationValue, t.Direction, t.PValue, t.InName, t.Rank
        FROM seg.vSegmentTrait t
        WHERE t.ComparedWithKey IS NULL
        """;

    /// <summary>
    /// Accounts and their revenue billed in 12 months, by segment: an account segment's customers, a product persona's
    /// contacts' accounts (each account once).
    /// </summary>
    public const string Revenue = """
        SELECT c.SegmentKey, COUNT(*) AS Accounts, SUM(f.Billed12m) AS Revenue
        FROM seg.vCustomerSegment c
        LEFT JOIN dw.CustomerFeatures f ON f.AccountId = c.CustomerId
        GROUP BY c.SegmentKey
        UNION ALL
        SELECT p.SegmentKey, COUNT(*) AS Accounts, SUM(f.Billed12m) AS Revenue
        FROM (SELECT DISTINCT c.SegmentKey, c.AccountId FROM seg.vContactSegment c) p
        LEFT JOIN dw.CustomerFeatures f ON f.AccountId = p.AccountId
        GROUP BY p.SegmentKey
        """;

    /// <summary>The revenue of the accounts whose people use or pursue each product (each account once).</summary>
    public const string ProductRevenue = """
        SELECT p.Product, COUNT(*) AS Accounts, SUM(f.Billed12m) AS Revenue
        FROM (SELECT DISTINCT c.Product, c.AccountId FROM seg.vContactSegment c) p
        LEFT JOIN dw.CustomerFeatures f ON f.AccountId = p.AccountId
        GROUP BY p.Product
        """;

    /// <summary>
    /// Each segment's accounts by their segment in the other account layers: an account segment's through its
    /// customers, a product persona's through its contacts' accounts (each account once).
    /// </summary>
    public const string Mix = """
        SELECT a.SegmentKey, b.SegmentKey AS OtherKey, COUNT(*) AS Accounts
        FROM seg.vCustomerSegment a
        JOIN seg.vCustomerSegment b ON b.CustomerId = a.CustomerId AND b.Model <> a.Model
        GROUP BY a.SegmentKey, b.SegmentKey
        UNION ALL
        SELECT p.SegmentKey, b.SegmentKey AS OtherKey, COUNT(*) AS Accounts
        FROM (SELECT DISTINCT c.SegmentKey, c.AccountId FROM seg.vContactSegment c) p
        JOIN seg.vCustomerSegment b ON b.CustomerId = p.AccountId
        GROUP BY p.SegmentKey, b.SegmentKey
        """;

    /// <summary>The three account layers crossed: customers and revenue per combination.</summary>
    public const string PersonaMap = """
        SELECT m.MarketSegmentKey, m.BuyerSegmentKey, m.CustomerSegmentKey, m.Customers, m.Revenue, m.IsGolden
        FROM seg.vPersonaMap m
        """;

    /// <summary>Members moving between the segments of the previous run and the current one.</summary>
    public const string Migration = """
        SELECT m.Model, m.FromSegmentKey, m.ToSegmentKey, m.Customers, m.PreviousRunId, m.RunId, m.Product
        FROM seg.vSegmentMigration m
        """;

    public const string GoldenPersonas = """
        SELECT g.GoldenKey, g.Name, g.Description, g.Products, g.Personas, g.Contacts, g.Accounts, g.Revenue
        FROM seg.vGoldenPersona g
        """;

    /// <summary>Which product persona belongs to which golden persona.</summary>
    public const string GoldenMembers = """
        SELECT g.GoldenKey, g.Product, g.SegmentKey
        FROM seg.GoldenPersonaMember g
        """;

    public const string Portfolio = """
        SELECT p.GoldenKey, p.SegmentKey, p.Persona, p.Product, p.Contacts, p.Accounts, p.AccountsHolding, p.Penetration, p.ProductPenetration, p.Revenue, p.IsGap, p.IsOverlap
        FROM seg.vPortfolioMap p
        """;
}
