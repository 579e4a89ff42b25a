using System.Text.RegularExpressions;
using SegmentMiner.Core.Mining;
using SegmentMiner.Core.Models;

namespace SegmentMiner.Pipeline.Publishing.Facts;

/// <summary>
/// How one attribute is spoken of: its label and unit, the words for a high and a low average, the phrase for a state
/// (present), and for a missing value. The shipped models' columns have their own words; any other column gets
/// "high NAME", "low NAME", "NAME state" and "no NAME". Phrases never contain a comma, '&lt;', '&gt;' or a quote, so
/// a name's traits can be told apart by ", ".
/// </summary>
public sealed partial record AttributeWords(string Label, Unit Unit, string High, string Low, Func<string, string>? State = null, string? Group = null, string? Missing = null, string None = "no", string? MissingGroup = null)
{
    private static readonly Unit Money = new(UnitKind.Money);

    private static readonly Dictionary<string, AttributeWords> Shipped = new(StringComparer.OrdinalIgnoreCase)
    {
        ["Recency Days"] = new("days since the last invoice", new Unit(UnitKind.Days), "lapsed", "recently billed", Missing: "never billed", MissingGroup: "invoices"),
        ["Invoices 12m"] = new("invoices in 12 months", new Unit(UnitKind.Count, "invoice", "invoices"), "billed often", "billed rarely", Group: "invoices"),
        ["Billed 12m"] = new("billed in 12 months", Money, "big spenders", "small spenders"),
        ["Tenure Months"] = new("tenure", new Unit(UnitKind.Months), "long tenure", "short tenure"),
        ["Mrr"] = new("MRR", Money, "high MRR", "low MRR", Missing: "no MRR"),
        ["Mrr Trend 3m"] = new("MRR change over 3 months", Money, "growing MRR", "shrinking MRR"),
        ["Active Products"] = new("active products", new Unit(UnitKind.Count, "active product", "active products"), "many products", "few products"),
        ["Late Payment Rate 12m"] = new("invoices paid late", new Unit(UnitKind.Percent), "pay late", "pay on time", Missing: "no invoices in 12 months", MissingGroup: "invoices"),
        ["Open Pipeline"] = new("open pipeline", Money, "big open pipeline", "little pipeline"),
        ["Deals Won 12m"] = new("deals won in 12 months", new Unit(UnitKind.Count, "deal", "deals"), "winning new deals", "few recent deals"),
        ["Nps"] = new("NPS", new Unit(UnitKind.Score), "promoters", "detractors", Missing: "no NPS answer"),
        ["Attrited"] = new("churned", Unit.Number, "", "", v => v.Equals("true", StringComparison.OrdinalIgnoreCase) ? "churned" : "active"),
        ["Industry"] = new("industry", Unit.Number, "", "", v => v, Missing: "no industry"),
        ["Region"] = new("region", Unit.Number, "", "", v => "in " + v, "where", "no region", "none"),
        ["Country"] = new("country", Unit.Number, "", "", v => "in " + v, "where", "no country", "none"),
        ["Employee Band"] = new("employees", Unit.Number, "", "", v => v + " employees"),
        ["Annual Revenue Band"] = new("annual revenue", Unit.Number, "", "", v => "revenue " + v, Missing: "no revenue band"),
        ["Priority"] = new("priority", Unit.Number, "", "", v => v.ToLowerInvariant() + "-focused", Missing: "no stated priority", None: "none"),
        ["Expansion Intent"] = new("expansion intent", Unit.Number, "", "", v => v.ToLowerInvariant() switch
        {
            "yes" => "planning to expand",
            "no" => "ruling out expansion",
            "unsure" => "unsure about expanding",
            var x => "expansion intent " + x,
        }, Missing: "no answer on expansion", None: "none"),
        ["Innovation Attitude"] = new("attitude to innovation", Unit.Number, "", "", v =>
        {
            var x = v.Replace('_', ' ').ToLowerInvariant();
            return x.EndsWith('s') ? x : x + "s";
        }, Missing: "no answer on innovation"),

        // Product personas: people, named by what they are, do, want and struggle with.
        ["Job Role"] = new("job role", Unit.Number, "", "", v => Plural(v), Missing: "no job title"),
        ["Seniority"] = new("seniority", Unit.Number, "", "", v => v + " level", Missing: "no seniority"),
        ["Department"] = new("department", Unit.Number, "", "", v => "in " + v, Missing: "no department"),
        ["Decision Maker"] = new("decision maker", Unit.Number, "", "", v => IsTrue(v) ? "decision makers" : "not deciding"),
        ["Main Activity"] = new("main activity", Unit.Number, "", "", v => v switch
        {
            "Meeting" => "mostly in meetings",
            "Call" => "mostly on calls",
            "Webinar" => "attend webinars",
            "SupportTicket" => "raise support tickets",
            "Email" => "mostly by email",
            "None" => "no recent activity",
            var x => "mostly " + x,
        }, Missing: "no activity data"),
        ["Main Deal Role"] = new("main deal role", Unit.Number, "", "", v => v switch
        {
            "DecisionMaker" => "decide deals",
            "EconomicBuyer" => "sign off budgets",
            "Influencer" => "influence deals",
            "Champion" => "champion deals",
            "User" => "use what is bought",
            "None" => "in no recent deal",
            var x => x + " in deals",
        }, Missing: "no deal role data"),
        ["Goal"] = new("goal", Unit.Number, "", "", v =>
        {
            var x = v.Replace('_', ' ').ToLowerInvariant();
            return x.StartsWith("better ", StringComparison.Ordinal) || x.StartsWith("more ", StringComparison.Ordinal) ? "want " + x : "want to " + x;
        }, Missing: "no stated goal"),
        ["Challenge"] = new("challenge", Unit.Number, "", "", v => "struggle with " + v.Replace('_', ' ').ToLowerInvariant(), Missing: "no stated challenge"),
        ["Channel"] = new("channel", Unit.Number, "", "", v => "prefer " + v.Replace('_', ' ').ToLowerInvariant(), Missing: "no preferred channel"),
    };

