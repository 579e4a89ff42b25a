using System.Globalization;
using System.Text;
using SegmentMiner.Core;
using SegmentMiner.Warehouse.Sync;

namespace SegmentMiner.Warehouse.Demo;

/// <summary>What <c>segminer sources generate</c> is asked for.</summary>
public sealed record DemoRequest(int Customers, int Seed, DateOnly AsOf, int Months = 24, int BadRows = 0, int Increment = 0);

/// <summary>Files written and rows per entity.</summary>
public sealed record DemoResult(IReadOnlyList<(string File, long Rows)> Files, int Customers, int BadRows);

/// <summary>
/// Realistic B2B demo sources for every entity of the contract, with planted behaviour groups (truth.csv),
/// seasonality, late payers, churn, CRM edits over time, several currencies and survey answers. The same seed and
/// as-of date give the same files. Increment K replays the base and increments 1..K-1, then writes the K-th
/// delta (one day after the previous one) as new files.
/// </summary>
public sealed class DemoGenerator
{
    private readonly DemoRequest _req;
    private readonly Random _rng;
    private readonly List<DemoAccount> _accounts = [];
    private readonly DateOnly _historyStart;
    private readonly DemoPeople _people;
    private int _nextSubscription = 1;
    private int _nextContact = 1;
    private int _nextOpportunity = 1;
    private int _nextActivity = 1;
    private int _nextResponse = 1;

    // Contacts, opportunities, activities and responses of the base are not replayed for an increment, so their
    // counters do not know where the base ended: an increment's own ids carry its number ("CON-003-0000001").
    private string _idPrefix = "";

    public DemoGenerator(DemoRequest request)
    {
        if (request.Customers < 1) throw new ConfigurationException(["--customers: must be at least 1."]);
        if (request.Months is < 1 or > 120) throw new ConfigurationException(["--months: must be from 1 to 120."]);
        if (request.BadRows < 0) throw new ConfigurationException(["--bad-rows: must not be negative."]);
        if (request.Increment < 0) throw new ConfigurationException(["--increment: must not be negative."]);
        _req = request;
        _rng = new Random(request.Seed);
        _historyStart = new DateOnly(request.AsOf.Year, request.AsOf.Month, 1).AddMonths(-request.Months);
        _people = new DemoPeople(request.Seed, request.AsOf);
    }

    /// <summary>Writes the base sources (or the requested increment) into the crm, billing and survey folders of <paramref name="sourcesDir"/>, and the planted groups of every current customer to <paramref name="truthPath"/>.</summary>
    public DemoResult Write(string sourcesDir, string truthPath, Action<string>? progress = null)
    {
        // An increment replays the base (and the increments before it) without writing them, so that the world it
        // changes is the same one the earlier files described.
        var sink = _req.Increment == 0 ? new DemoSink(sourcesDir, "000-base") : DemoSink.Null;
        CreateAccounts(_req.Customers, sink, createdOn: null);
        if (_req.Increment == 0)
        {
            WriteFx(sink, _historyStart.AddMonths(-84), new DateOnly(_req.AsOf.Year, _req.AsOf.Month, 1));
            progress?.Invoke($"generating history for {_accounts.Count} accounts");
            foreach (var a in _accounts)
            {
                WriteHistory(a, sink);
            }
        }
        else
        {
            for (var k = 1; k <= _req.Increment; k++)
            {
                sink = k == _req.Increment ? new DemoSink(sourcesDir, $"{k:D3}-increment") : DemoSink.Null;
                Advance(k, sink);
            }
        }

        AddBadRows(sink);
        var files = sink.Flush();
        WriteTruth(truthPath);
        if (_req.Increment == 0)
        {
            // An increment does not replay the base's contacts, so the people's truth is the base's.
            _people.WriteTruth(Path.Combine(Path.GetDirectoryName(Path.GetFullPath(truthPath))!, DataFolder.ContactTruthFileName), _accounts);
        }

        return new DemoResult(files, _accounts.Count(a => !a.Deleted), _req.BadRows);
    }

