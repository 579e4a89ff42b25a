-- Product personas published: a partitioned model's runs name their family (the definition) and product; contacts'
-- memberships, golden personas (personas that recur across products), the portfolio map (personas by product, with
-- gaps and overlaps) and buying units (each account's personas and roles). The account views show the family as
-- Model and a new last column Product (NULL for account layers). Never edit after release. The DuckDB twin is
-- sql/duckdb/0013_*.sql.
ALTER TABLE seg.ModelRun ADD Family NVARCHAR(100);
ALTER TABLE seg.ModelRun ADD Product NVARCHAR(200);

CREATE TABLE seg.ContactSegment (
    RunId            BIGINT        NOT NULL,
    Model            NVARCHAR(100)  NOT NULL,
    Product          NVARCHAR(200)  NOT NULL,
    ContactId        NVARCHAR(64)   NOT NULL,
    AccountId        NVARCHAR(64)   NOT NULL,
    SegmentKey       BIGINT        NOT NULL,
    Probability      FLOAT        NOT NULL
);

CREATE TABLE seg.GoldenPersona (
    GoldenKey        BIGINT        NOT NULL PRIMARY KEY,
    Name             NVARCHAR(200)  NOT NULL,
    Description      NVARCHAR(2000) NOT NULL,
    Products         NVARCHAR(2000) NOT NULL,
    Personas         INTEGER       NOT NULL,
    Contacts         BIGINT        NOT NULL,
    Accounts         BIGINT        NOT NULL,
    Revenue          FLOAT        NOT NULL
);

CREATE TABLE seg.GoldenPersonaMember (
    GoldenKey        BIGINT        NOT NULL,
    Product          NVARCHAR(200)  NOT NULL,
    SegmentKey       BIGINT        NOT NULL
);

CREATE TABLE seg.PortfolioMap (
    GoldenKey          BIGINT,
    SegmentKey         BIGINT,
    Persona            NVARCHAR(200)  NOT NULL,
    Product            NVARCHAR(200)  NOT NULL,
    Contacts           BIGINT        NOT NULL,
    Accounts           BIGINT        NOT NULL,
    AccountsHolding    BIGINT        NOT NULL,
    Penetration        FLOAT        NOT NULL,
    ProductPenetration FLOAT        NOT NULL,
    Revenue            FLOAT        NOT NULL,
    MarketSegmentMix   NVARCHAR(2000),
    CustomerSegmentMix NVARCHAR(2000),
    IsGap              BIT           NOT NULL,
    IsOverlap          BIT           NOT NULL,
    Flags              NVARCHAR(100)  NOT NULL
);

CREATE TABLE seg.BuyingUnit (
    AccountId        NVARCHAR(64)   NOT NULL PRIMARY KEY,
    Contacts         BIGINT        NOT NULL,
    DecisionMakers   BIGINT        NOT NULL,
    HasDecisionMaker BIT           NOT NULL,
    RolesCovered     INTEGER       NOT NULL,
    Roles            NVARCHAR(400)  NOT NULL,
    Personas         NVARCHAR(2000) NOT NULL,
    GoldenPersonas   NVARCHAR(2000) NOT NULL
);

GO
CREATE OR ALTER VIEW seg.vSegment AS
SELECT COALESCE(r.Family, s.Model) AS Model,
       s.SegmentKey AS SegmentKey,
       COALESCE(o.Name, s.Name) AS Name,
       COALESCE(o.Description, s.Description) AS Description,
       s.Population AS Population,
       s.Share AS Share,
       s.TrainingSupport AS TrainingSupport,
       s.Level AS Level,
       s.NodeUniqueName AS ClusterNode,
       s.IsRetired AS IsRetired,
       r.RunId AS RunId,
       r.ProcessedAt AS ProcessedAt,
       r.AsOfDate AS AsOfDate,
       r.Product AS Product
FROM seg.Segment s
JOIN seg.ModelRun r ON r.RunId = s.RunId AND r.IsCurrent = 1
LEFT JOIN seg.SegmentNameOverride o ON o.Model = COALESCE(r.Family, s.Model) AND o.SegmentKey = s.SegmentKey;

GO
CREATE OR ALTER VIEW seg.vSegmentCharacteristic AS
SELECT COALESCE(r.Family, s.Model) AS Model,
       x.SegmentKey AS SegmentKey,
       COALESCE(o.Name, s.Name) AS SegmentName,
       x.Attribute AS Attribute,
       x.Value AS Value,
       x.Probability AS Probability,
       x.Score AS Score,
       x.Rank AS Rank,
       r.Product AS Product
FROM seg.SegmentCharacteristic x
JOIN seg.ModelRun r ON r.RunId = x.RunId AND r.IsCurrent = 1
JOIN seg.Segment s ON s.RunId = x.RunId AND s.SegmentKey = x.SegmentKey
LEFT JOIN seg.SegmentNameOverride o ON o.Model = COALESCE(r.Family, s.Model) AND o.SegmentKey = s.SegmentKey;

GO
CREATE OR ALTER VIEW seg.vSegmentTrait AS
SELECT COALESCE(r.Family, s.Model) AS Model,
       t.SegmentKey AS SegmentKey,
       COALESCE(o.Name, s.Name) AS SegmentName,
       t.Attribute AS Attribute,
       t.Value AS Value,
       t.Phrase AS Phrase,
       t.MemberValue AS MemberValue,
       t.PopulationValue AS PopulationValue,
       t.Direction AS Direction,
       t.PValue AS PValue,
       t.EffectSize AS EffectSize,
       t.ComparedWithKey AS ComparedWithKey,
       t.InName AS InName,
       t.Rank AS Rank,
       r.Product AS Product
FROM seg.SegmentTrait t
JOIN seg.ModelRun r ON r.RunId = t.RunId AND r.IsCurrent = 1
JOIN seg.Segment s ON s.RunId = t.RunId AND s.SegmentKey = t.SegmentKey
LEFT JOIN seg.SegmentNameOverride o ON o.Model = COALESCE(r.Family, s.Model) AND o.SegmentKey = s.SegmentKey;

GO
CREATE OR ALTER VIEW seg.vSegmentMigration AS
SELECT COALESCE(r.Family, m.Model) AS Model,
       m.FromSegmentKey AS FromSegmentKey,
       m.ToSegmentKey AS ToSegmentKey,
       m.Customers AS Customers,
       m.PreviousRunId AS PreviousRunId,
       m.RunId AS RunId,
       r.Product AS Product
FROM seg.SegmentMigration m
JOIN seg.ModelRun r ON r.RunId = m.RunId AND r.IsCurrent = 1;

GO
CREATE VIEW seg.vContactSegment AS
SELECT COALESCE(r.Family, c.Model) AS Model,
       c.Product AS Product,
       c.ContactId AS ContactId,
       c.AccountId AS AccountId,
       c.SegmentKey AS SegmentKey,
       COALESCE(o.Name, s.Name) AS SegmentName,
       c.Probability AS Probability,
       g.GoldenKey AS GoldenKey,
       c.RunId AS RunId
FROM seg.ContactSegment c
JOIN seg.ModelRun r ON r.RunId = c.RunId AND r.IsCurrent = 1
JOIN seg.Segment s ON s.RunId = c.RunId AND s.SegmentKey = c.SegmentKey
LEFT JOIN seg.GoldenPersonaMember g ON g.SegmentKey = c.SegmentKey AND g.Product = c.Product
LEFT JOIN seg.SegmentNameOverride o ON o.Model = COALESCE(r.Family, c.Model) AND o.SegmentKey = c.SegmentKey;

GO
CREATE VIEW seg.vGoldenPersona AS
SELECT g.GoldenKey AS GoldenKey,
       g.Name AS Name,
       g.Description AS Description,
       g.Products AS Products,
       g.Personas AS Personas,
       g.Contacts AS Contacts,
       g.Accounts AS Accounts,
       g.Revenue AS Revenue
FROM seg.GoldenPersona g;

GO
CREATE VIEW seg.vPortfolioMap AS
SELECT p.GoldenKey AS GoldenKey,
       p.SegmentKey AS SegmentKey,
       p.Persona AS Persona,
       p.Product AS Product,
       p.Contacts AS Contacts,
       p.Accounts AS Accounts,
       p.AccountsHolding AS AccountsHolding,
       p.Penetration AS Penetration,
       p.ProductPenetration AS ProductPenetration,
       p.Revenue AS Revenue,
       p.MarketSegmentMix AS MarketSegmentMix,
       p.CustomerSegmentMix AS CustomerSegmentMix,
       p.IsGap AS IsGap,
       p.IsOverlap AS IsOverlap,
       p.Flags AS Flags
FROM seg.PortfolioMap p;

GO
CREATE VIEW seg.vBuyingUnit AS
SELECT b.AccountId AS AccountId,
       b.Contacts AS Contacts,
       b.DecisionMakers AS DecisionMakers,
       b.HasDecisionMaker AS HasDecisionMaker,
       b.RolesCovered AS RolesCovered,
       b.Roles AS Roles,
       b.Personas AS Personas,
       b.GoldenPersonas AS GoldenPersonas
FROM seg.BuyingUnit b;

GO
-- Each current customer's relation to each product it has held or pursued, as dw.ContactProduct relates contacts:
-- the portfolio map's penetration (the share of accounts holding a product) reads it.
CREATE VIEW dw.AccountProduct AS
WITH p AS (SELECT TOP (1) x.AsOfDate AS AsOfDay FROM ops.Batch AS x WHERE x.Status = N'Committed' ORDER BY x.BatchId DESC),
flags AS (
    SELECT s.AccountId, s.Product,
           CASE WHEN s.StartDate <= p.AsOfDay AND (s.EndDate IS NULL OR s.EndDate > p.AsOfDay) AND s.Status <> N'Cancelled' THEN 1 ELSE 0 END AS Holds,
           0 AS Pursues, CASE WHEN s.StartDate <= p.AsOfDay THEN 1 ELSE 0 END AS Started
    FROM dw.FactSubscription AS s CROSS JOIN p
    UNION ALL
    SELECT o.AccountId, o.Product, 0, 1, 0
    FROM dw.FactOpportunity AS o WHERE o.Stage NOT IN (N'ClosedWon', N'ClosedLost')),
rel AS (
    SELECT AccountId, Product, MAX(Holds) AS Holds, MAX(Pursues) AS Pursues, MAX(Started) AS Started
    FROM flags GROUP BY AccountId, Product)
SELECT r.AccountId, r.Product,
       CASE WHEN r.Holds = 1 THEN N'Holds' WHEN r.Pursues = 1 THEN N'Pursues' ELSE N'Dropped' END AS Relation
FROM rel AS r
JOIN dw.DimCustomer AS d ON d.AccountId = r.AccountId AND d.IsCurrent = 1
WHERE r.Holds = 1 OR r.Pursues = 1 OR r.Started = 1;

GO
-- Contacts relate to products through their account: one definition of the relation from now on.
CREATE OR ALTER VIEW dw.ContactProduct AS
SELECT c.ContactId, c.AccountId, a.Product, a.Relation
FROM dw.DimContact AS c
JOIN dw.AccountProduct AS a ON a.AccountId = c.AccountId;

GO
-- The product-persona case view, with what a person mostly does and the part they mostly take in deals
-- (MainActivity, MainDealRole: the most frequent type in 12 months, 'None' without any, NULL while the sources have
-- no contact-level activities or deal roles): a persona is a kind of person, whatever the size of their account, and
-- counts alone would split one kind of person by how busy their account is. Only with people data (contact-level
-- activities, deal roles or the contact's own answers): without any, the view is empty and the layer is skipped.
CREATE OR ALTER VIEW mining.vProductPersonasCase AS
SELECT p.ContactId, p.Product, p.AccountId, p.Relation,
       f.JobRole, f.Seniority, f.Department, f.IsDecisionMaker,
       f.Activities12m, f.Emails12m, f.Calls12m, f.Meetings12m, f.Webinars12m, f.SupportTickets12m,
       f.Opportunities12m, f.DecisionMakerRoles12m, f.EconomicBuyerRoles12m, f.InfluencerRoles12m, f.ChampionRoles12m,
       f.UserRoles12m, f.OtherRoles12m, f.Goal, f.Challenge, f.Channel,
       CASE WHEN f.Activities12m IS NULL THEN NULL WHEN f.Activities12m = 0 THEN N'None'
            WHEN f.Meetings12m >= f.Calls12m AND f.Meetings12m >= f.Webinars12m AND f.Meetings12m >= f.SupportTickets12m AND f.Meetings12m >= f.Emails12m THEN N'Meeting'
            WHEN f.Calls12m >= f.Webinars12m AND f.Calls12m >= f.SupportTickets12m AND f.Calls12m >= f.Emails12m THEN N'Call'
            WHEN f.Webinars12m >= f.SupportTickets12m AND f.Webinars12m >= f.Emails12m THEN N'Webinar'
            WHEN f.SupportTickets12m >= f.Emails12m THEN N'SupportTicket'
            ELSE N'Email' END AS MainActivity,
       CASE WHEN f.DecisionMakerRoles12m IS NULL THEN NULL WHEN f.Opportunities12m = 0 THEN N'None'
            WHEN f.DecisionMakerRoles12m >= f.EconomicBuyerRoles12m AND f.DecisionMakerRoles12m >= f.InfluencerRoles12m AND f.DecisionMakerRoles12m >= f.ChampionRoles12m AND f.DecisionMakerRoles12m >= f.UserRoles12m AND f.DecisionMakerRoles12m >= f.OtherRoles12m THEN N'DecisionMaker'
            WHEN f.EconomicBuyerRoles12m >= f.InfluencerRoles12m AND f.EconomicBuyerRoles12m >= f.ChampionRoles12m AND f.EconomicBuyerRoles12m >= f.UserRoles12m AND f.EconomicBuyerRoles12m >= f.OtherRoles12m THEN N'EconomicBuyer'
            WHEN f.InfluencerRoles12m >= f.ChampionRoles12m AND f.InfluencerRoles12m >= f.UserRoles12m AND f.InfluencerRoles12m >= f.OtherRoles12m THEN N'Influencer'
            WHEN f.ChampionRoles12m >= f.UserRoles12m AND f.ChampionRoles12m >= f.OtherRoles12m THEN N'Champion'
            WHEN f.UserRoles12m >= f.OtherRoles12m THEN N'User'
            ELSE N'Other' END AS MainDealRole
FROM dw.ContactProduct AS p
JOIN dw.ContactFeatures AS f ON f.ContactId = p.ContactId
WHERE p.Relation IN (N'Holds', N'Pursues')
  AND (f.Activities12m IS NOT NULL OR f.Opportunities12m IS NOT NULL OR f.Goal IS NOT NULL OR f.Challenge IS NOT NULL OR f.Channel IS NOT NULL);
