using System.Globalization;
using System.Text;

namespace SegmentMiner.Pipeline.Publishing;

/// <summary>
/// Names and describes a segment from how it differs from the average customer, in a marketer's words: the
/// attributes that set it apart most (a standardized difference from the population), each as a short phrase
/// ("long tenure", "high MRR", "pay late", "Manufacturing"), values with their units. The shipped models' columns have
/// their own words; any other column gets "high/low NAME" and its value. A continuous attribute's strength is its
/// z-score against the population; a state's, (p - q) / sqrt(q (1 - q)) for its share p in the segment and q overall.
/// </summary>
public sealed class Personas(string currency)
{
    /// <summary>Only attributes whose standardized difference passes this shape the name.</summary>
    public const double MinimumStrength = 0.5;

    private sealed record Words(string Label, string Unit, string High, string Low, Func<string, string>? State = null, string? Group = null);

    private static readonly Dictionary<string, Words> Vocabulary = new(StringComparer.OrdinalIgnoreCase)
    {
        ["Recency Days"] = new("days since the last invoice", "days", "lapsed", "recently billed"),
        ["Invoices 12m"] = new("invoices in 12 months", "count", "billed often", "billed rarely"),
        ["Billed 12m"] = new("billed in 12 months", "money", "big spenders", "small spenders"),
        ["Tenure Months"] = new("tenure", "months", "long tenure", "new customers"),
        ["Mrr"] = new("MRR", "money", "high MRR", "low MRR"),
        ["Mrr Trend 3m"] = new("MRR change over 3 months", "money", "growing MRR", "shrinking MRR"),
        ["Active Products"] = new("active products", "count", "many products", "few products"),
        ["Late Payment Rate 12m"] = new("invoices paid late", "percent", "pay late", "pay on time"),
        ["Open Pipeline"] = new("open pipeline", "money", "big open pipeline", "little pipeline"),
        ["Deals Won 12m"] = new("deals won in 12 months", "count", "winning new deals", "no recent deals"),
        ["Nps"] = new("NPS", "score", "promoters", "detractors"),
        ["Attrited"] = new("attrition", "", "", "", v => v.Equals("true", StringComparison.OrdinalIgnoreCase) ? "churned" : "active"),
        ["Industry"] = new("industry", "", "", "", v => v),
        ["Region"] = new("region", "", "", "", v => "in " + v, "where"),
        ["Country"] = new("country", "", "", "", v => "in " + v, "where"),
        ["Employee Band"] = new("employees", "", "", "", v => v + " employees"),
        ["Annual Revenue Band"] = new("annual revenue", "", "", "", v => "revenue " + v),
        ["Priority"] = new("priority", "", "", "", v => v.ToLowerInvariant() + "-focused"),
        ["Expansion Intent"] = new("expansion intent", "", "", "", v => v.ToLowerInvariant() switch
        {
            "yes" => "planning to expand",
            "no" => "no expansion plans",
            "unsure" => "unsure about expanding",
            var x => "expansion intent " + x,
        }),
        ["Innovation Attitude"] = new("attitude to innovation", "", "", "", v =>
        {
            var x = v.Replace('_', ' ').ToLowerInvariant();
            return x.EndsWith('s') ? x : x + "s";
        }),
    };

    /// <summary>One way a segment stands out: its phrase, the detail for the description, and how strongly.</summary>
    public sealed record Trait(string Attribute, string Phrase, string Detail, double Strength, string Group);