    private void CreateAccounts(int count, DemoSink sink, DateOnly? createdOn)
    {
        for (var i = 0; i < count; i++)
        {
            var group = createdOn is null ? PickGroup() : (_rng.NextDouble() < 0.7 ? 4 : 1);
            var c = PickCountry();
            var tenureMonths = createdOn is null ? group switch
            {
                0 => _rng.Next(30, 73),
                1 => _rng.Next(6, 21),
                2 => _rng.Next(12, 37),
                3 => _rng.Next(14, 41),
                _ => _rng.Next(0, 6),
            } : 0;
            var created = createdOn is { } d
                ? d.ToDateTime(new TimeOnly(8, 0)).AddMinutes(_rng.Next(0, 600))
                : _req.AsOf.AddMonths(-tenureMonths).AddDays(-_rng.Next(0, 28)).ToDateTime(new TimeOnly(_rng.Next(7, 19), _rng.Next(0, 60), _rng.Next(0, 60)));
            var band = group switch
            {
                0 => _rng.Next(4, 6),
                1 => _rng.Next(2, 5),
                2 => _rng.Next(1, 3),
                3 => _rng.Next(0, 4),
                _ => _rng.Next(0, 3),
            };
            var industry = group switch
            {
                0 => Pick(["Finance", "Healthcare", "Manufacturing", "Logistics"]),
                1 => Pick(["Software", "Media", "Retail", "Software"]),
                2 => Pick(["Retail", "Education", "Logistics", "Manufacturing"]),
                _ => Pick(DemoLists.Industries),
            };
            var a = new DemoAccount
            {
                No = _accounts.Count + 1,
                Group = group,
                // Interned: there are 1,536 names, and a million accounts should not hold a million copies.
                Name = string.Intern($"{Pick(DemoLists.NameFirst)}{Pick(DemoLists.NameSecond)} {Pick(DemoLists.NameSuffix)}"),
                Industry = industry,
                Country = c.Country,
                Region = c.Region,
                Currency = c.Currency,
                EmployeeBand = band,
                RevenueBand = Math.Clamp(band + _rng.Next(-1, 2), 0, DemoLists.RevenueBands.Length - 1),
                CreatedAt = created,
                BillingDay = _rng.Next(1, 29),
            };
            _accounts.Add(a);
            CreateSubscriptions(a, createdOn);

            // CRM edits over time: some accounts were first entered smaller or under another name.
            DateTime lastModified;
            if (createdOn is null && _rng.NextDouble() < 0.10)
            {
                var older = created.AddDays(_rng.Next(1, 20));
                var newer = older.AddDays(_rng.Next(30, 300));
                if (newer > _req.AsOf.ToDateTime(TimeOnly.MinValue)) newer = older.AddHours(6);
                var newerRow = AccountRow(a, newer, false);
                var olderRow = AccountRow(a, older, false);
                olderRow[5] = SourceBands[Math.Max(0, a.EmployeeBand - 1)];
                olderRow[1] = a.Name.Split(' ')[0];
                // Newer first for some, to show that the newest ModifiedAt wins whatever the row order.
                if (_rng.NextDouble() < 0.5) { sink.Add("crm", "accounts", AccountHeader, newerRow); sink.Add("crm", "accounts", AccountHeader, olderRow); }
                else { sink.Add("crm", "accounts", AccountHeader, olderRow); sink.Add("crm", "accounts", AccountHeader, newerRow); }
                lastModified = newer;
            }
            else
            {
                sink.Add("crm", "accounts", AccountHeader, AccountRow(a, created.AddMinutes(5), false));
                lastModified = created.AddMinutes(5);
            }

            if (createdOn is null && _rng.NextDouble() < 0.005)
            {
                // The delete is the account's newest version, so it leaves current data.
                a.Deleted = true;
                var deletedAt = _req.AsOf.AddDays(-_rng.Next(1, 60)).ToDateTime(new TimeOnly(12, 0));
                sink.Add("crm", "accounts", AccountHeader, AccountRow(a, deletedAt > lastModified ? deletedAt : lastModified.AddHours(1), true));
            }

            if (createdOn is { } day)
            {
                WriteContacts(a, sink, day.ToDateTime(new TimeOnly(10, 0)));
                foreach (var s in a.Subscriptions) sink.Add("billing", "subscriptions", SubscriptionHeader, SubscriptionRow(a, s, day.ToDateTime(new TimeOnly(11, 0))));
                WriteOpportunities(a, sink, day, 1);
            }
        }
    }

