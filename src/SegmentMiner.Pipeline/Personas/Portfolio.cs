using System.Globalization;

namespace SegmentMiner.Pipeline.Personas;

/// <summary>
/// The persona portfolio computed from the current product personas and their members: golden personas (personas
/// that recur across products, with keys kept from the previous portfolio by their member personas), the map of
/// every persona (golden, or a product's own) against every product with its gaps and overlaps, and each account's
/// buying unit. Every figure counts the members and their accounts as the warehouse holds them now.
/// </summary>
internal sealed class Portfolio
{
    private readonly PortfolioInputs _in;
    private readonly Dictionary<string, PortfolioAccount> _accounts;
    private readonly Dictionary<(string Product, long Key), List<ContactPersona>> _members;
    private readonly List<string> _products;

    public Portfolio(PortfolioInputs inputs)
    {
        _in = inputs;
        _accounts = inputs.Accounts.ToDictionary(a => a.AccountId, StringComparer.Ordinal);
        _members = inputs.Memberships.GroupBy(m => (m.Product, m.Key)).ToDictionary(g => g.Key, g => g.ToList());
        _products = inputs.Personas.Select(p => p.Product).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        Golden = NameGolden(KeyGolden(GoldenPersonaMatcher.Match(inputs.Personas.Select(p => new ProductPersona(p.Product, Key(p.Key), p.Profile, p.Population)).ToList())));
    }

    /// <summary>The golden personas, largest first: key, name, and member personas.</summary>
    public IReadOnlyList<(long Key, string Name, IReadOnlyList<PersonaSegment> Members)> Golden { get; }

    public IReadOnlyList<(string Table, string[] Columns, IReadOnlyList<object?[]> Rows)> Tables() =>
    [
        ("seg.GoldenPersona", ["GoldenKey", "Name", "Description", "Products", "Personas", "Contacts", "Accounts", "Revenue"], GoldenRows()),
        ("seg.GoldenPersonaMember", ["GoldenKey", "Product", "SegmentKey"], Golden.SelectMany(g => g.Members.Select(m => new object?[] { g.Key, m.Product, m.Key })).ToList()),
        ("seg.PortfolioMap", ["GoldenKey", "SegmentKey", "Persona", "Product", "Contacts", "Accounts", "AccountsHolding", "Penetration", "ProductPenetration", "Revenue",
            "MarketSegmentMix", "CustomerSegmentMix", "IsGap", "IsOverlap", "Flags"], MapRows()),
        ("seg.BuyingUnit", ["AccountId", "Contacts", "DecisionMakers", "HasDecisionMaker", "RolesCovered", "Roles", "Personas", "GoldenPersonas"], BuyingUnitRows()),
    ];

    private static string Key(long key) => key.ToString(CultureInfo.InvariantCulture);

    /// <summary>Each group gets the previous golden key it shares the most member personas with, else a new key.</summary>
    private List<(long Key, List<PersonaSegment> Members)> KeyGolden(IReadOnlyList<GoldenPersona> groups)
    {
        var previous = _in.PreviousGolden.GroupBy(x => x.GoldenKey).ToDictionary(g => g.Key, g => g.Select(x => (x.Product, x.SegmentKey)).ToHashSet());
        var next = previous.Count == 0 ? 1 : previous.Keys.Max() + 1;
        var byKey = _in.Personas.ToDictionary(p => (p.Product, Key(p.Key)));
        var result = new List<(long, List<PersonaSegment>)>();
        foreach (var g in groups)
        {
            var members = g.Members.Select(m => byKey[(m.Product, m.Key)]).ToList();
            var best = previous.Select(p => (p.Key, Shared: members.Count(m => p.Value.Contains((m.Product, m.Key))))).Where(p => p.Shared > 0)
                .OrderByDescending(p => p.Shared).ThenBy(p => p.Key).FirstOrDefault();
            var key = best.Shared > 0 ? best.Key : next++;
            previous.Remove(key);
            result.Add((key, members));
        }

        return result;
    }

    /// <summary>A golden persona is named as its largest member persona is (numbered when two would share a name).</summary>
    private static List<(long, string, IReadOnlyList<PersonaSegment>)> NameGolden(List<(long Key, List<PersonaSegment> Members)> golden)
    {
        var taken = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var result = new List<(long, string, IReadOnlyList<PersonaSegment>)>();
        foreach (var (key, members) in golden)
        {
            var name = members.MaxBy(m => m.Population)!.Name;
            var unique = name;
            for (var i = 2; !taken.Add(unique); i++)
            {
                unique = $"{name} ({i})";
            }

            result.Add((key, unique, members));
        }

        return result;
    }

    private List<ContactPersona> MembersOf(IEnumerable<PersonaSegment> personas) =>
        personas.SelectMany(p => _members.GetValueOrDefault((p.Product, p.Key)) ?? []).ToList();

    private double Revenue(IEnumerable<string> accounts) => accounts.Sum(a => _accounts.TryGetValue(a, out var x) ? x.Revenue : 0);

