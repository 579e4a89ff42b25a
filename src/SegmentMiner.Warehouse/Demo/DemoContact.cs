namespace SegmentMiner.Warehouse.Demo;

/// <summary>
/// A planted contact: its id, the archetype its activities, deal roles and answers follow, and its attributes
/// (mostly the archetype's: people's titles and departments are not that tidy).
/// </summary>
internal sealed record DemoContact(string Id, DemoArchetype Archetype, string JobRole, string Seniority, string Department, bool IsDecisionMaker);