    private void CreateSubscriptions(DemoAccount a, DateOnly? createdOn)
    {
        var created = DateOnly.FromDateTime(a.CreatedAt);
        var products = DemoLists.Products.OrderBy(_ => _rng.Next()).ToList();
        switch (a.Group)
        {
            case 0:
                for (var i = 0; i < _rng.Next(3, 5); i++) AddSub(a, products[i], "Enterprise", created.AddDays(_rng.Next(0, 180)), Money(800, 2500), "Active");
                break;
            case 1:
                AddSub(a, products[0], "Professional", created.AddDays(_rng.Next(0, 20)), Money(300, 700), "Active");
                if (createdOn is null)
                {
                    for (var i = 1; i <= _rng.Next(1, 3); i++) AddSub(a, products[i], "Professional", _req.AsOf.AddDays(-_rng.Next(5, 80)), Money(300, 900), "Active");
                }

                break;
            case 2:
                for (var i = 0; i < _rng.Next(1, 3); i++) AddSub(a, products[i], "Starter", created.AddDays(_rng.Next(0, 60)), Money(150, 500), "Active");
                break;
            case 3:
                for (var i = 0; i < _rng.Next(1, 3); i++)
                {
                    var s = AddSub(a, products[i], Pick(DemoLists.Plans), created.AddDays(_rng.Next(0, 40)), Money(100, 600), "Cancelled");
                    s.End = _req.AsOf.AddDays(-_rng.Next(30, 300));
                    if (s.End <= s.Start) s.End = s.Start.AddDays(60);
                }

                break;
            default:
                if (_rng.NextDouble() < 0.4) AddSub(a, products[0], "Starter", createdOn ?? _req.AsOf.AddDays(-_rng.Next(1, 25)), 0m, "Trial");
                break;
        }
    }

    private DemoSubscription AddSub(DemoAccount a, string product, string plan, DateOnly start, decimal mrr, string status)
    {
        var s = new DemoSubscription { No = _nextSubscription++, Product = product, Plan = plan, Start = start, MrrUsd = mrr, Status = status };
        a.Subscriptions.Add(s);
        return s;
    }

    private void WriteHistory(DemoAccount a, DemoSink sink)
    {
        var created = DateOnly.FromDateTime(a.CreatedAt);
        foreach (var s in a.Subscriptions)
        {
            var modified = (s.End ?? s.Start).ToDateTime(new TimeOnly(9, 30));
            sink.Add("billing", "subscriptions", SubscriptionHeader, SubscriptionRow(a, s, modified));
        }

        WriteInvoices(a, sink);
        WriteContacts(a, sink, a.CreatedAt.AddDays(1));
        WriteOpportunities(a, sink, created, a.Group switch { 0 => _rng.Next(2, 6), 1 => _rng.Next(4, 9), 2 => _rng.Next(1, 3), 3 => _rng.Next(1, 3), _ => _rng.Next(1, 4) });
        WriteActivities(a, sink);
        WriteSurvey(a, sink);
        _people.Answers(a, sink, ResponseHeader, _idPrefix);
    }

    private void WriteInvoices(DemoAccount a, DemoSink sink)
    {
        var first = a.Subscriptions.Count == 0 ? _req.AsOf : a.Subscriptions.Min(s => s.Start);
        // Months counted from year 0 (year * 12 + month - 1), from the later of history start and first subscription.
        for (var ym = Math.Max(_historyStart.Year * 12 + _historyStart.Month - 1, first.Year * 12 + first.Month - 1); ; ym++)
        {
            var day = new DateOnly(ym / 12, ym % 12 + 1, a.BillingDay);
            if (day > _req.AsOf) break;
            WriteInvoice(a, day, sink, _req.AsOf);
        }
    }