    /// <summary>A job title in the plural: "CTOs", "Heads of Sales", "Data Analysts".</summary>
    private static string Plural(string title)
    {
        var of = title.IndexOf(" of ", StringComparison.Ordinal);
        if (of > 0)
        {
            return Plural(title[..of]) + title[of..];
        }

        return title.EndsWith('s') ? title : title + "s";
    }

    /// <summary>The unit of an attribute's values by its name: the shipped vocabulary's, else a plain number.</summary>
    public static Unit UnitOf(string attribute) => Shipped.TryGetValue(attribute, out var words) ? words.Unit : Unit.Number;

    /// <summary>The words for a model column: the shipped vocabulary, or generic words from its name and type.</summary>
    public static AttributeWords For(StructureColumn column) =>
        Shipped.TryGetValue(column.Name, out var words) ? words : new AttributeWords(
            column.Name,
            column.Type == MiningDataType.Long ? new Unit(UnitKind.Count) : Unit.Number,
            "high " + column.Name,
            "low " + column.Name,
            v => column.Type == MiningDataType.Boolean ? (IsTrue(v) ? column.Name : "not " + column.Name) : column.Name + " " + v);

    /// <summary>
    /// The group a trait counts in: one trait per group in a name (a region and its country say the same; "billed
    /// rarely", "never billed" and "no invoices in 12 months" too). <see cref="MissingGroup"/> is the group of the
    /// trait "no value" where it differs from the attribute's own.
    /// </summary>
    public string GroupOf(string attribute) => Group ?? attribute;

    /// <summary>A state held by the segment's members more often than by the rest.</summary>
    public string Present(string state) => Clean(state == "Missing" ? Missing ?? "no " + Label : (State ?? (v => Label + " " + v))(state));

    /// <summary>A state the segment's members hold less often than the rest: "few ...", or "no ..." ("none ...") when no member holds it.</summary>
    public string Absent(string state, bool none)
    {
        var phrase = Present(state);
        if (state == "Missing")
        {
            return Clean((none ? "all with " : "most with ") + Label);
        }

        return Clean((none ? None + " " : "few ") + phrase);
    }

    /// <summary>A comparison with one other segment, for names that need it: "higher MRR", "more in Europe".</summary>
    public static string Comparative(string phrase, bool more) => Clean((more ? "more " : "fewer ") + phrase);

    private static bool IsTrue(string v) => v.Equals("true", StringComparison.OrdinalIgnoreCase) || v == "1";

    /// <summary>No comma, angle bracket or quote in a phrase; white space folded.</summary>
    public static string Clean(string phrase) => Spaces().Replace(Forbidden().Replace(phrase, " "), " ").Trim();

    [GeneratedRegex("[,<>\"'`]")]
    private static partial Regex Forbidden();

    [GeneratedRegex("\\s+")]
    private static partial Regex Spaces();
}
