namespace SegmentMiner.Warehouse.Tests;

/// <summary>
/// The people of the source contract: the optional ContactId of activities and survey responses, and the optional
/// opportunity_contacts entity (who took part in which deal, in what role), with the rules of every entity.
/// </summary>
[TestFixture]
public sealed class PeopleInSourcesTests
{
    private TestWarehouse _w = null!;

    [SetUp]
    public void SetUp()
    {
        _w = new TestWarehouse();
        _w.Options.Sync.MaxRejectedFraction = 0.5;
        _w.Write("crm", "accounts.csv", H.Accounts,
            "A1,One,Software,Germany,Europe,11-50,,2024-01-01T00:00:00Z,2024-01-01T00:00:00Z,0",
            "A2,Two,Retail,France,Europe,51-200,,2024-01-01T00:00:00Z,2024-01-01T00:00:00Z,0");
        _w.Write("crm", "contacts.csv", H.Contacts,
            "C1,A1,CIO,C-level,IT,1,2024-01-01T00:00:00Z,2024-01-01T00:00:00Z,0",
            "C2,A1,Engineer,Mid,IT,0,2024-01-01T00:00:00Z,2024-01-01T00:00:00Z,0",
            "C3,A2,Buyer,Senior,Procurement,1,2024-01-01T00:00:00Z,2024-01-01T00:00:00Z,0");
        _w.Write("crm", "opportunities.csv", H.Opportunities,
            "O1,A1,Analytics,Proposal,1000.00,USD,2025-01-01T00:00:00Z,2025-12-31,2025-01-01T00:00:00Z,0",
            "O2,A2,Analytics,ClosedWon,500.00,USD,2025-01-01T00:00:00Z,2025-06-30,2025-01-01T00:00:00Z,0");
    }

    [TearDown]
    public void TearDown() => _w.Dispose();

    [Test]
    public async Task OpportunityContacts_AreStaged_WithUnknownContactsAndOpportunitiesRejectedByLine()
    {
        var path = _w.Write("crm", "opportunity_contacts.csv", H.OpportunityContacts,
            "O1,C1,DecisionMaker,2025-01-02T00:00:00Z,0",
            "O1,C2,User,2025-01-02T00:00:00Z,0",
            "O1,C9,Influencer,2025-01-02T00:00:00Z,0",
            "O7,C1,Champion,2025-01-02T00:00:00Z,0",
            "O2,C3,EconomicBuyer,2025-01-02T00:00:00Z,0",
            "O1,C2,Champion,2025-03-01T00:00:00Z,0",
            "O2,C3,EconomicBuyer,2025-04-01T00:00:00Z,1",
            "O2,C1,,2025-01-02T00:00:00Z,0");

        var result = await _w.SyncAsync();

        var rejected = await _w.QueryAsync<(string FileName, long LineNumber, string Reason)>("SELECT FileName, LineNumber, Reason FROM ops.RejectedRow ORDER BY LineNumber");
        Assert.That(rejected, Is.EqualTo(new[]
        {
            ("crm/opportunity_contacts.csv", 4L, "unknown contact C9"),
            ("crm/opportunity_contacts.csv", 5L, "unknown opportunity O7"),
            ("crm/opportunity_contacts.csv", 9L, "missing required value Role"),
        }));
        Assert.That(File.ReadAllLines(path)[3], Does.StartWith("O1,C9,"), "line 4 is the row with the unknown contact");
        Assert.That(result.Entities.Single(e => e.Entity == "opportunity_contacts").Loaded, Is.EqualTo(5));

        // The current roles: the newest version of each pair; a deleted newest version removes the pair.
        var current = await _w.QueryAsync<(string OpportunityId, string ContactId, string Role)>(
            "SELECT OpportunityId, ContactId, Role FROM dw.vOpportunityContact ORDER BY OpportunityId, ContactId");
        Assert.That(current, Is.EqualTo(new[] { ("O1", "C1", "DecisionMaker"), ("O1", "C2", "Champion") }));
        Assert.That(await _w.ScalarAsync<long>("SELECT count(*) FROM stg.OpportunityContact"), Is.EqualTo(5), "every version kept");
    }

