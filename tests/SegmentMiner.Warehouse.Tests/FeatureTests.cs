namespace SegmentMiner.Warehouse.Tests;

/// <summary>dw.CustomerFeatures and dw.CustomerMonthlySnapshot on a small hand-computed case (as of 2026-11-15).</summary>
[TestFixture]
public sealed class FeatureTests
{
    private TestWarehouse _w = null!;

    [OneTimeSetUp]
    public async Task SetUp()
    {
        _w = new TestWarehouse();
        _w.Write("crm", "accounts.csv", H.Accounts,
            "A1,One,Software,Germany,Europe,11-50,1M-10M,2024-03-10T09:00:00Z,2024-03-10T09:00:00Z,0",
            "A2,Two,Retail,France,Europe,1-10,,2023-01-01T09:00:00Z,2023-01-01T09:00:00Z,0",
            "A3,Three,Media,Japan,Asia Pacific,1-10,,2026-10-20T09:00:00Z,2026-10-20T09:00:00Z,0");
        _w.Write("billing", "subscriptions.csv", H.Subscriptions,
            "S1,A1,Core,Pro,2024-05-01,,100,USD,Active,2024-05-01T00:00:00Z,0",
            "S2,A1,Analytics,Pro,2026-09-01,,50,USD,Active,2026-09-01T00:00:00Z,0",
            "S3,A1,Core,Pro,2025-01-01,2026-10-01,30,USD,Cancelled,2026-10-01T00:00:00Z,0",
            "S9,A2,Core,Starter,2023-02-01,2026-03-01,80,USD,Cancelled,2026-03-01T00:00:00Z,0");
        _w.Write("billing", "invoices.csv", H.Invoices,
            "I1,A1,S1,2025-10-15,2025-11-14,2025-11-01,100,USD,Paid,2025-11-01T00:00:00Z,0",
            "I2,A1,S1,2025-11-10,2025-12-10,2025-12-20,200,USD,Paid,2025-12-20T00:00:00Z,0",
            "I3,A1,S1,2026-05-10,2026-06-10,2026-06-01,300,USD,Paid,2026-06-01T00:00:00Z,0",
            "I4,A1,S1,2026-10-10,2026-11-09,,400,USD,Open,2026-10-10T00:00:00Z,0",
            "I5,A1,S1,2026-10-20,2026-11-19,,1000,USD,Void,2026-10-20T00:00:00Z,0",
            "I6,A1,S1,2026-11-05,2026-12-05,,50,USD,Open,2026-11-05T00:00:00Z,0");
        _w.Write("crm", "opportunities.csv", H.Opportunities,
            "O1,A1,Core,Proposal,1000,USD,2026-01-01T00:00:00Z,,2026-01-01T00:00:00Z,0",
            "O2,A1,Core,Negotiation,500,,2026-02-01T00:00:00Z,,2026-02-01T00:00:00Z,0",
            "O3,A1,Core,ClosedWon,9999,USD,2026-01-01T00:00:00Z,2026-02-01,2026-02-01T00:00:00Z,0",
            "O4,A1,Core,ClosedWon,10,USD,2025-05-01T00:00:00Z,2025-06-01,2025-06-01T00:00:00Z,0",
            "O5,A1,Core,ClosedLost,10,USD,2026-05-01T00:00:00Z,2026-06-01,2026-06-01T00:00:00Z,0");
        _w.Write("crm", "activities.csv", H.Activities,
            "X1,A1,Call,2025-12-01T10:00:00Z,2025-12-01T10:00:00Z,0",
            "X2,A1,Email,2026-03-01T10:00:00Z,2026-03-01T10:00:00Z,0",
            "X3,A1,Demo Day,2026-10-31T23:59:59Z,2026-10-31T23:59:59Z,0",
            "X4,A1,Call,2025-10-31T10:00:00Z,2025-10-31T10:00:00Z,0",
            "X5,A1,Call,2026-11-02T10:00:00Z,2026-11-02T10:00:00Z,0");
        _w.Write("crm", "contacts.csv", H.Contacts,
            "C1,A1,CFO,C-level,Finance,1,2024-03-10T00:00:00Z,2024-03-10T00:00:00Z,0",
            "C2,A1,Analyst,Junior,IT,0,2024-03-10T00:00:00Z,2024-03-10T00:00:00Z,0",
            "C3,A1,Analyst,Junior,IT,true,2024-03-10T00:00:00Z,2024-03-10T00:00:00Z,0",
            "C3,A1,Analyst,Junior,IT,true,2024-03-10T00:00:00Z,2025-03-10T00:00:00Z,1");
        _w.Write("survey", "responses.csv", H.Responses,
            "R1,A1,2026-01-01T00:00:00Z,priority,cost,2026-01-01T00:00:00Z,0",
            "R2,A1,2026-06-01T00:00:00Z,priority,growth,2026-06-01T00:00:00Z,0",
            "R3,A1,2026-06-01T00:00:00Z,nps,9,2026-06-01T00:00:00Z,0",
            "R4,A1,2026-06-01T00:00:00Z,expansion_intent,yes,2026-06-01T00:00:00Z,0",
            "R5,A1,2026-06-01T00:00:00Z,innovation_attitude,pragmatist,2026-06-01T00:00:00Z,0",
            "R6,A1,2026-06-01T00:00:00Z,favourite_colour,blue,2026-06-01T00:00:00Z,0");
        await _w.SyncAsync("2026-11-15");
    }

