using SegmentMiner.Pipeline.Publishing;

namespace SegmentMiner.Pipeline.Personas;

/// <summary>A product persona of the current runs: its segment, name, size and members' profile.</summary>
internal sealed record PersonaSegment(string Product, long Key, string Name, string Description, long Population, ClusterProfile Profile);

/// <summary>A contact's persona in one product.</summary>
internal sealed record ContactPersona(string Product, string ContactId, string AccountId, long Key);

/// <summary>A current customer: revenue billed in 12 months, whether it churned, its market and customer segments' names.</summary>
internal sealed record PortfolioAccount(string AccountId, double Revenue, bool Attrited, string? MarketSegment, string? CustomerSegment);

/// <summary>A current contact with its account, whether it decides, and its roles in current deals.</summary>
internal sealed record BuyingUnitContact(string ContactId, string AccountId, bool DecisionMaker, IReadOnlyList<string> Roles);

/// <summary>Everything the portfolio is computed from, read from the warehouse's current state.</summary>
internal sealed record PortfolioInputs(
    IReadOnlyList<PersonaSegment> Personas,
    IReadOnlyList<ContactPersona> Memberships,
    IReadOnlyList<PortfolioAccount> Accounts,
    IReadOnlyDictionary<string, Dictionary<string, string>> Relations,
    IReadOnlyList<BuyingUnitContact> Contacts,
    IReadOnlyList<(long GoldenKey, string Product, long SegmentKey)> PreviousGolden);