    private void WriteInvoice(DemoAccount a, DateOnly day, DemoSink sink, DateOnly knownOn)
    {
        var usd = a.Subscriptions.Where(s => s.BilledOn(day)).Sum(s => s.MrrUsd);
        if (usd <= 0) return;

        // Seasonality: usage overage peaks in Q4 and dips in summer.
        var season = day.Month switch { 11 or 12 => 1.15, 7 or 8 => 0.93, _ => 1.0 };
        usd *= (decimal)(season + (_rng.NextDouble() * 0.06));
        var due = day.AddDays(30);
        var late = a.Group == 2 ? _rng.NextDouble() < 0.55 : _rng.NextDouble() < 0.04;
        DateOnly? paid = late ? due.AddDays(_rng.Next(5, 76)) : day.AddDays(_rng.Next(3, 29));
        var status = "Paid";
        if (paid > knownOn) { paid = null; status = "Open"; }
        if (_rng.NextDouble() < 0.005) { status = "Void"; paid = null; }
        if (a.Group == 3 && paid is null && status == "Open" && due < knownOn && _rng.NextDouble() < 0.5) status = "WrittenOff";
        var local = Math.Round(usd / (decimal)Rate(a.Currency, day), 2);
        var modified = (paid ?? day).ToDateTime(new TimeOnly(6, 0)).AddMinutes(_rng.Next(0, 600));
        var subscription = a.Subscriptions.FirstOrDefault(s => s.BilledOn(day))?.Id;
        sink.Add("billing", "invoices", InvoiceHeader,
        [
            $"INV-{a.No:D6}-{day:yyyyMMdd}", a.Id, subscription, D(day), D(due), paid is { } p ? D(p) : null,
            local.ToString(CultureInfo.InvariantCulture), a.Currency == "USD" && _rng.NextDouble() < 0.5 ? null : a.Currency, status, Ts(modified),
        ]);
    }

    private void WriteContacts(DemoAccount a, DemoSink sink, DateTime at)
    {
        var n = a.Group switch { 0 => _rng.Next(8, 16), 1 => _rng.Next(4, 10), 2 => _rng.Next(2, 6), 3 => _rng.Next(1, 5), _ => _rng.Next(1, 4) };
        for (var i = 0; i < n; i++)
        {
            var created = at.AddDays(_rng.Next(0, 30));
            var id = $"CON-{_idPrefix}{_nextContact++:D7}";
            // The draws the accounts' stream always made for a contact, so that every later account-level draw is unchanged.
            _ = (Pick(DemoLists.JobRoles), Pick(Core.SourceEntities.Seniorities), Pick(DemoLists.Departments), _rng.NextDouble());
            var c = _people.NewContact(a, id);
            sink.Add("crm", "contacts", ContactHeader,
            [
                id, a.Id, c.JobRole, c.Seniority, c.Department, c.IsDecisionMaker ? "1" : "0", Ts(created), Ts(created.AddHours(1)), "0",
            ]);
        }
    }