    [OneTimeTearDown]
    public void TearDown() => _w.Dispose();

    private sealed record Features(
        string AccountId, int TenureMonths, int? RecencyDays, int? Invoices12m, decimal? Billed12m, decimal? Mrr, decimal? MrrTrend3m,
        int? ActiveProducts, double? LatePaymentRate12m, decimal? OpenPipeline, int? DealsWon12m, int? Activities12m, int? Contacts,
        int? DecisionMakers, bool Attrited, DateOnly? AttritionDate, string? Priority, string? ExpansionIntent, string? InnovationAttitude, double? Nps);

    private async Task<Features> Get(string id) =>
        (await _w.QueryAsync<Features>(
            """
            SELECT AccountId, TenureMonths, RecencyDays, Invoices12m, Billed12m, Mrr, MrrTrend3m, ActiveProducts, LatePaymentRate12m,
                   OpenPipeline, DealsWon12m, Activities12m, Contacts, DecisionMakers, Attrited, AttritionDate, Priority, ExpansionIntent,
                   InnovationAttitude, Nps
            FROM dw.CustomerFeatures WHERE AccountId = $id
            """, new { id })).Single();

    [Test]
    public async Task Features_ActiveCustomer_MatchTheContractDefinitions()
    {
        var f = await Get("A1");
        Assert.Multiple(() =>
        {
            Assert.That(f.TenureMonths, Is.EqualTo(30), "2024-05-01 (first subscription) to 2026-11-01");
            Assert.That(f.RecencyDays, Is.EqualTo(10), "latest invoice 2026-11-05");
            Assert.That(f.Invoices12m, Is.EqualTo(3), "I2, I3, I4 in [2025-11-01, 2026-11-01); void I5 never counts");
            Assert.That(f.Billed12m, Is.EqualTo(900m));
            Assert.That(f.Mrr, Is.EqualTo(150m), "S1 + S2; S3 cancelled");
            Assert.That(f.MrrTrend3m, Is.EqualTo(20m), "150 now minus 130 on 2026-08-01 (S1 + S3)");
            Assert.That(f.ActiveProducts, Is.EqualTo(2));
            Assert.That(f.LatePaymentRate12m, Is.EqualTo(2.0 / 3).Within(1e-9), "I2 paid after due, I4 unpaid past due");
            Assert.That(f.OpenPipeline, Is.EqualTo(1500m));
            Assert.That(f.DealsWon12m, Is.EqualTo(1));
            Assert.That(f.Activities12m, Is.EqualTo(3), "any Type text counts; X4 before and X5 after the window do not");
            Assert.That(f.Contacts, Is.EqualTo(2), "C3 is deleted");
            Assert.That(f.DecisionMakers, Is.EqualTo(1));
            Assert.That(f.Attrited, Is.False);
            Assert.That(f.AttritionDate, Is.Null);
            Assert.That(f.Priority, Is.EqualTo("growth"), "the latest answer is the current attitude");
            Assert.That(f.ExpansionIntent, Is.EqualTo("yes"));
            Assert.That(f.InnovationAttitude, Is.EqualTo("pragmatist"));
            Assert.That(f.Nps, Is.EqualTo(9.0));
        });
    }