    private List<object?[]> GoldenRows() => Golden.Select(g =>
    {
        var members = MembersOf(g.Members);
        var contacts = members.Select(m => m.ContactId).Distinct(StringComparer.Ordinal).Count();
        var accounts = members.Select(m => m.AccountId).Distinct(StringComparer.Ordinal).ToList();
        var products = g.Members.Select(m => m.Product).Order(StringComparer.Ordinal).ToList();
        var largest = g.Members.MaxBy(m => m.Population)!;
        var description = $"A persona of {products.Count} products ({string.Join(", ", products)}): {contacts:N0} contacts at {accounts.Count:N0} accounts. " +
                          $"In {largest.Product}: {largest.Description}";
        return new object?[] { g.Key, g.Name, description, string.Join(",", products), g.Members.Count, (long)contacts, (long)accounts.Count, Revenue(accounts) };
    }).ToList();

    private List<object?[]> MapRows()
    {
        var golden = Golden.SelectMany(g => g.Members.Select(m => (m.Product, m.Key))).ToHashSet();
        var personas = Golden.Select(g => (GoldenKey: (long?)g.Key, SegmentKey: (long?)null, g.Name, Members: MembersOf(g.Members)))
            .Concat(_in.Personas.Where(p => !golden.Contains((p.Product, p.Key))).Select(p => (GoldenKey: (long?)null, SegmentKey: (long?)p.Key, Name: $"{p.Name} ({p.Product})", Members: MembersOf([p]))))
            .ToList();
        var contacts = personas.Select(p => p.Members.Select(m => m.ContactId).Distinct(StringComparer.Ordinal).Count()).ToList();
        var median = Median(contacts);
        var rows = new List<object?[]>();
        for (var i = 0; i < personas.Count; i++)
        {
            var (goldenKey, segmentKey, name, members) = personas[i];
            var accounts = members.Select(m => m.AccountId).Distinct(StringComparer.Ordinal).ToList();
            var overlap = accounts.Count > 0 && accounts.Count(a => Related(a).Count() >= 2) >= 0.5 * accounts.Count;
            var active = accounts.Any(a => _accounts.TryGetValue(a, out var x) && !x.Attrited);
            foreach (var product in _products)
            {
                var holding = accounts.Count(a => Holds(a, product));
                var penetration = accounts.Count == 0 ? 0 : (double)holding / accounts.Count;
                var overall = ProductPenetration(product);
                var gap = contacts[i] >= median && penetration < 0.5 * overall && active;
                rows.Add([goldenKey, segmentKey, name, product, (long)contacts[i], (long)accounts.Count, (long)holding, penetration, overall, Revenue(accounts),
                    Mix(accounts, a => a.MarketSegment), Mix(accounts, a => a.CustomerSegment), gap, overlap,
                    string.Join(",", new[] { gap ? "gap" : null, overlap ? "overlap" : null }.OfType<string>())]);
            }
        }

        return rows;
    }

    private IEnumerable<string> Related(string account) =>
        _in.Relations.TryGetValue(account, out var r) ? r.Where(x => x.Value is "Holds" or "Pursues").Select(x => x.Key) : [];

    private bool Holds(string account, string product) =>
        _in.Relations.TryGetValue(account, out var r) && r.TryGetValue(product, out var relation) && relation == "Holds";

    private double ProductPenetration(string product) =>
        _in.Accounts.Count == 0 ? 0 : (double)_in.Accounts.Count(a => Holds(a.AccountId, product)) / _in.Accounts.Count;

    private static double Median(List<int> values)
    {
        if (values.Count == 0)
        {
            return 0;
        }

        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2.0;
    }

    /// <summary>The accounts' shares by segment, largest first: "Name 45%, Other 30%" (accounts with no segment as "none").</summary>
    private string? Mix(List<string> accounts, Func<PortfolioAccount, string?> segment)
    {
        if (accounts.Count == 0)
        {
            return null;
        }

        return string.Join(", ", accounts.GroupBy(a => (_accounts.TryGetValue(a, out var x) ? segment(x) : null) ?? "none", StringComparer.Ordinal)
            .OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => $"{g.Key} {(100.0 * g.Count() / accounts.Count).ToString("0", CultureInfo.InvariantCulture)}%"));
    }

    private List<object?[]> BuyingUnitRows()
    {
        var goldenOf = Golden.SelectMany(g => g.Members.Select(m => ((m.Product, m.Key), g.Name))).ToDictionary(x => x.Item1, x => x.Name);
        var names = _in.Personas.ToDictionary(p => (p.Product, p.Key), p => goldenOf.GetValueOrDefault((p.Product, p.Key)) ?? $"{p.Name} ({p.Product})");
        var personasOf = _in.Memberships.Where(m => names.ContainsKey((m.Product, m.Key))).ToLookup(m => m.AccountId, StringComparer.Ordinal);
        var contactsOf = _in.Contacts.ToLookup(c => c.AccountId, StringComparer.Ordinal);
        return _in.Accounts.OrderBy(a => a.AccountId, StringComparer.Ordinal).Select(a =>
        {
            var contacts = contactsOf[a.AccountId].ToList();
            var roles = contacts.SelectMany(c => c.Roles).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
            var deciders = contacts.Count(c => c.DecisionMaker);
            var personas = personasOf[a.AccountId].Select(m => names[(m.Product, m.Key)]).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
            var golden = personasOf[a.AccountId].Select(m => goldenOf.GetValueOrDefault((m.Product, m.Key))).OfType<string>().Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal);
            return new object?[] { a.AccountId, (long)contacts.Count, (long)deciders, deciders > 0 || roles.Contains("DecisionMaker"), roles.Count, string.Join(",", roles),
                string.Join("; ", personas), string.Join("; ", golden) };
        }).ToList();
    }
}
