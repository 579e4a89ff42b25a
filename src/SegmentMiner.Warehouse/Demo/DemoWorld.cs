namespace SegmentMiner.Warehouse.Demo;

/// <summary>The state the generator keeps per account, so that increments continue the same story.</summary>
internal sealed class DemoAccount
{
    public required int No { get; init; }
    public string Id => $"ACC-{No:D6}";
    public required int Group { get; init; }
    public required string Name { get; set; }
    public required string Industry { get; set; }
    public required string Country { get; init; }
    public required string Region { get; init; }
    public required string Currency { get; init; }
    public required int EmployeeBand { get; set; }
    public required int RevenueBand { get; set; }
    public required DateTime CreatedAt { get; init; }
    public required int BillingDay { get; init; }
    public bool Deleted { get; set; }
    public List<DemoSubscription> Subscriptions { get; } = [];

    /// <summary>The planted contacts (base contacts are not replayed for an increment).</summary>
    public List<DemoContact> Contacts { get; } = [];

    /// <summary>The products its contacts' archetypes must all be planted in (see <see cref="DemoPeople"/>); set with its first contact.</summary>
    public IReadOnlyList<string>? PeopleProducts { get; set; }

    /// <summary>The products of the account's open opportunities: the products it pursues.</summary>
    public HashSet<string> OpenOpportunityProducts { get; } = new(StringComparer.Ordinal);
}

internal sealed class DemoSubscription
{
    public required int No { get; init; }
    public string Id => $"SUB-{No:D7}";
    public required string Product { get; init; }
    public required string Plan { get; init; }
    public required DateOnly Start { get; init; }
    public DateOnly? End { get; set; }
    public required decimal MrrUsd { get; init; }
    public required string Status { get; set; }

    /// <summary>Billed on day d: started, not ended, not a trial.</summary>
    public bool BilledOn(DateOnly d) => Start <= d && (End is null || End > d) && Status != "Trial" && MrrUsd > 0;
}

/// <summary>Reference lists the generator draws from.</summary>
internal static class DemoLists
{
    public static readonly string[] Industries = ["Software", "Manufacturing", "Finance", "Healthcare", "Retail", "Education", "Logistics", "Media"];
    public static readonly string[] RevenueBands = ["<1M", "1M-10M", "10M-50M", "50M-250M", "250M-1B", "1B+"];
    public static readonly string[] Products = ["Core Platform", "Analytics", "Automation", "Integrations", "Support Plus"];
    public static readonly string[] Plans = ["Starter", "Professional", "Enterprise"];
    public static readonly string[] ActivityTypes = ["Email", "Call", "Meeting", "Webinar", "SupportTicket"];
    public static readonly string[] JobRoles = ["Marketing Manager", "Head of Sales", "CFO", "CTO", "Operations Lead", "Data Analyst", "Procurement Officer", "IT Manager"];
    public static readonly string[] Departments = ["Marketing", "Sales", "Finance", "IT", "Operations", "Procurement"];
    public static readonly string[] NameFirst = ["North", "Blue", "Silver", "Bright", "Iron", "Green", "Swift", "Summit", "Harbor", "Cedar", "Atlas", "Nova", "Prime", "Vertex", "Orchid", "Granite"];
    public static readonly string[] NameSecond = ["wind", "stone", "field", "bridge", "point", "line", "works", "gate", "ridge", "path", "light", "wave"];
    public static readonly string[] NameSuffix = ["Inc", "Ltd", "GmbH", "Group", "Systems", "Partners", "Holdings", "Labs"];

    /// <summary>Country, region, currency, weight.</summary>
    public static readonly (string Country, string Region, string Currency, double Weight)[] Countries =
    [
        ("United States", "North America", "USD", 0.40), ("Canada", "North America", "CAD", 0.06),
        ("United Kingdom", "Europe", "GBP", 0.10), ("Germany", "Europe", "EUR", 0.10), ("France", "Europe", "EUR", 0.06),
        ("Netherlands", "Europe", "EUR", 0.04), ("Australia", "Asia Pacific", "AUD", 0.08), ("Japan", "Asia Pacific", "JPY", 0.05),
        ("Singapore", "Asia Pacific", "SGD", 0.03), ("Brazil", "Latin America", "BRL", 0.04), ("Mexico", "Latin America", "MXN", 0.04),
    ];

    /// <summary>USD per unit, around which the monthly rates wander.</summary>
    public static readonly Dictionary<string, double> BaseRates = new()
    {
        ["CAD"] = 0.73, ["GBP"] = 1.27, ["EUR"] = 1.08, ["AUD"] = 0.66, ["JPY"] = 0.0068, ["SGD"] = 0.74, ["BRL"] = 0.19, ["MXN"] = 0.055,
    };
}