    [Test]
    public async Task OpportunityContacts_ReadAgain_NeverDuplicate_AndACorrectionIsRecordedByItsPair()
    {
        _w.Write("crm", "opportunity_contacts.csv", H.OpportunityContacts, "O1,C1,DecisionMaker,2025-01-02T00:00:00Z,0", "O1,C2,User,2025-01-02T00:00:00Z,0");
        await _w.SyncAsync();
        await _w.SyncAsync();
        Assert.That(await _w.ScalarAsync<long>("SELECT count(*) FROM stg.OpportunityContact"), Is.EqualTo(2), "an unchanged file adds nothing");

        File.SetLastWriteTimeUtc(_w.Write("crm", "opportunity_contacts.csv", H.OpportunityContacts,
            "O1,C1,DecisionMaker,2025-01-02T00:00:00Z,0", "O1,C2,Influencer,2025-01-02T00:00:00Z,0"), DateTime.UtcNow.AddMinutes(1));
        await _w.SyncAsync();
        Assert.That(await _w.QueryAsync<string>("SELECT Role FROM dw.vOpportunityContact WHERE ContactId = 'C2'"), Is.EqualTo(new[] { "Influencer" }), "the later read wins");
        Assert.That(await _w.QueryAsync<string>("SELECT RowKey FROM ops.Correction"), Is.EqualTo(new[] { "O1|C2" }), "the correction names its pair");
    }

    [Test]
    public async Task ActivitiesAndResponses_MayNameTheirContact()
    {
        _w.Write("crm", "activities.csv", H.Activities + ",ContactId",
            "T1,A1,Webinar,2025-02-01T00:00:00Z,2025-02-01T00:00:00Z,0,C1",
            "T2,A1,Call,2025-02-02T00:00:00Z,2025-02-02T00:00:00Z,0,",
            "T3,A1,Email,2025-02-03T00:00:00Z,2025-02-03T00:00:00Z,0,C404");
        _w.Write("survey", "responses.csv", H.Responses + ",ContactId",
            "R1,A1,2025-02-01T00:00:00Z,goal,Save time,2025-02-01T00:00:00Z,0,C2",
            "R2,A1,2025-02-01T00:00:00Z,Priority,Cost,2025-02-01T00:00:00Z,0,");

        await _w.SyncAsync();

        Assert.That(await _w.QueryAsync<(string, string?)>("SELECT ActivityId, ContactId FROM dw.FactActivity ORDER BY ActivityId"),
            Is.EqualTo(new[] { ("T1", (string?)"C1"), ("T2", null) }));
        Assert.That(await _w.QueryAsync<string>("SELECT Reason FROM ops.RejectedRow"), Is.EqualTo(new[] { "unknown contact C404" }));
        Assert.That(await _w.QueryAsync<(string, string?)>("SELECT ResponseId, ContactId FROM dw.FactSurveyAnswer ORDER BY ResponseId"),
            Is.EqualTo(new[] { ("R1", (string?)"C2"), ("R2", null) }));
    }

    [Test]
    public async Task ASourceWithoutThePeopleColumns_StillSyncs()
    {
        _w.Write("crm", "activities.csv", H.Activities, "T1,A1,Webinar,2025-02-01T00:00:00Z,2025-02-01T00:00:00Z,0");
        var result = await _w.SyncAsync();
        Assert.That(result.Entities.Single(e => e.Entity == "activities").Loaded, Is.EqualTo(1));
        Assert.That(await _w.ScalarAsync<long>("SELECT count(*) FROM dw.FactActivity WHERE ContactId IS NULL"), Is.EqualTo(1));
        Assert.That(await _w.ScalarAsync<long>("SELECT count(*) FROM dw.vOpportunityContact"), Is.Zero, "no opportunity_contacts: no deal roles");
        Assert.That(await _w.QueryAsync<int?>("SELECT RolesCovered FROM dw.BuyingUnitFeatures"), Has.All.Null, "no opportunity_contacts: roles covered unknown, not 0");
    }

