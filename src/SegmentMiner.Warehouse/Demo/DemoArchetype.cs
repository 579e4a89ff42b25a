namespace SegmentMiner.Warehouse.Demo;

/// <summary>
/// A kind of person the demo plants in buying units: what they are (role, seniority, department, how often they
/// decide), what they do (the activity they mostly have, the role they take in deals) and what they say (goal,
/// challenge, preferred channel), and the products whose buyers and users include them.
/// </summary>
internal sealed record DemoArchetype(
    string Name, string JobRole, string[] Seniorities, string Department, double DecisionMakerShare,
    string Activity, string DealRole, string Goal, string Challenge, string Channel, string[] Products)
{
    /// <summary>
    /// The planted archetypes: IT decision makers and finance approvers in every product, operations users in three,
    /// data analysts in two, marketing and sales leaders in one each. A contact relates to every product
    /// its account holds or pursues, so a contact is drawn among the archetypes planted in all of them (and its
    /// account pursues only products planted for all its contacts): an archetype shows in exactly its products.
    /// </summary>
    public static readonly DemoArchetype[] All =
    [
        new("IT decision maker", "CTO", ["Director", "VP", "C-level"], "IT", 0.9, "Meeting", "DecisionMaker",
            "reduce_risk", "legacy_systems", "analyst_reports", ["Core Platform", "Analytics", "Automation", "Integrations", "Support Plus"]),
        new("Operations user", "Operations Lead", ["Junior", "Mid"], "Operations", 0.05, "SupportTicket", "User",
            "save_time", "manual_work", "community", ["Core Platform", "Automation", "Support Plus"]),
        new("Data analyst", "Data Analyst", ["Mid", "Senior"], "IT", 0.05, "Webinar", "Influencer",
            "better_insight", "data_quality", "webinars", ["Analytics", "Integrations"]),
        new("Finance approver", "CFO", ["VP", "C-level"], "Finance", 0.8, "Call", "EconomicBuyer",
            "cut_costs", "budget_pressure", "email", ["Core Platform", "Analytics", "Automation", "Integrations", "Support Plus"]),
        new("Marketing leader", "Marketing Manager", ["Director", "VP"], "Marketing", 0.6, "Email", "Champion",
            "grow_pipeline", "attribution", "events", ["Analytics"]),
        new("Sales leader", "Head of Sales", ["Director", "VP"], "Sales", 0.5, "Meeting", "Champion",
            "grow_revenue", "forecast_accuracy", "peers", ["Automation"]),
    ];
}
