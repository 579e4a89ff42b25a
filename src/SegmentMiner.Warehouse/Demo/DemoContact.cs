namespace SegmentMiner.Warehouse.Demo;

/// <summary>A planted contact: its id and the archetype its attributes, activities, deal roles and answers follow.</summary>
internal sealed record DemoContact(string Id, DemoArchetype Archetype, string Seniority, bool IsDecisionMaker);