    [Test]
    public async Task ContactHistory_IsType2_OnAccountRoleSeniorityDepartmentAndDecisionMaker()
    {
        // C1: promoted (a new period), touched without change (none), moved department (a new period), deleted (the
        // period closes), back (a new period). A version that arrives in a later batch lands in its place.
        _w.Write("crm", "contacts-2.csv", H.Contacts,
            "C1,A1,CIO,VP,IT,0,2024-01-01T00:00:00Z,2024-06-01T00:00:00Z,0",
            "C1,A1,CIO,VP,IT,0,2024-01-01T00:00:00Z,2024-07-01T00:00:00Z,0",
            "C1,A1,CIO,VP,Digital,0,2024-01-01T00:00:00Z,2024-09-01T00:00:00Z,0",
            "C1,A1,CIO,VP,Digital,0,2024-01-01T00:00:00Z,2024-10-01T00:00:00Z,1");
        await _w.SyncAsync();
        _w.Write("crm", "contacts-3.csv", H.Contacts,
            "C1,A1,CIO,VP,Digital,1,2024-01-01T00:00:00Z,2024-12-01T00:00:00Z,0",
            "C1,A1,CIO,Director,IT,0,2024-01-01T00:00:00Z,2024-03-01T00:00:00Z,0");
        await _w.SyncAsync();

        var periods = await _w.QueryAsync<(string Seniority, string Department, bool IsDecisionMaker, DateTime ValidFrom, DateTime? ValidTo, bool IsCurrent)>(
            "SELECT Seniority, Department, IsDecisionMaker, ValidFrom, ValidTo, IsCurrent FROM dw.DimContactHistory WHERE ContactId = 'C1' ORDER BY ValidFrom");
        Assert.That(periods, Is.EqualTo(new[]
        {
            ("C-level", "IT", true, new DateTime(2024, 1, 1), (DateTime?)new DateTime(2024, 3, 1), false),
            ("Director", "IT", false, new DateTime(2024, 3, 1), (DateTime?)new DateTime(2024, 6, 1), false),
            ("VP", "IT", false, new DateTime(2024, 6, 1), (DateTime?)new DateTime(2024, 9, 1), false),
            ("VP", "Digital", false, new DateTime(2024, 9, 1), (DateTime?)new DateTime(2024, 10, 1), false),
            ("VP", "Digital", true, new DateTime(2024, 12, 1), null, true),
        }));
        Assert.That(await _w.QueryAsync<string>("SELECT Seniority FROM dw.DimContact WHERE ContactId = 'C1'"), Is.EqualTo(new[] { "VP" }), "DimContact stays the current version");
        Assert.That(await _w.ScalarAsync<long>("SELECT count(*) FROM dw.DimContactHistory WHERE IsCurrent"), Is.EqualTo(3), "one current period per current contact");
    }

