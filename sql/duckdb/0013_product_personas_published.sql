-- Product personas published: a partitioned model's runs name their family (the definition) and product; contacts'
-- memberships, golden personas (personas that recur across products), the portfolio map (personas by product, with
-- gaps and overlaps) and buying units (each account's personas and roles). The account views show the family as
-- Model and a new last column Product (NULL for account layers). Never edit after release. The SQL Server twin is
-- sql/sqlserver/0013_*.sql.
ALTER TABLE seg.ModelRun ADD COLUMN Family VARCHAR(100);
ALTER TABLE seg.ModelRun ADD COLUMN Product VARCHAR(200);

CREATE TABLE seg.ContactSegment (
    RunId            BIGINT        NOT NULL,
    Model            VARCHAR(100)  NOT NULL,
    Product          VARCHAR(200)  NOT NULL,
    ContactId        VARCHAR(64)   NOT NULL,
    AccountId        VARCHAR(64)   NOT NULL,
    SegmentKey       BIGINT        NOT NULL,
    Probability      DOUBLE        NOT NULL
);

CREATE TABLE seg.GoldenPersona (
    GoldenKey        BIGINT        NOT NULL PRIMARY KEY,
    Name             VARCHAR(200)  NOT NULL,
    Description      VARCHAR(2000) NOT NULL,
    Products         VARCHAR(2000) NOT NULL,
    Personas         INTEGER       NOT NULL,
    Contacts         BIGINT        NOT NULL,
    Accounts         BIGINT        NOT NULL,
    Revenue          DOUBLE        NOT NULL
);

CREATE TABLE seg.GoldenPersonaMember (
    GoldenKey        BIGINT        NOT NULL,
    Product          VARCHAR(200)  NOT NULL,
    SegmentKey       BIGINT        NOT NULL
);

CREATE TABLE seg.PortfolioMap (
    GoldenKey          BIGINT,
    SegmentKey         BIGINT,
    Persona            VARCHAR(200)  NOT NULL,
    Product            VARCHAR(200)  NOT NULL,
    Contacts           BIGINT        NOT NULL,
    Accounts           BIGINT        NOT NULL,
    AccountsHolding    BIGINT        NOT NULL,
    Penetration        DOUBLE        NOT NULL,
    ProductPenetration DOUBLE        NOT NULL,
    Revenue            DOUBLE        NOT NULL,
    MarketSegmentMix   VARCHAR(2000),
    CustomerSegmentMix VARCHAR(2000),
    IsGap              BOOLEAN           NOT NULL,
    IsOverlap          BOOLEAN           NOT NULL,
    Flags              VARCHAR(100)  NOT NULL
);

CREATE TABLE seg.BuyingUnit (
    AccountId        VARCHAR(64)   NOT NULL PRIMARY KEY,
    Contacts         BIGINT        NOT NULL,
    DecisionMakers   BIGINT        NOT NULL,
    HasDecisionMaker BOOLEAN           NOT NULL,
    RolesCovered     INTEGER       NOT NULL,
    Roles            VARCHAR(400)  NOT NULL,
    Personas         VARCHAR(2000) NOT NULL,
    GoldenPersonas   VARCHAR(2000) NOT NULL
);

CREATE OR REPLACE VIEW seg.vSegment AS
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
JOIN seg.ModelRun r ON r.RunId = s.RunId AND r.IsCurrent
LEFT JOIN seg.SegmentNameOverride o ON o.Model = COALESCE(r.Family, s.Model) AND o.SegmentKey = s.SegmentKey;

CREATE OR REPLACE VIEW seg.vSegmentCharacteristic AS
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
JOIN seg.ModelRun r ON r.RunId = x.RunId AND r.IsCurrent
JOIN seg.Segment s ON s.RunId = x.RunId AND s.SegmentKey = x.SegmentKey
LEFT JOIN seg.SegmentNameOverride o ON o.Model = COALESCE(r.Family, s.Model) AND o.SegmentKey = s.SegmentKey;

CREATE OR REPLACE VIEW seg.vSegmentTrait AS
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
JOIN seg.ModelRun r ON r.RunId = t.RunId AND r.IsCurrent
JOIN seg.Segment s ON s.RunId = t.RunId AND s.SegmentKey = t.SegmentKey
LEFT JOIN seg.SegmentNameOverride o ON o.Model = COALESCE(r.Family, s.Model) AND o.SegmentKey = s.SegmentKey;

CREATE OR REPLACE VIEW seg.vSegmentMigration AS
SELECT COALESCE(r.Family, m.Model) AS Model,
       m.FromSegmentKey AS FromSegmentKey,
       m.ToSegmentKey AS ToSegmentKey,
       m.Customers AS Customers,
       m.PreviousRunId AS PreviousRunId,
       m.RunId AS RunId,
       r.Product AS Product
FROM seg.SegmentMigration m
JOIN seg.ModelRun r ON r.RunId = m.RunId AND r.IsCurrent;

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
JOIN seg.ModelRun r ON r.RunId = c.RunId AND r.IsCurrent
JOIN seg.Segment s ON s.RunId = c.RunId AND s.SegmentKey = c.SegmentKey
LEFT JOIN seg.GoldenPersonaMember g ON g.SegmentKey = c.SegmentKey AND g.Product = c.Product
LEFT JOIN seg.SegmentNameOverride o ON o.Model = COALESCE(r.Family, c.Model) AND o.SegmentKey = c.SegmentKey;

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

-- Each current customer's relation to each product it has held or pursued, as dw.ContactProduct relates contacts:
-- the portfolio map's penetration (the share of accounts holding a product) reads it.
CREATE VIEW dw.AccountProduct AS
WITH p AS (SELECT AsOfDate AS AsOfDay FROM ops.Batch WHERE Status = 'Committed' ORDER BY BatchId DESC LIMIT 1),
rel AS (
    SELECT AccountId, Product, bool_or(Holds) AS Holds, bool_or(Pursues) AS Pursues, bool_or(Started) AS Started FROM (
        SELECT s.AccountId, s.Product,
               s.StartDate <= p.AsOfDay AND (s.EndDate IS NULL OR s.EndDate > p.AsOfDay) AND s.Status <> 'Cancelled' AS Holds,
               FALSE AS Pursues, s.StartDate <= p.AsOfDay AS Started
        FROM dw.FactSubscription s, p
        UNION ALL
        SELECT o.AccountId, o.Product, FALSE, TRUE, FALSE
        FROM dw.FactOpportunity o WHERE o.Stage NOT IN ('ClosedWon', 'ClosedLost')) x
    GROUP BY AccountId, Product)
SELECT r.AccountId, r.Product,
       CASE WHEN r.Holds THEN 'Holds' WHEN r.Pursues THEN 'Pursues' ELSE 'Dropped' END AS Relation
FROM rel r
JOIN dw.DimCustomer d ON d.AccountId = r.AccountId AND d.IsCurrent
WHERE r.Holds OR r.Pursues OR r.Started;


-- Contacts relate to products through their account: one definition of the relation from now on.
CREATE OR REPLACE VIEW dw.ContactProduct AS
SELECT c.ContactId, c.AccountId, a.Product, a.Relation
FROM dw.DimContact c
JOIN dw.AccountProduct a ON a.AccountId = c.AccountId;

-- The product-persona case view, with what a person mostly does and the part they mostly take in deals
-- (MainActivity, MainDealRole: the most frequent type in 12 months, 'None' without any, NULL while the sources have
-- no contact-level activities or deal roles): a persona is a kind of person, whatever the size of their account, and
-- counts alone would split one kind of person by how busy their account is. Only with people data (contact-level
-- activities, deal roles or the contact's own answers): without any, the view is empty and the layer is skipped.
CREATE OR REPLACE VIEW mining.vProductPersonasCase AS
SELECT p.ContactId, p.Product, p.AccountId, p.Relation,
       f.JobRole, f.Seniority, f.Department, f.IsDecisionMaker,
       f.Activities12m, f.Emails12m, f.Calls12m, f.Meetings12m, f.Webinars12m, f.SupportTickets12m,
       f.Opportunities12m, f.DecisionMakerRoles12m, f.EconomicBuyerRoles12m, f.InfluencerRoles12m, f.ChampionRoles12m,
       f.UserRoles12m, f.OtherRoles12m, f.Goal, f.Challenge, f.Channel,
       CASE WHEN f.Activities12m IS NULL THEN NULL WHEN f.Activities12m = 0 THEN 'None'
            WHEN f.Meetings12m >= f.Calls12m AND f.Meetings12m >= f.Webinars12m AND f.Meetings12m >= f.SupportTickets12m AND f.Meetings12m >= f.Emails12m THEN 'Meeting'
            WHEN f.Calls12m >= f.Webinars12m AND f.Calls12m >= f.SupportTickets12m AND f.Calls12m >= f.Emails12m THEN 'Call'
            WHEN f.Webinars12m >= f.SupportTickets12m AND f.Webinars12m >= f.Emails12m THEN 'Webinar'
            WHEN f.SupportTickets12m >= f.Emails12m THEN 'SupportTicket'
            ELSE 'Email' END AS MainActivity,
       CASE WHEN f.DecisionMakerRoles12m IS NULL THEN NULL WHEN f.Opportunities12m = 0 THEN 'None'
            WHEN f.DecisionMakerRoles12m >= f.EconomicBuyerRoles12m AND f.DecisionMakerRoles12m >= f.InfluencerRoles12m AND f.DecisionMakerRoles12m >= f.ChampionRoles12m AND f.DecisionMakerRoles12m >= f.UserRoles12m AND f.DecisionMakerRoles12m >= f.OtherRoles12m THEN 'DecisionMaker'
            WHEN f.EconomicBuyerRoles12m >= f.InfluencerRoles12m AND f.EconomicBuyerRoles12m >= f.ChampionRoles12m AND f.EconomicBuyerRoles12m >= f.UserRoles12m AND f.EconomicBuyerRoles12m >= f.OtherRoles12m THEN 'EconomicBuyer'
            WHEN f.InfluencerRoles12m >= f.ChampionRoles12m AND f.InfluencerRoles12m >= f.UserRoles12m AND f.InfluencerRoles12m >= f.OtherRoles12m THEN 'Influencer'
            WHEN f.ChampionRoles12m >= f.UserRoles12m AND f.ChampionRoles12m >= f.OtherRoles12m THEN 'Champion'
            WHEN f.UserRoles12m >= f.OtherRoles12m THEN 'User'
            ELSE 'Other' END AS MainDealRole
FROM dw.ContactProduct p
JOIN dw.ContactFeatures f ON f.ContactId = p.ContactId
WHERE p.Relation IN ('Holds', 'Pursues')
  AND (f.Activities12m IS NOT NULL OR f.Opportunities12m IS NOT NULL OR f.Goal IS NOT NULL OR f.Challenge IS NOT NULL OR f.Channel IS NOT NULL);
