namespace SegmentMiner.Warehouse.Demo;

/// <summary>
/// The behaviour groups the demo generator plants (written to truth.csv). They differ in what the buyer-clusters
/// model sees: MRR and its trend, tenure, products, late payments, pipeline, recency and attrition.
/// </summary>
public static class DemoGroups
{
    public const string EnterpriseLoyal = "enterprise-loyal";
    public const string GrowingMidMarket = "growing-mid-market";
    public const string LatePayingSmb = "late-paying-smb";
    public const string Churned = "churned";
    public const string Prospect = "prospect";

    /// <summary>Group names by index, with the share of accounts each gets.</summary>
    public static readonly (string Name, double Share)[] All =
    [
        (EnterpriseLoyal, 0.22),
        (GrowingMidMarket, 0.20),
        (LatePayingSmb, 0.20),
        (Churned, 0.16),
        (Prospect, 0.22),
    ];

    public static int Count => All.Length;
}