    private void WriteOpportunities(DemoAccount a, DemoSink sink, DateOnly from, int n)
    {
        for (var i = 0; i < n; i++)
        {
            var open = a.Group switch { 1 => i < 3, 4 => true, 0 => i == 0, _ => false };
            var stage = open
                ? Pick(["Prospecting", "Qualification", "Proposal", "Negotiation"])
                : a.Group == 3 ? "ClosedLost" : (_rng.NextDouble() < 0.8 ? "ClosedWon" : "ClosedLost");
            var span = Math.Max(1, _req.AsOf.DayNumber - Math.Max(from.DayNumber, _historyStart.DayNumber));
            var created = (a.Group == 1 && !open ? _req.AsOf.AddDays(-_rng.Next(30, 330)) : DateOnly.FromDayNumber(_req.AsOf.DayNumber - _rng.Next(0, span)))
                .ToDateTime(new TimeOnly(_rng.Next(8, 18), 0));
            if (created > _req.AsOf.ToDateTime(TimeOnly.MinValue) && from <= _req.AsOf) created = _req.AsOf.ToDateTime(TimeOnly.MinValue).AddHours(-6);
            DateOnly? close = open ? null : DateOnly.FromDateTime(created).AddDays(_rng.Next(10, 60));
            if (close > _req.AsOf) close = _req.AsOf;
            var usd = a.Group switch { 0 => Money(5000, 40000), 1 => Money(8000, 60000), 4 => Money(2000, 15000), _ => Money(1000, 8000) };
            var amount = Math.Round(usd / (decimal)Rate(a.Currency, DateOnly.FromDateTime(created)), 2);
            var id = $"OPP-{_idPrefix}{_nextOpportunity++:D7}";
            var drawn = Pick(DemoLists.Products);
            var product = open ? _people.Pursued(a, drawn) : drawn;
            sink.Add("crm", "opportunities", OpportunityHeader,
            [
                id, a.Id, product, stage, amount.ToString(CultureInfo.InvariantCulture), a.Currency,
                Ts(created), close is { } c ? D(c) : null, Ts(close?.ToDateTime(new TimeOnly(17, 0)) ?? created.AddDays(2)), "0",
            ]);
            if (open)
            {
                a.OpenOpportunityProducts.Add(product);
            }

            _people.DealRoles(a, sink, id, created);
        }
    }

    private void WriteActivities(DemoAccount a, DemoSink sink)
    {
        var n = a.Group switch { 0 => _rng.Next(20, 41), 1 => _rng.Next(30, 51), 2 => _rng.Next(5, 16), 3 => _rng.Next(3, 10), _ => _rng.Next(6, 19) };
        var from = Math.Max(DateOnly.FromDateTime(a.CreatedAt).DayNumber, _historyStart.DayNumber);
        for (var i = 0; i < n; i++)
        {
            // Churned accounts went quiet a year ago; prospects are all recent.
            var to = a.Group == 3 ? Math.Max(from + 1, _req.AsOf.DayNumber - 365) : _req.AsOf.DayNumber;
            var dayNo = a.Group == 4 ? Math.Max(from, _req.AsOf.DayNumber - _rng.Next(0, 150)) : _rng.Next(Math.Min(from, to - 1), to);
            var at = DateOnly.FromDayNumber(dayNo).ToDateTime(new TimeOnly(_rng.Next(8, 19), _rng.Next(0, 60)));
            var id = $"ACT-{_idPrefix}{_nextActivity++:D8}";
            var (contact, type) = _people.Activity(a, Pick(DemoLists.ActivityTypes));
            sink.Add("crm", "activities", ActivityHeader, [id, a.Id, type, Ts(at), Ts(at.AddMinutes(30)), "0", contact]);
        }
    }

    private void WriteSurvey(DemoAccount a, DemoSink sink)
    {
        if (_rng.NextDouble() >= 0.85) return;
        var (priority, intent, attitude, nps) = a.Group switch
        {
            0 => (Lean(["compliance", "service"], ["cost", "innovation", "growth"]), Lean(["no", "unsure"], ["yes"]), Lean(["conservative", "pragmatist"], ["early_adopter"]), _rng.Next(7, 11)),
            1 => (Lean(["growth", "innovation"], ["cost", "service"]), Lean(["yes"], ["unsure"]), Lean(["early_adopter"], ["pragmatist"]), _rng.Next(8, 11)),
            2 => (Lean(["cost"], ["service", "growth"]), Lean(["unsure", "no"], ["yes"]), Lean(["pragmatist"], ["conservative"]), _rng.Next(3, 8)),
            3 => (Lean(["cost", "service"], ["compliance"]), Lean(["no"], ["unsure"]), Lean(["conservative"], ["pragmatist"]), _rng.Next(0, 6)),
            _ => (Lean(["innovation", "growth"], ["cost"]), Lean(["unsure"], ["yes", "no"]), Lean(["early_adopter", "pragmatist"], ["conservative"]), _rng.Next(5, 9)),
        };
        var at = DateOnly.FromDayNumber(Math.Max(DateOnly.FromDateTime(a.CreatedAt).DayNumber, _req.AsOf.DayNumber - _rng.Next(10, 200))).ToDateTime(new TimeOnly(14, 0));
        if (at > _req.AsOf.ToDateTime(TimeOnly.MinValue)) at = _req.AsOf.ToDateTime(TimeOnly.MinValue).AddHours(-2);
        if (_rng.NextDouble() < 0.1)
        {
            // An earlier answer that the later one replaces as the current attitude.
            var earlier = at.AddDays(-_rng.Next(100, 300));
            AddAnswer(a, sink, earlier, "priority", Pick(["cost", "innovation", "compliance", "service", "growth"]));
            AddAnswer(a, sink, earlier, "nps", _rng.Next(0, 11).ToString(CultureInfo.InvariantCulture));
        }

        AddAnswer(a, sink, at, "priority", priority);
        AddAnswer(a, sink, at, "expansion_intent", intent);
        AddAnswer(a, sink, at, "innovation_attitude", attitude);
        AddAnswer(a, sink, at, "nps", nps.ToString(CultureInfo.InvariantCulture));
        if (_rng.NextDouble() < 0.3) AddAnswer(a, sink, at, "preferred_channel", Pick(["email", "phone", "events", "partner"]));
    }

