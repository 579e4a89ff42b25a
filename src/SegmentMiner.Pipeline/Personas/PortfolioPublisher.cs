using System.Globalization;
using SegmentMiner.Pipeline.Publishing;
using SegmentMiner.Warehouse.Publishing;

namespace SegmentMiner.Pipeline.Personas;

/// <summary>
/// Rewrites the persona portfolio (seg.GoldenPersona, seg.GoldenPersonaMember, seg.PortfolioMap, seg.BuyingUnit)
/// from the current runs of the product personas and the warehouse, in one transaction: after every publish, so it
/// always describes the personas and contacts that are current.
/// </summary>
public static class PortfolioPublisher
{
    /// <summary>Rewrites the portfolio; returns the golden personas' count.</summary>
    public static async Task<int> RebuildAsync(ISegmentStore store, string marketLayer, string customerLayer, CancellationToken ct)
    {
        var inputs = new PortfolioInputs(
            await PersonasAsync(store, ct),
            (await ReadAsync(store, "seg", "vContactSegment", ["Product", "ContactId", "AccountId", "SegmentKey"], ct))
                .Select(r => new ContactPersona(Text(r[0]), Text(r[1]), Text(r[2]), Long(r[3]))).ToList(),
            await AccountsAsync(store, marketLayer, customerLayer, ct),
            (await ReadAsync(store, "dw", "AccountProduct", ["AccountId", "Product", "Relation"], ct))
                .GroupBy(r => Text(r[0]), StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.ToDictionary(r => Text(r[1]), r => Text(r[2]), StringComparer.Ordinal), StringComparer.Ordinal),
            await ContactsAsync(store, ct),
            (await ReadAsync(store, "seg", "GoldenPersonaMember", ["GoldenKey", "Product", "SegmentKey"], ct)).Select(r => (Long(r[0]), Text(r[1]), Long(r[2]))).ToList());
        var portfolio = new Portfolio(inputs);
        await store.ReplaceTablesAsync(portfolio.Tables(), ct);
        return portfolio.Golden.Count;
    }

    private static async Task<List<PersonaSegment>> PersonasAsync(ISegmentStore store, CancellationToken ct)
    {
        var rows = (await ReadAsync(store, "seg", "vSegment", ["Product", "SegmentKey", "Name", "Description", "Population", "Level", "IsRetired", "ClusterNode", "RunId"], ct))
            .Where(r => r[0] is not null && Text(r[5]) == "contact" && !Bool(r[6]) && r[7] is not null).ToList();
        var profiles = new Dictionary<long, ClusterProfile>();
        foreach (var run in rows.Select(r => Long(r[8])).Distinct())
        {
            foreach (var (key, profile) in SegmentPlan.BySegment(await store.ProfilesAsync(run, ct)))
            {
                profiles[key] = profile;
            }
        }

        return rows.Select(r => new PersonaSegment(Text(r[0]), Long(r[1]), Text(r[2]), Text(r[3]), Long(r[4]), profiles.GetValueOrDefault(Long(r[1])) ?? new ClusterProfile())).ToList();
    }

    private static async Task<List<PortfolioAccount>> AccountsAsync(ISegmentStore store, string marketLayer, string customerLayer, CancellationToken ct)
    {
        var segments = (await ReadAsync(store, "seg", "vCustomerSegment", ["Model", "CustomerId", "SegmentName"], ct))
            .Where(r => Text(r[0]) == marketLayer || Text(r[0]) == customerLayer)
            .ToDictionary(r => (Text(r[0]), Text(r[1])), r => Text(r[2]));
        return (await ReadAsync(store, "dw", "CustomerFeatures", ["AccountId", "Billed12m", "Attrited"], ct))
            .Select(r => new PortfolioAccount(Text(r[0]), r[1] is null ? 0 : Convert.ToDouble(r[1], CultureInfo.InvariantCulture), r[2] is not null && Bool(r[2]),
                segments.GetValueOrDefault((marketLayer, Text(r[0]))), segments.GetValueOrDefault((customerLayer, Text(r[0])))))
            .ToList();
    }

    private static async Task<List<BuyingUnitContact>> ContactsAsync(ISegmentStore store, CancellationToken ct)
    {
        var roles = (await ReadAsync(store, "dw", "vOpportunityContact", ["ContactId", "Role"], ct))
            .Where(r => r[1] is not null).ToLookup(r => Text(r[0]), r => Text(r[1]), StringComparer.Ordinal);
        return (await ReadAsync(store, "dw", "DimContact", ["ContactId", "AccountId", "IsDecisionMaker"], ct))
            .Select(r => new BuyingUnitContact(Text(r[0]), Text(r[1]), r[2] is not null && Bool(r[2]), roles[Text(r[0])].ToList())).ToList();
    }

    private static async Task<List<object?[]>> ReadAsync(ISegmentStore store, string schema, string view, IReadOnlyList<string> columns, CancellationToken ct)
    {
        var rows = new List<object?[]>();
        await foreach (var r in store.ReadRowsAsync(schema, view, columns, ct))
        {
            rows.Add(r);
        }

        return rows;
    }

    private static string Text(object? v) => Convert.ToString(v, CultureInfo.InvariantCulture) ?? "";

    private static long Long(object? v) => Convert.ToInt64(v, CultureInfo.InvariantCulture);

    private static bool Bool(object? v) => Convert.ToBoolean(v, CultureInfo.InvariantCulture);
}
