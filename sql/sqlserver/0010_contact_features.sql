-- Contact features: one row per current contact of a current customer, as of the last committed sync. The
-- 12-month window is the twelve whole months before the as-of month, as for dw.CustomerFeatures. A count is
-- NULL while no source row names a contact at all (no activity with a ContactId, no opportunity_contacts), and
-- a number otherwise. dw.ContactProduct relates each such contact to the products of its account.
-- Never edit after release. The DuckDB twin is sql/duckdb/0010_*.sql.
CREATE VIEW dw.ContactFeatures AS
WITH p AS (
    SELECT b.AsOfDay, DATEFROMPARTS(YEAR(b.AsOfDay), MONTH(b.AsOfDay), 1) AS M0, DATEADD(MONTH, -12, DATEFROMPARTS(YEAR(b.AsOfDay), MONTH(b.AsOfDay), 1)) AS W0
    FROM (SELECT TOP (1) x.AsOfDate AS AsOfDay FROM ops.Batch AS x WHERE x.Status = N'Committed' ORDER BY x.BatchId DESC) AS b),
has AS (
    SELECT CASE WHEN EXISTS (SELECT 1 FROM dw.FactActivity AS x WHERE x.ContactId IS NOT NULL) THEN 1 ELSE 0 END AS HasAct,
           CASE WHEN EXISTS (SELECT 1 FROM stg.OpportunityContact) THEN 1 ELSE 0 END AS HasDeal),
act AS (
    SELECT a.ContactId, COUNT(*) AS N,
           SUM(CASE WHEN a.Type = N'Email' THEN 1 ELSE 0 END) AS Emails, SUM(CASE WHEN a.Type = N'Call' THEN 1 ELSE 0 END) AS Calls,
           SUM(CASE WHEN a.Type = N'Meeting' THEN 1 ELSE 0 END) AS Meetings, SUM(CASE WHEN a.Type = N'Webinar' THEN 1 ELSE 0 END) AS Webinars,
           SUM(CASE WHEN a.Type = N'SupportTicket' THEN 1 ELSE 0 END) AS SupportTickets
    FROM dw.FactActivity AS a CROSS JOIN p
    WHERE a.ContactId IS NOT NULL AND a.OccurredAt >= p.W0 AND a.OccurredAt < p.M0
    GROUP BY a.ContactId),
deal AS (
    SELECT r.ContactId, COUNT(DISTINCT r.OpportunityId) AS N,
           SUM(CASE WHEN r.Role = N'DecisionMaker' THEN 1 ELSE 0 END) AS DecisionMaker, SUM(CASE WHEN r.Role = N'EconomicBuyer' THEN 1 ELSE 0 END) AS EconomicBuyer,
           SUM(CASE WHEN r.Role = N'Influencer' THEN 1 ELSE 0 END) AS Influencer, SUM(CASE WHEN r.Role = N'Champion' THEN 1 ELSE 0 END) AS Champion,
           SUM(CASE WHEN r.Role = N'User' THEN 1 ELSE 0 END) AS UserRole,
           SUM(CASE WHEN r.Role NOT IN (N'DecisionMaker', N'EconomicBuyer', N'Influencer', N'Champion', N'User') THEN 1 ELSE 0 END) AS OtherRole
    FROM dw.vOpportunityContact AS r JOIN dw.FactOpportunity AS o ON o.OpportunityId = r.OpportunityId CROSS JOIN p
    WHERE o.CreatedAt >= p.W0 AND o.CreatedAt < p.M0
    GROUP BY r.ContactId),
answers AS (
    SELECT s.ContactId, s.Question, s.Answer,
           ROW_NUMBER() OVER (PARTITION BY s.ContactId, s.Question ORDER BY s.RespondedAt DESC) AS Newest
    FROM dw.FactSurveyAnswer AS s WHERE s.ContactId IS NOT NULL AND s.Question IN (N'goal', N'challenge', N'channel')),
srv AS (
    SELECT ContactId,
           MAX(CASE WHEN Question = N'goal' THEN Answer END) AS Goal,
           MAX(CASE WHEN Question = N'challenge' THEN Answer END) AS Challenge,
           MAX(CASE WHEN Question = N'channel' THEN Answer END) AS Channel
    FROM answers WHERE Newest = 1 GROUP BY ContactId)
SELECT c.ContactId, c.AccountId, p.AsOfDay AS AsOfDate, c.JobRole, c.Seniority, c.Department, c.IsDecisionMaker,
       CASE WHEN has.HasAct = 1 THEN COALESCE(act.N, 0) END AS Activities12m,
       CASE WHEN has.HasAct = 1 THEN COALESCE(act.Emails, 0) END AS Emails12m,
       CASE WHEN has.HasAct = 1 THEN COALESCE(act.Calls, 0) END AS Calls12m,
       CASE WHEN has.HasAct = 1 THEN COALESCE(act.Meetings, 0) END AS Meetings12m,
       CASE WHEN has.HasAct = 1 THEN COALESCE(act.Webinars, 0) END AS Webinars12m,
       CASE WHEN has.HasAct = 1 THEN COALESCE(act.SupportTickets, 0) END AS SupportTickets12m,
       CASE WHEN has.HasDeal = 1 THEN COALESCE(deal.N, 0) END AS Opportunities12m,
       CASE WHEN has.HasDeal = 1 THEN COALESCE(deal.DecisionMaker, 0) END AS DecisionMakerRoles12m,
       CASE WHEN has.HasDeal = 1 THEN COALESCE(deal.EconomicBuyer, 0) END AS EconomicBuyerRoles12m,
       CASE WHEN has.HasDeal = 1 THEN COALESCE(deal.Influencer, 0) END AS InfluencerRoles12m,
       CASE WHEN has.HasDeal = 1 THEN COALESCE(deal.Champion, 0) END AS ChampionRoles12m,
       CASE WHEN has.HasDeal = 1 THEN COALESCE(deal.UserRole, 0) END AS UserRoles12m,
       CASE WHEN has.HasDeal = 1 THEN COALESCE(deal.OtherRole, 0) END AS OtherRoles12m,
       srv.Goal, srv.Challenge, srv.Channel
FROM dw.DimContact AS c
JOIN dw.DimCustomer AS d ON d.AccountId = c.AccountId AND d.IsCurrent = 1
CROSS JOIN p CROSS JOIN has
LEFT JOIN act ON act.ContactId = c.ContactId
LEFT JOIN deal ON deal.ContactId = c.ContactId
LEFT JOIN srv ON srv.ContactId = c.ContactId;
GO
-- Each current contact of a current customer and each product its account relates to, as of the last committed
-- sync: Holds (a subscription active that day: started, not ended, not cancelled), else Pursues (an open
-- opportunity for it), else Dropped (a subscription that started before and is no longer active).
CREATE VIEW dw.ContactProduct AS
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
SELECT c.ContactId, c.AccountId, r.Product,
       CASE WHEN r.Holds = 1 THEN N'Holds' WHEN r.Pursues = 1 THEN N'Pursues' ELSE N'Dropped' END AS Relation
FROM dw.DimContact AS c
JOIN dw.DimCustomer AS d ON d.AccountId = c.AccountId AND d.IsCurrent = 1
JOIN rel AS r ON r.AccountId = c.AccountId
WHERE r.Holds = 1 OR r.Pursues = 1 OR r.Started = 1;