    [Test]
    public async Task ContactFeatures_CountEachContactsYear_AndContactProduct_RelatesThemToTheirAccountsProducts()
    {
        // As of 2026-11-15 the window is 2025-11-01 to 2026-11-01 (the twelve whole months before November).
        _w.Write("crm", "opportunities-2.csv", H.Opportunities,
            "O3,A1,CRM,ClosedWon,800.00,USD,2026-02-01T00:00:00Z,2026-03-01,2026-03-01T00:00:00Z,0",
            "O4,A1,Mail,Qualification,300.00,USD,2025-05-01T00:00:00Z,,2025-05-01T00:00:00Z,0");
        _w.Write("crm", "opportunity_contacts.csv", H.OpportunityContacts,
            "O3,C1,DecisionMaker,2026-02-01T00:00:00Z,0", "O3,C2,Champion,2026-02-01T00:00:00Z,0",
            "O4,C1,Sponsor,2025-05-01T00:00:00Z,0", "O1,C2,User,2025-01-02T00:00:00Z,0");
        _w.Write("crm", "activities.csv", H.Activities + ",ContactId",
            "T1,A1,Webinar,2026-01-10T00:00:00Z,2026-01-10T00:00:00Z,0,C1",
            "T2,A1,Webinar,2026-05-10T00:00:00Z,2026-05-10T00:00:00Z,0,C1",
            "T3,A1,Email,2026-10-31T00:00:00Z,2026-10-31T00:00:00Z,0,C1",
            "T4,A1,Call,2026-11-02T00:00:00Z,2026-11-02T00:00:00Z,0,C1",
            "T5,A1,Meeting,2025-10-30T00:00:00Z,2025-10-30T00:00:00Z,0,C2",
            "T6,A1,Call,2026-03-01T00:00:00Z,2026-03-01T00:00:00Z,0,");
        _w.Write("survey", "responses.csv", H.Responses + ",ContactId",
            "R1,A1,2026-01-01T00:00:00Z,goal,Save time,2026-01-01T00:00:00Z,0,C1",
            "R2,A1,2026-06-01T00:00:00Z,goal,Grow revenue,2026-06-01T00:00:00Z,0,C1",
            "R3,A1,2026-06-01T00:00:00Z,channel,Events,2026-06-01T00:00:00Z,0,C2");
        _w.Write("billing", "subscriptions.csv", H.Subscriptions,
            "S1,A1,CRM,Pro,2026-03-01,,100.00,USD,Active,2026-03-01T00:00:00Z,0",
            "S2,A1,Mail,Basic,2024-01-01,2025-06-30,50.00,USD,Cancelled,2025-06-30T00:00:00Z,0",
            "S3,A2,Analytics,Pro,2025-07-01,,70.00,USD,Active,2025-07-01T00:00:00Z,0");
        await _w.SyncAsync();

        var features = await _w.QueryAsync<(string ContactId, long Activities, long Webinars, long Emails, long Calls, long Meetings, long Opportunities, long DecisionMaker, long Champion, long User, long Other, string? Goal, string? Channel)>(
            """
            SELECT ContactId, Activities12m, Webinars12m, Emails12m, Calls12m, Meetings12m, Opportunities12m, DecisionMakerRoles12m,
                   ChampionRoles12m, UserRoles12m, OtherRoles12m, Goal, Channel
            FROM dw.ContactFeatures ORDER BY ContactId
            """);
        Assert.That(features, Is.EqualTo(new[]
        {
            ("C1", 3L, 2L, 1L, 0L, 0L, 1L, 1L, 0L, 0L, 0L, (string?)"Grow revenue", (string?)null),
            ("C2", 0L, 0L, 0L, 0L, 0L, 1L, 0L, 1L, 0L, 0L, null, "Events"),
            ("C3", 0L, 0L, 0L, 0L, 0L, 0L, 0L, 0L, 0L, 0L, null, null),
        }), "in the window only: T4 is after it, T5 and O1, O4 before it; an activity without a contact counts for none");
        Assert.That(await _w.QueryAsync<string>("SELECT DISTINCT CAST(AsOfDate AS VARCHAR) FROM dw.ContactFeatures"), Is.EqualTo(new[] { "2026-11-15" }));

        var products = await _w.QueryAsync<(string ContactId, string Product, string Relation)>("SELECT ContactId, Product, Relation FROM dw.ContactProduct ORDER BY ContactId, Product");
        Assert.That(products, Is.EqualTo(new[]
        {
            ("C1", "Analytics", "Pursues"), ("C1", "CRM", "Holds"), ("C1", "Mail", "Pursues"),
            ("C2", "Analytics", "Pursues"), ("C2", "CRM", "Holds"), ("C2", "Mail", "Pursues"),
            ("C3", "Analytics", "Holds"),
        }), "A1 holds CRM, pursues Analytics (O1) and Mail again (O4, open) after dropping it; A2 holds Analytics");

        // The buying unit in the customer features: A1's contacts hold DecisionMaker, Champion, Sponsor and User;
        // one of its two contacts is senior (C-level). A2's only contact is Senior (not Director or above), in no deal.
        const string Unit = "SELECT AccountId, RolesCovered, SeniorShare FROM dw.BuyingUnitFeatures ORDER BY AccountId";
        Assert.That(await _w.QueryAsync<(string, int?, double?)>(Unit), Is.EqualTo(new[] { ("A1", (int?)4, (double?)0.5), ("A2", 0, 0.0) }));

        Assert.That(await _w.QueryAsync<(long, long)>("SELECT Contacts, DecisionMakers FROM dw.BuyingUnitFeatures ORDER BY AccountId"),
            Is.EqualTo(await _w.QueryAsync<(long, long)>("SELECT Contacts, DecisionMakers FROM dw.CustomerFeatures ORDER BY AccountId")), "the same counts as the customer features");

        // A new role arrives in a later batch: the incremental sync gives what a rebuild gives.
        _w.Write("crm", "opportunity_contacts-2.csv", H.OpportunityContacts, "O4,C2,Influencer,2026-05-01T00:00:00Z,0");
        await _w.SyncAsync();
        var incremental = await _w.QueryAsync<(string, int?, double?)>(Unit);
        Assert.That(incremental[0], Is.EqualTo(("A1", (int?)5, (double?)0.5)));
        await _w.SyncAsync(rebuild: true);
        Assert.That(await _w.QueryAsync<(string, int?, double?)>(Unit), Is.EqualTo(incremental));
    }

    [Test]
    public async Task ContactProduct_ADroppedProductNotPursued_IsDropped()
    {
        _w.Write("billing", "subscriptions.csv", H.Subscriptions, "S2,A2,Mail,Basic,2024-01-01,2025-06-30,50.00,USD,Cancelled,2025-06-30T00:00:00Z,0");
        await _w.SyncAsync();
        Assert.That(await _w.QueryAsync<(string, string, string)>("SELECT ContactId, Product, Relation FROM dw.ContactProduct WHERE Product = 'Mail'"),
            Is.EqualTo(new[] { ("C3", "Mail", "Dropped") }));
    }
}
