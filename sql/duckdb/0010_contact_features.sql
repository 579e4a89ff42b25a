-- Contact features: one row per current contact of a current customer, as of the last committed sync. The
-- 12-month window is the twelve whole months before the as-of month, as for dw.CustomerFeatures. A count is
-- NULL while no source row names a contact at all (no activity with a ContactId, no opportunity_contacts), and
-- a number otherwise. dw.ContactProduct relates each such contact to the products of its account.
-- Never edit after release. The SQL Server twin is sql/sqlserver/0010_*.sql.
CREATE VIEW dw.ContactFeatures AS
WITH p AS (
    SELECT AsOfDay, CAST(date_trunc('month', AsOfDay) AS DATE) AS M0, CAST(date_trunc('month', AsOfDay) - INTERVAL 12 MONTH AS DATE) AS W0
    FROM (SELECT AsOfDate AS AsOfDay FROM ops.Batch WHERE Status = 'Committed' ORDER BY BatchId DESC LIMIT 1) b),
has AS (
    SELECT EXISTS (SELECT 1 FROM dw.FactActivity WHERE ContactId IS NOT NULL) AS act,
           EXISTS (SELECT 1 FROM stg.OpportunityContact) AS deal),
act AS (
    SELECT a.ContactId, count(*) AS N,
           count(*) FILTER (WHERE a.Type = 'Email') AS Emails, count(*) FILTER (WHERE a.Type = 'Call') AS Calls,
           count(*) FILTER (WHERE a.Type = 'Meeting') AS Meetings, count(*) FILTER (WHERE a.Type = 'Webinar') AS Webinars,
           count(*) FILTER (WHERE a.Type = 'SupportTicket') AS SupportTickets
    FROM dw.FactActivity a, p
    WHERE a.ContactId IS NOT NULL AND a.OccurredAt >= p.W0 AND a.OccurredAt < p.M0
    GROUP BY a.ContactId),
deal AS (
    SELECT r.ContactId, count(DISTINCT r.OpportunityId) AS N,
           count(*) FILTER (WHERE r.Role = 'DecisionMaker') AS DecisionMaker, count(*) FILTER (WHERE r.Role = 'EconomicBuyer') AS EconomicBuyer,
           count(*) FILTER (WHERE r.Role = 'Influencer') AS Influencer, count(*) FILTER (WHERE r.Role = 'Champion') AS Champion,
           count(*) FILTER (WHERE r.Role = 'User') AS UserRole,
           count(*) FILTER (WHERE r.Role NOT IN ('DecisionMaker', 'EconomicBuyer', 'Influencer', 'Champion', 'User')) AS OtherRole
    FROM dw.vOpportunityContact r JOIN dw.FactOpportunity o ON o.OpportunityId = r.OpportunityId, p
    WHERE o.CreatedAt >= p.W0 AND o.CreatedAt < p.M0
    GROUP BY r.ContactId),
srv AS (
    SELECT ContactId,
           arg_max(Answer, RespondedAt) FILTER (WHERE Question = 'goal') AS Goal,
           arg_max(Answer, RespondedAt) FILTER (WHERE Question = 'challenge') AS Challenge,
           arg_max(Answer, RespondedAt) FILTER (WHERE Question = 'channel') AS Channel
    FROM dw.FactSurveyAnswer WHERE ContactId IS NOT NULL GROUP BY ContactId)
SELECT c.ContactId, c.AccountId, p.AsOfDay AS AsOfDate, c.JobRole, c.Seniority, c.Department, c.IsDecisionMaker,
       CASE WHEN has.act THEN COALESCE(act.N, 0) END AS Activities12m,
       CASE WHEN has.act THEN COALESCE(act.Emails, 0) END AS Emails12m,
       CASE WHEN has.act THEN COALESCE(act.Calls, 0) END AS Calls12m,
       CASE WHEN has.act THEN COALESCE(act.Meetings, 0) END AS Meetings12m,
       CASE WHEN has.act THEN COALESCE(act.Webinars, 0) END AS Webinars12m,
       CASE WHEN has.act THEN COALESCE(act.SupportTickets, 0) END AS SupportTickets12m,
       CASE WHEN has.deal THEN COALESCE(deal.N, 0) END AS Opportunities12m,
       CASE WHEN has.deal THEN COALESCE(deal.DecisionMaker, 0) END AS DecisionMakerRoles12m,
       CASE WHEN has.deal THEN COALESCE(deal.EconomicBuyer, 0) END AS EconomicBuyerRoles12m,
       CASE WHEN has.deal THEN COALESCE(deal.Influencer, 0) END AS InfluencerRoles12m,
       CASE WHEN has.deal THEN COALESCE(deal.Champion, 0) END AS ChampionRoles12m,
       CASE WHEN has.deal THEN COALESCE(deal.UserRole, 0) END AS UserRoles12m,
       CASE WHEN has.deal THEN COALESCE(deal.OtherRole, 0) END AS OtherRoles12m,
       srv.Goal, srv.Challenge, srv.Channel
FROM dw.DimContact c
JOIN dw.DimCustomer d ON d.AccountId = c.AccountId AND d.IsCurrent
CROSS JOIN p CROSS JOIN has
LEFT JOIN act ON act.ContactId = c.ContactId
LEFT JOIN deal ON deal.ContactId = c.ContactId
LEFT JOIN srv ON srv.ContactId = c.ContactId;

-- Each current contact of a current customer and each product its account relates to, as of the last committed
-- sync: Holds (a subscription active that day: started, not ended, not cancelled), else Pursues (an open
-- opportunity for it), else Dropped (a subscription that started before and is no longer active).
CREATE VIEW dw.ContactProduct AS
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
SELECT c.ContactId, c.AccountId, r.Product,
       CASE WHEN r.Holds THEN 'Holds' WHEN r.Pursues THEN 'Pursues' ELSE 'Dropped' END AS Relation
FROM dw.DimContact c
JOIN dw.DimCustomer d ON d.AccountId = c.AccountId AND d.IsCurrent
JOIN rel r ON r.AccountId = c.AccountId
WHERE r.Holds OR r.Pursues OR r.Started;