    [Test]
    public async Task Features_ChurnedCustomer_IsAttrited_AndProspectHasNullsWhereUndefined()
    {
        var churned = await Get("A2");
        Assert.Multiple(() =>
        {
            Assert.That(churned.Attrited, Is.True);
            Assert.That(churned.AttritionDate, Is.EqualTo(new DateOnly(2026, 3, 1)));
            Assert.That(churned.Mrr, Is.EqualTo(0m));
            Assert.That(churned.TenureMonths, Is.EqualTo(45));
            Assert.That(churned.RecencyDays, Is.Null, "no invoice");
            Assert.That(churned.Invoices12m, Is.EqualTo(0), "the entity is loaded, so zero, not null");
            Assert.That(churned.LatePaymentRate12m, Is.Null, "a share of no invoices");
            Assert.That(churned.Priority, Is.Null);
        });
        var prospect = await Get("A3");
        Assert.That(prospect.TenureMonths, Is.EqualTo(0), "created after M0's month start: its CreatedAt is the start");
        Assert.That(prospect.Attrited, Is.False, "never had a subscription");
    }

    [Test]
    public async Task Snapshot_HoldsMonthlyHistory_ThatShowsAttrition()
    {
        var rows = await _w.QueryAsync<(string AccountId, DateOnly MonthStart, decimal Mrr, decimal Billed, int InvoicesPaidLate, int ActiveProducts, bool Attrited)>(
            "SELECT AccountId, MonthStart, Mrr, Billed, InvoicesPaidLate, ActiveProducts, Attrited FROM dw.CustomerMonthlySnapshot ORDER BY AccountId, MonthStart");
        var a1 = rows.Where(r => r.AccountId == "A1").ToDictionary(r => r.MonthStart);
        var a2 = rows.Where(r => r.AccountId == "A2").ToDictionary(r => r.MonthStart);
        Assert.Multiple(() =>
        {
            Assert.That(a1.Keys.Min(), Is.EqualTo(new DateOnly(2024, 3, 1)), "from the month the account was created");
            Assert.That(a1.Keys.Max(), Is.EqualTo(new DateOnly(2026, 11, 1)), "to AsOf's month");
            Assert.That(a1[new DateOnly(2026, 8, 1)].Mrr, Is.EqualTo(130m));
            Assert.That(a1[new DateOnly(2026, 10, 1)].Mrr, Is.EqualTo(150m));
            Assert.That(a1[new DateOnly(2026, 10, 1)].Billed, Is.EqualTo(400m), "the void invoice does not count");
            Assert.That(a1[new DateOnly(2026, 10, 1)].InvoicesPaidLate, Is.EqualTo(1));
            Assert.That(a1[new DateOnly(2026, 10, 1)].ActiveProducts, Is.EqualTo(2));
            Assert.That(a1[new DateOnly(2026, 11, 1)].Billed, Is.EqualTo(50m));
            Assert.That(a2[new DateOnly(2026, 2, 1)].Attrited, Is.False);
            Assert.That(a2[new DateOnly(2026, 2, 1)].Mrr, Is.EqualTo(80m));
            Assert.That(a2[new DateOnly(2026, 3, 1)].Attrited, Is.True);
            Assert.That(a2[new DateOnly(2026, 3, 1)].Mrr, Is.EqualTo(0m));
            Assert.That(rows.Count(r => r.AccountId == "A3"), Is.EqualTo(2), "October and November 2026");
        });
    }
}