    private void AddAnswer(DemoAccount a, DemoSink sink, DateTime at, string question, string answer) =>
        sink.Add("survey", "responses", ResponseHeader, [$"RSP-{_idPrefix}{_nextResponse++:D8}", a.Id, Ts(at), question, answer, Ts(at.AddMinutes(1)), "0", null]);

    /// <summary>One day of change after the base (or the previous increment): new customers, firmographic changes, that day's invoices, churn.</summary>
    private void Advance(int k, DemoSink sink)
    {
        var day = _req.AsOf.AddDays(k);
        _idPrefix = $"{k:D3}-";
        // Not HashCode.Combine: it is seeded per process, and the same seed must give the same files on every run.
        var rng = new Random(unchecked((_req.Seed * 1_000_003) + (k * 7_919)));
        WriteFx(sink, new DateOnly(day.Year, day.Month, 1), new DateOnly(day.Year, day.Month, 1));

        var changes = Math.Max(1, _req.Customers / 100);
        var live = _accounts.Where(a => !a.Deleted).ToList();
        foreach (var a in live.OrderBy(_ => rng.Next()).Take(changes))
        {
            // Always a real firmographic change: the company grows a band, or its revenue band moves.
            if (a.EmployeeBand < SourceBands.Length - 1) a.EmployeeBand++;
            else if (a.RevenueBand < DemoLists.RevenueBands.Length - 1) a.RevenueBand++;
            else a.RevenueBand--;
            sink.Add("crm", "accounts", AccountHeader, AccountRow(a, day.ToDateTime(new TimeOnly(9, 0)).AddMinutes(rng.Next(0, 480)), false));
        }

        foreach (var a in live.Where(a => a.Group is 0 or 1 or 2).OrderBy(_ => rng.Next()).Take(Math.Max(1, _req.Customers / 300)))
        {
            foreach (var s in a.Subscriptions.Where(s => s.End is null))
            {
                s.End = day;
                s.Status = "Cancelled";
                sink.Add("billing", "subscriptions", SubscriptionHeader, SubscriptionRow(a, s, day.ToDateTime(new TimeOnly(16, 0))));
            }
        }

        if (day.Day <= 28)
        {
            foreach (var a in live.Where(a => a.BillingDay == day.Day))
            {
                WriteInvoice(a, day, sink, day);
            }
        }

        CreateAccounts(Math.Max(1, _req.Customers / 200), sink, createdOn: day);
    }

