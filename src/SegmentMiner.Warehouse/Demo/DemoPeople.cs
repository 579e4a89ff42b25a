using System.Text;

namespace SegmentMiner.Warehouse.Demo;

/// <summary>
/// The people of the demo: each contact follows an archetype drawn from those of its account's products, and so do
/// the activities it has, the roles it takes in its account's deals and its own survey answers. Draws come from a
/// random stream of their own, so the accounts' story (groups, subscriptions, invoices, deals, when activities
/// happen, attitudes) is the same with or without them. truth-contacts.csv lists every current contact of a current account with each product that account holds
/// or pursues on the as-of date, and the contact's archetype.
/// </summary>
internal sealed class DemoPeople(int seed, DateOnly asOf)
{
    public const string OpportunityContactHeader = "OpportunityId,ContactId,Role,ModifiedAt,IsDeleted";

    private readonly Random _rng = new(unchecked((seed * 7919) + 104729));
    private int _nextAnswer = 1;

    /// <summary>
    /// A new contact of <paramref name="a"/>, of an archetype planted in every product the account holds on the
    /// as-of date (in one product it will pursue, when it holds none), archetypes of fewer products more likely.
    /// </summary>
    public DemoContact NewContact(DemoAccount a, string id)
    {
        var products = a.PeopleProducts ??= Held(a) is { Count: > 0 } held ? held : [Pick(DemoLists.Products)];
        var archetype = Weighted(DemoArchetype.All.Where(t => products.All(t.Products.Contains)).ToArray());
        // A quarter of titles and a fifth of departments are not the archetype's, one seniority in ten is any.
        var role = _rng.NextDouble() < 0.75 ? archetype.JobRole : Pick(DemoLists.JobRoles);
        var department = _rng.NextDouble() < 0.8 ? archetype.Department : Pick(DemoLists.Departments);
        var seniority = _rng.NextDouble() < 0.9 ? Pick(archetype.Seniorities) : Pick(Core.SourceEntities.Seniorities);
        var contact = new DemoContact(id, archetype, role, seniority, department, _rng.NextDouble() < archetype.DecisionMakerShare);
        a.Contacts.Add(contact);
        return contact;
    }

    /// <summary>
    /// The product an open opportunity of <paramref name="a"/> pursues: <paramref name="drawn"/> when every contact's
    /// archetype is planted in it, else one that is (the account then pursues what its buying unit is planted for).
    /// </summary>
    public string Pursued(DemoAccount a, string drawn)
    {
        var common = DemoLists.Products.Where(p => a.Contacts.All(c => c.Archetype.Products.Contains(p))).ToArray();
        return a.Contacts.Count == 0 || common.Length == 0 || common.Contains(drawn) ? drawn : Pick(common);
    }

    private List<string> Held(DemoAccount a) =>
        a.Subscriptions.Where(s => s.Start <= asOf && (s.End is null || s.End > asOf) && s.Status != "Cancelled").Select(s => s.Product).Distinct(StringComparer.Ordinal).ToList();

    /// <summary>
    /// One of the archetypes, each as likely as one over the cube of the number of products it is planted in: the
    /// archetypes of every product fill the accounts of many products anyway, a product's own ones its own accounts.
    /// </summary>
    private DemoArchetype Weighted(DemoArchetype[] fitting)
    {
        static double Weight(DemoArchetype t) => Math.Pow(t.Products.Length, -3);
        var x = _rng.NextDouble() * fitting.Sum(Weight);
        foreach (var t in fitting)
        {
            x -= Weight(t);
            if (x <= 0)
            {
                return t;
            }
        }

        return fitting[^1];
    }

    /// <summary>The contact an activity of <paramref name="a"/> was with, and its type (mostly the archetype's); none when the account has no contact.</summary>
    public (string? ContactId, string Type) Activity(DemoAccount a, string type)
    {
        if (a.Contacts.Count == 0)
        {
            return (null, type);
        }

        var c = Pick(a.Contacts.ToArray());
        return (c.Id, _rng.NextDouble() < 0.75 ? c.Archetype.Activity : type);
    }

    /// <summary>One to three of the account's contacts in a deal, each in its archetype's role.</summary>
    public void DealRoles(DemoAccount a, DemoSink sink, string opportunityId, DateTime at)
    {
        foreach (var c in a.Contacts.OrderBy(_ => _rng.Next()).Take(_rng.Next(1, 4)))
        {
            sink.Add("crm", "opportunity_contacts", OpportunityContactHeader, [opportunityId, c.Id, c.Archetype.DealRole, Ts(at.AddHours(1)), "0"]);
        }
    }

    /// <summary>
    /// Every contact answers the people questions (goal, challenge, channel) once, mostly as their archetype would. (With
    /// a share of contacts silent, the model rightly finds "never answered" as a kind of contact of its own.)
    /// </summary>
    public void Answers(DemoAccount a, DemoSink sink, string header, string prefix)
    {
        foreach (var c in a.Contacts)
        {
            var at = asOf.ToDateTime(new TimeOnly(15, 0)).AddDays(-_rng.Next(5, 200));
            foreach (var (question, typical, values) in new[]
                     {
                         ("goal", c.Archetype.Goal, DemoArchetype.All.Select(t => t.Goal)),
                         ("challenge", c.Archetype.Challenge, DemoArchetype.All.Select(t => t.Challenge)),
                         ("channel", c.Archetype.Channel, DemoArchetype.All.Select(t => t.Channel)),
                     })
            {
                var answer = _rng.NextDouble() < 0.85 ? typical : Pick(values.Distinct().ToArray());
                sink.Add("survey", "responses", header, [$"RSP-{prefix}P{_nextAnswer++:D8}", a.Id, Ts(at), question, answer, Ts(at.AddMinutes(1)), "0", c.Id]);
            }
        }
    }

    /// <summary>ContactId,Product,Archetype for every current contact of a current account and each product it holds or pursues.</summary>
    public void WriteTruth(string path, IEnumerable<DemoAccount> accounts)
    {
        using var w = new StreamWriter(path, false, new UTF8Encoding(false)) { NewLine = "\n" };
        w.WriteLine("ContactId,Product,Archetype");
        foreach (var a in accounts.Where(a => !a.Deleted))
        {
            var products = Held(a).Concat(a.OpenOpportunityProducts).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
            foreach (var c in a.Contacts)
            {
                foreach (var p in products)
                {
                    w.WriteLine($"{c.Id},{p},{c.Archetype.Name}");
                }
            }
        }
    }

    private T Pick<T>(T[] items) => items[_rng.Next(items.Length)];

    private static string Ts(DateTime t) => DemoGenerator.Ts(t);
}
