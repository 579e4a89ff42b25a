namespace SegmentMiner.Xmla.Tests;

/// <summary>
/// What the product-persona layer must show after a demo run, checked against truth-contacts.csv (the planted
/// archetypes) and against figures computed here directly from the contact, deal-role and subscription tables.
/// </summary>
internal static class ProductPersonaChecks
{
    public static async Task AllAsync(DemoWarehouse w)
    {
        var truth = File.ReadLines(Path.Combine(w.Root, "truth-contacts.csv")).Skip(1).Select(l => l.Split(','))
            .ToDictionary(p => (Contact: p[0], Product: p[1]), p => p[2]);
        await ArchetypesRecoveredAsync(w, truth);
        await GoldenPersonasListThePlantedProductsAsync(w, truth);
        await EveryRelatedContactOncePerProductAsync(w);
        await CharacteristicsAreTheMembersSharesAsync(w);
        await PortfolioMapEqualsADirectComputationAsync(w);
        await BuyingUnitsEqualADirectCountAsync(w);
    }

    /// <summary>Per product, the personas against the planted archetypes: adjusted Rand index at least 0.8.</summary>
    private static async Task ArchetypesRecoveredAsync(DemoWarehouse w, Dictionary<(string Contact, string Product), string> truth)
    {
        var rows = await w.QueryAsync<(string Product, string ContactId, long SegmentKey)>("select Product, ContactId, SegmentKey from seg.vContactSegment");
        var products = rows.GroupBy(r => r.Product).ToList();
        Assert.That(products.Select(g => g.Key).Order(), Is.EqualTo(truth.Keys.Select(k => k.Product).Distinct().Order()), "a persona model per product of the truth");
        foreach (var g in products)
        {
            var ari = PublishTests.AdjustedRand(g.Select(r => r.SegmentKey.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToList(), g.Select(r => truth[(r.ContactId, g.Key)]).ToList());
            TestContext.Out.WriteLine($"product personas of {g.Key}: {g.Count()} contacts, ARI {ari:0.000} against truth-contacts.csv");
            Assert.That(ari, Is.GreaterThanOrEqualTo(0.8), g.Key);
        }
    }

    /// <summary>Every archetype planted in several products is one golden persona listing exactly those products; the others are not golden.</summary>
    private static async Task GoldenPersonasListThePlantedProductsAsync(DemoWarehouse w, Dictionary<(string Contact, string Product), string> truth)
    {
        var planted = truth.GroupBy(t => t.Value).ToDictionary(g => g.Key, g => string.Join(",", g.Select(t => t.Key.Product).Distinct().Order(StringComparer.Ordinal)));
        var golden = await w.QueryAsync<(long GoldenKey, string Name, string Products)>("select GoldenKey, Name, Products from seg.vGoldenPersona");
        var members = await w.QueryAsync<(long GoldenKey, string ContactId, string Product)>("select GoldenKey, ContactId, Product from seg.vContactSegment where GoldenKey is not null");
        var archetypeOf = members.GroupBy(m => m.GoldenKey).ToDictionary(g => g.Key, g => g.GroupBy(m => truth[(m.ContactId, m.Product)]).MaxBy(x => x.Count())!.Key);
        TestContext.Out.WriteLine(string.Join("\n", golden.Select(g => $"golden {g.GoldenKey} '{g.Name}' ({archetypeOf[g.GoldenKey]}): {g.Products}")));
        var expected = planted.Where(p => p.Value.Contains(',', StringComparison.Ordinal)).ToDictionary(p => p.Key, p => p.Value);
        Assert.That(golden.Select(g => archetypeOf[g.GoldenKey]), Is.EquivalentTo(expected.Keys), "one golden persona per archetype planted in several products");
        foreach (var g in golden)
        {
            Assert.That(g.Products, Is.EqualTo(expected[archetypeOf[g.GoldenKey]]), $"golden persona {g.GoldenKey} lists exactly the products its archetype was planted in");
        }
    }

    private static async Task EveryRelatedContactOncePerProductAsync(DemoWarehouse w)
    {
        var related = await w.QueryAsync<string>("select ContactId || '|' || Product from dw.ContactProduct where Relation in ('Holds', 'Pursues')");
        var published = await w.QueryAsync<string>("select ContactId || '|' || Product from seg.vContactSegment");
        Assert.That(published, Is.Unique, "one row per contact and product");
        Assert.That(published, Is.EquivalentTo(related), "every current contact of an account holding or pursuing a product, and only those");
    }

    /// <summary>The characteristics of every persona are its members' shares, from their rows of the case view.</summary>
    private static async Task CharacteristicsAreTheMembersSharesAsync(DemoWarehouse w)
    {
        var checks = await w.QueryAsync<(string Product, long SegmentKey, string Value, double Probability, double Share)>(
            """
            with m as (
                select c.Product, c.SegmentKey, v.JobRole, v.Department, v.MainActivity, v.Goal
                from seg.vContactSegment c join mining.vProductPersonasCase v on v.ContactId = c.ContactId and v.Product = c.Product),
            x as (select Product, SegmentKey, Attribute, Value, Probability from seg.vSegmentCharacteristic
                  where Model = 'product-personas' and Attribute in ('Job Role', 'Department', 'Main Activity', 'Goal'))
            select x.Product, x.SegmentKey, x.Attribute || ' = ' || x.Value, x.Probability,
                   (select avg(case when (case x.Attribute when 'Job Role' then m.JobRole when 'Department' then m.Department
                                                           when 'Main Activity' then m.MainActivity else m.Goal end) is not distinct from
                                         (case when x.Value = 'Missing' then null else x.Value end) then 1.0 else 0.0 end)
                    from m where m.Product = x.Product and m.SegmentKey = x.SegmentKey)
            from x
            """);
        Assert.That(checks, Has.Count.GreaterThan(20));
        foreach (var c in checks)
        {
            Assert.That(c.Probability, Is.EqualTo(c.Share).Within(0.005), $"{c.Product} persona {c.SegmentKey}: {c.Value}");
        }
    }

    /// <summary>seg.vPortfolioMap against the members and the subscriptions as of the last batch, counted here.</summary>
    private static async Task PortfolioMapEqualsADirectComputationAsync(DemoWarehouse w)
    {
        var direct = (await w.QueryAsync<(long? GoldenKey, long? SegmentKey, string Product, long Contacts, long Accounts, long Holding, double Revenue, double ProductPenetration, bool Active, double MultiProduct)>(
            """
            with cutoff as (select AsOfDate as d from ops.Batch where Status = 'Committed' order by BatchId desc limit 1),
            personas as (select Product, SegmentKey from seg.vSegment where Model = 'product-personas' and ClusterNode is not null and not IsRetired),
            members as (
                select g.GoldenKey, cast(null as bigint) as SegmentKey, c.ContactId, c.AccountId
                from seg.vContactSegment c join seg.GoldenPersonaMember g on g.SegmentKey = c.SegmentKey and g.Product = c.Product
                union all
                select null, c.SegmentKey, c.ContactId, c.AccountId
                from seg.vContactSegment c join personas p on p.Product = c.Product and p.SegmentKey = c.SegmentKey where c.GoldenKey is null),
            holds as (select distinct s.AccountId, s.Product from dw.FactSubscription s, cutoff
                      where s.StartDate <= cutoff.d and (s.EndDate is null or s.EndDate > cutoff.d) and s.Status <> 'Cancelled'),
            related as (select AccountId, count(distinct Product) as n from (
                          select AccountId, Product from holds
                          union select AccountId, Product from dw.FactOpportunity where Stage not in ('ClosedWon', 'ClosedLost')) group by AccountId),
            accounts as (select distinct GoldenKey, SegmentKey, AccountId from members),
            products as (select distinct Product from personas),
            per as (select GoldenKey, SegmentKey, count(distinct ContactId) as Contacts, count(distinct AccountId) as Accounts from members group by all)
            select per.GoldenKey, per.SegmentKey, p.Product, per.Contacts, per.Accounts,
                   (select count(*) from accounts a join holds h on h.AccountId = a.AccountId and h.Product = p.Product
                    where a.GoldenKey is not distinct from per.GoldenKey and a.SegmentKey is not distinct from per.SegmentKey),
                   (select coalesce(sum(f.Billed12m), 0) from accounts a join dw.CustomerFeatures f on f.AccountId = a.AccountId
                    where a.GoldenKey is not distinct from per.GoldenKey and a.SegmentKey is not distinct from per.SegmentKey),
                   (select count(*) from dw.CustomerFeatures f join holds h on h.AccountId = f.AccountId and h.Product = p.Product) * 1.0 / (select count(*) from dw.CustomerFeatures),
                   (select bool_or(not f.Attrited) from accounts a join dw.CustomerFeatures f on f.AccountId = a.AccountId
                    where a.GoldenKey is not distinct from per.GoldenKey and a.SegmentKey is not distinct from per.SegmentKey),
                   (select avg(case when r.n >= 2 then 1.0 else 0.0 end) from accounts a left join related r on r.AccountId = a.AccountId
                    where a.GoldenKey is not distinct from per.GoldenKey and a.SegmentKey is not distinct from per.SegmentKey)
            from per cross join products p
            """)).ToDictionary(r => (r.GoldenKey, r.SegmentKey, r.Product));
        var map = await w.QueryAsync<(long? GoldenKey, long? SegmentKey, string Product, long Contacts, long Accounts, long AccountsHolding, double Penetration, double ProductPenetration, double Revenue, bool IsGap, bool IsOverlap)>(
            "select GoldenKey, SegmentKey, Product, Contacts, Accounts, AccountsHolding, Penetration, ProductPenetration, Revenue, IsGap, IsOverlap from seg.vPortfolioMap");
        Assert.That(map.Select(r => (r.GoldenKey, r.SegmentKey, r.Product)), Is.EquivalentTo(direct.Keys), "a row per persona (golden, or a product's own) and product");
        var median = Median(direct.Values.DistinctBy(d => (d.GoldenKey, d.SegmentKey)).Select(d => (double)d.Contacts).ToList());
        foreach (var r in map)
        {
            var d = direct[(r.GoldenKey, r.SegmentKey, r.Product)];
            var where = $"persona {r.GoldenKey?.ToString() ?? "segment " + r.SegmentKey} in {r.Product}";
            Assert.That((r.Contacts, r.Accounts, r.AccountsHolding), Is.EqualTo((d.Contacts, d.Accounts, d.Holding)), where);
            Assert.That(r.Penetration, Is.EqualTo((double)d.Holding / d.Accounts).Within(1e-9), where);
            Assert.That(r.ProductPenetration, Is.EqualTo(d.ProductPenetration).Within(1e-9), where);
            Assert.That(r.Revenue, Is.EqualTo(d.Revenue).Within(1e-6 * Math.Max(1, d.Revenue)), where);
            Assert.That(r.IsGap, Is.EqualTo(d.Contacts >= median && (double)d.Holding / d.Accounts < 0.5 * d.ProductPenetration && d.Active), $"{where}: gap");
            Assert.That(r.IsOverlap, Is.EqualTo(d.MultiProduct >= 0.5), $"{where}: overlap");
        }
    }

    private static double Median(List<double> values)
    {
        var s = values.Order().ToList();
        return s.Count % 2 == 1 ? s[s.Count / 2] : (s[(s.Count / 2) - 1] + s[s.Count / 2]) / 2;
    }

    private static async Task BuyingUnitsEqualADirectCountAsync(DemoWarehouse w)
    {
        var direct = await w.QueryAsync<(string AccountId, long Contacts, long DecisionMakers, long Roles, bool DecisionMakerRole)>(
            """
            select f.AccountId,
                   (select count(*) from dw.DimContact c where c.AccountId = f.AccountId),
                   (select count(*) from dw.DimContact c where c.AccountId = f.AccountId and c.IsDecisionMaker),
                   (select count(distinct r.Role) from dw.vOpportunityContact r join dw.DimContact c on c.ContactId = r.ContactId where c.AccountId = f.AccountId),
                   exists (select 1 from dw.vOpportunityContact r join dw.DimContact c on c.ContactId = r.ContactId where c.AccountId = f.AccountId and r.Role = 'DecisionMaker')
            from dw.CustomerFeatures f order by f.AccountId
            """);
        var units = await w.QueryAsync<(string AccountId, long Contacts, long DecisionMakers, long RolesCovered, bool HasDecisionMaker)>(
            "select AccountId, Contacts, DecisionMakers, RolesCovered, HasDecisionMaker from seg.vBuyingUnit order by AccountId");
        Assert.That(units, Is.EqualTo(direct.Select(d => (d.AccountId, d.Contacts, d.DecisionMakers, d.Roles, d.DecisionMakers > 0 || d.DecisionMakerRole)).ToList()));
        Assert.That(units.Count(u => u.HasDecisionMaker), Is.GreaterThan(0).And.LessThan(units.Count), "some buying units have a known decision maker, not all");
    }
}