    private void AddBadRows(DemoSink sink)
    {
        // Each broken row has a key of its own, so no good row depends on it.
        var acct = _accounts.First(a => !a.Deleted).Id;
        var created = Ts(_req.AsOf.ToDateTime(new TimeOnly(8, 0)));
        for (var i = 1; i <= _req.BadRows; i++)
        {
            var id = $"BAD-{_req.Increment:D3}-{i:D5}";
            switch ((i - 1) % 10)
            {
                case 0: sink.Add("crm", "accounts", AccountHeader, [id, null, "Software", "Germany", "Europe", "11-50", "1M-10M", created, created, "0"]); break;
                case 1: sink.Add("crm", "accounts", AccountHeader, [id, "Broken Band Ltd", "Retail", "France", "Europe", "huge", "<1M", created, created, "0"]); break;
                case 2: sink.Add("crm", "contacts", ContactHeader, [id, "ACC-X99999", "CFO", "Senior", "Finance", "1", created, created, "0"]); break;
                case 3: sink.Add("crm", "contacts", ContactHeader, [id, acct, "Intern", "Intern", "IT", "0", created, created, "0"]); break;
                case 4: sink.Add("billing", "invoices", InvoiceHeader, [id, acct, null, D(_req.AsOf), D(_req.AsOf.AddDays(30)), null, "12,50", "USD", "Open", created]); break;
                case 5: sink.Add("billing", "invoices", InvoiceHeader, [id, acct, null, "2026-02-30", D(_req.AsOf), null, "100.00", "USD", "Pending", created]); break;
                case 6: sink.Add("billing", "subscriptions", SubscriptionHeader, [id, acct, "Analytics", "Starter", D(_req.AsOf), null, "99.00", "XYZ", "Active", created, "0"]); break;
                case 7: sink.Add("crm", "opportunities", OpportunityHeader, [id, acct, "Analytics", "Won", "1000", "USD", created, null, created, "0"]); break;
                case 8: sink.Add("crm", "activities", ActivityHeader, [id, acct, "Call", "yesterday", created, "0", null]); break;
                default: sink.Add("survey", "responses", ResponseHeader, [id, acct, created, "priority", null, created, "0", null]); break;
            }
        }
    }

    private void WriteFx(DemoSink sink, DateOnly from, DateOnly to)
    {
        for (var m = from; m <= to; m = m.AddMonths(1))
        {
            foreach (var c in DemoLists.BaseRates.Keys.Order(StringComparer.Ordinal))
            {
                sink.Add("billing", "fx_rates", FxHeader, [c, D(m), Rate(c, m).ToString("0.########", CultureInfo.InvariantCulture)]);
            }
        }
    }

    /// <summary>USD per unit in the month of <paramref name="d"/>: a smooth deterministic wander around the base rate.</summary>
    private static double Rate(string currency, DateOnly d)
    {
        if (currency == "USD") return 1.0;
        var m = d.Year * 12 + d.Month;
        var phase = currency.Sum(ch => ch) % 17;
        return Math.Round(DemoLists.BaseRates[currency] * (1 + 0.05 * Math.Sin((m + phase) / 5.0)), 8);
    }

    private void WriteTruth(string path)
    {
        using var w = new StreamWriter(path, false, new UTF8Encoding(false)) { NewLine = "\n" };
        w.WriteLine("AccountId,Group");
        foreach (var a in _accounts.Where(a => !a.Deleted))
        {
            w.WriteLine($"{a.Id},{DemoGroups.All[a.Group].Name}");
        }
    }

    private int PickGroup()
    {
        var x = _rng.NextDouble();
        for (var g = 0; g < DemoGroups.Count; g++)
        {
            x -= DemoGroups.All[g].Share;
            if (x < 0) return g;
        }

        return DemoGroups.Count - 1;
    }

    private (string Country, string Region, string Currency, double Weight) PickCountry()
    {
        var x = _rng.NextDouble();
        foreach (var c in DemoLists.Countries)
        {
            x -= c.Weight;
            if (x < 0) return c;
        }

        return DemoLists.Countries[0];
    }

    private string Lean(string[] typical, string[] other) => _rng.NextDouble() < 0.75 ? Pick(typical) : Pick(other);

    private T Pick<T>(T[] items) => items[_rng.Next(items.Length)];

    private decimal Money(int min, int max) => Math.Round((decimal)(min + _rng.NextDouble() * (max - min)), 2);

    private static string D(DateOnly d) => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    internal static string Ts(DateTime t) => t.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private static string[] SourceBands => Core.SourceEntities.EmployeeBands;