    public IReadOnlyList<Trait> Traits(ClusterProfile cluster, ClusterProfile population)
    {
        var traits = new List<Trait>();
        foreach (var (attribute, (existing, mean, _)) in cluster.Continuous)
        {
            if (!population.Continuous.TryGetValue(attribute, out var pop) || existing < 0.5)
            {
                continue;
            }

            var z = (mean - pop.Mean) / Math.Max(pop.StdDev, 1e-9);
            var words = Vocabulary.GetValueOrDefault(attribute) ?? new Words(attribute, "number", "high " + attribute, "low " + attribute);
            traits.Add(new Trait(attribute, z >= 0 ? words.High : words.Low,
                $"{words.Label} about {Format(mean, words.Unit)} (average {Format(pop.Mean, words.Unit)})", Math.Abs(z), words.Group ?? attribute));
        }

        foreach (var (attribute, states) in cluster.Discrete)
        {
            if (!population.Discrete.TryGetValue(attribute, out var pop))
            {
                continue;
            }

            // The state most over-represented in the segment, among those that hold at least a quarter of it.
            var best = states.Where(s => s.Value >= 0.25)
                .Select(s =>
                {
                    var q = Math.Clamp(pop.GetValueOrDefault(s.Key), 1e-6, 1 - 1e-6);
                    return (State: s.Key, P: s.Value, Q: q, Strength: (s.Value - q) / Math.Sqrt(q * (1 - q)));
                })
                .OrderByDescending(s => s.Strength).FirstOrDefault();
            if (best.State is null || best.Strength <= 0)
            {
                continue;
            }

            var words = Vocabulary.GetValueOrDefault(attribute);
            var phrase = best.State == "Missing" ? "no " + (words?.Label ?? attribute) : words?.State?.Invoke(best.State) ?? $"{attribute}: {best.State}";
            traits.Add(new Trait(attribute, phrase, $"{phrase} ({Percent(best.P)} against {Percent(best.Q)} of all)", best.Strength, words?.Group ?? attribute));
        }

        // One trait per group (a region and its country say the same thing): the strongest.
        return traits.OrderByDescending(t => t.Strength).ThenBy(t => t.Attribute, StringComparer.Ordinal)
            .GroupBy(t => t.Group).Select(g => g.First()).ToList();
    }

    private static string Percent(double p) => (100 * p).ToString("0", CultureInfo.InvariantCulture) + "%";

    /// <summary>
    /// Names for the segments of one model: each from its three strongest traits, extended with its next traits
    /// (up to five) while two segments would share a name, then numbered if they still do.
    /// </summary>
    public static IReadOnlyList<string> Names(IReadOnlyList<IReadOnlyList<Trait>> traits)
    {
        var strong = traits.Select(t => t.Where(x => x.Strength >= MinimumStrength).Select(x => x.Phrase).Distinct().ToList()).ToList();
        var take = strong.Select(_ => 3).ToArray();
        string NameOf(int i) => strong[i].Count == 0 ? "Average customers" : Capitalize(string.Join(", ", strong[i].Take(take[i])));
        for (var round = 0; round < 2; round++)
        {
            var names = Enumerable.Range(0, traits.Count).Select(NameOf).ToList();
            foreach (var group in Enumerable.Range(0, traits.Count).GroupBy(i => names[i]).Where(g => g.Count() > 1))
            {
                foreach (var i in group)
                {
                    take[i] = Math.Min(5, take[i] + 1);
                }
            }
        }

        var result = new List<string>();
        var used = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < traits.Count; i++)
        {
            var name = NameOf(i);
            for (var k = 2; !used.Add(name); k++)
            {
                name = $"{NameOf(i)} ({k})";
            }

            result.Add(name);
        }

        return result;
    }

    private static string Capitalize(string s) => s.Length == 0 ? s : char.ToUpperInvariant(s[0]) + s[1..];

    /// <summary>One paragraph: size, then the traits that set the segment apart, with values and units.</summary>
    public static string Description(IReadOnlyList<Trait> traits, long population, double share)
    {
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"{population:N0} customers ({100 * share:0.0}%).");
        var shown = traits.Where(t => t.Strength >= MinimumStrength).Take(5).ToList();
        if (shown.Count == 0)
        {
            sb.Append(" Close to the average customer on every attribute.");
        }
        else
        {
            sb.Append(" Compared with the average customer: ");
            sb.Append(string.Join("; ", shown.Select(t => t.Detail)));
            sb.Append('.');
        }

        return sb.ToString();
    }

    private string Format(double value, string unit) => unit switch
    {
        "money" => currency == "USD" ? value.ToString("$#,##0", CultureInfo.InvariantCulture).Replace("$-", "-$", StringComparison.Ordinal)
            : value.ToString("#,##0", CultureInfo.InvariantCulture) + " " + currency,
        "percent" => value.ToString("0%", CultureInfo.InvariantCulture),
        "days" => value.ToString("#,##0", CultureInfo.InvariantCulture) + " days",
        "months" => value.ToString("#,##0", CultureInfo.InvariantCulture) + " months",
        "count" => value.ToString("#,##0.#", CultureInfo.InvariantCulture),
        "score" => value.ToString("0.#", CultureInfo.InvariantCulture),
        _ => value.ToString("#,##0.##", CultureInfo.InvariantCulture),
    };
}