    private static string?[] AccountRow(DemoAccount a, DateTime modified, bool deleted) =>
    [
        a.Id, a.Name, a.Industry, a.Country, a.Region, SourceBands[a.EmployeeBand], DemoLists.RevenueBands[a.RevenueBand],
        Ts(a.CreatedAt), Ts(modified), deleted ? "1" : "0",
    ];

    private static string?[] SubscriptionRow(DemoAccount a, DemoSubscription s, DateTime modified) =>
    [
        s.Id, a.Id, s.Product, s.Plan, D(s.Start), s.End is { } e ? D(e) : null,
        Math.Round(s.MrrUsd / (decimal)Rate(a.Currency, s.Start), 2).ToString(CultureInfo.InvariantCulture), a.Currency, s.Status, Ts(modified), "0",
    ];

    private const string AccountHeader = "AccountId,Name,Industry,Country,Region,EmployeeBand,AnnualRevenueBand,CreatedAt,ModifiedAt,IsDeleted";
    private const string ContactHeader = "ContactId,AccountId,JobRole,Seniority,Department,IsDecisionMaker,CreatedAt,ModifiedAt,IsDeleted";
    private const string OpportunityHeader = "OpportunityId,AccountId,Product,Stage,Amount,Currency,CreatedAt,CloseDate,ModifiedAt,IsDeleted";
    private const string ActivityHeader = "ActivityId,AccountId,Type,OccurredAt,ModifiedAt,IsDeleted,ContactId";
    private const string SubscriptionHeader = "SubscriptionId,AccountId,Product,Plan,StartDate,EndDate,Mrr,Currency,Status,ModifiedAt,IsDeleted";
    private const string InvoiceHeader = "InvoiceId,AccountId,SubscriptionId,InvoiceDate,DueDate,PaidDate,Amount,Currency,Status,ModifiedAt";
    private const string FxHeader = "Currency,Date,Rate";
    private const string ResponseHeader = "ResponseId,AccountId,RespondedAt,Question,Answer,ModifiedAt,IsDeleted,ContactId";
}

/// <summary>
/// Streams rows per entity file as RFC 4180 CSV (LF line ends, no BOM): each row is written as it comes, to a
/// temporary file that <see cref="Flush"/> moves into place, so memory does not grow with the rows written.
/// </summary>
internal sealed class DemoSink
{
    public static readonly DemoSink Null = new(null, "");
    private readonly string? _root;
    private readonly string _suffix;
    private readonly Dictionary<string, OpenFile> _files = new(StringComparer.Ordinal);

    public DemoSink(string? root, string suffix)
    {
        _root = root;
        _suffix = suffix;
    }

    public void Add(string folder, string entity, string header, string?[] row)
    {
        if (_root is null) return;
        if (!_files.TryGetValue(entity, out var f))
        {
            var dir = Path.Combine(_root, folder);
            Directory.CreateDirectory(dir);
            var name = $"{entity}-{_suffix}.csv";
            var path = Path.Combine(dir, name);
            var writer = new StreamWriter(path + ".tmp", false, new UTF8Encoding(false), 1 << 16) { NewLine = "\n" };
            writer.WriteLine(header);
            f = new OpenFile($"{folder}/{name}", path, writer);
            _files[entity] = f;
        }

        for (var i = 0; i < row.Length; i++)
        {
            if (i > 0) f.Writer.Write(',');
            f.Writer.Write(Csv.Escape(row[i]));
        }

        f.Writer.WriteLine();
        f.Rows++;
    }

    public List<(string File, long Rows)> Flush()
    {
        var written = new List<(string, long)>();
        foreach (var (_, f) in _files.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            f.Writer.Dispose();
            File.Move(f.Path + ".tmp", f.Path, overwrite: true);
            written.Add((f.Name, f.Rows));
        }

        _files.Clear();
        return written;
    }

    private sealed class OpenFile(string name, string path, StreamWriter writer)
    {
        public string Name { get; } = name;

        public string Path { get; } = path;

        public StreamWriter Writer { get; } = writer;

        public long Rows { get; set; }
    }
}
