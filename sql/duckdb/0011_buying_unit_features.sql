-- The buying unit of each current customer: its contacts, decision makers, how many distinct deal roles its
-- contacts hold in current deal roles (NULL while there are no opportunity_contacts), and the share of its
-- contacts at Director, VP or C-level (NULL with no contacts). A view beside dw.CustomerFeatures, always as
-- current as the contacts and deal roles it reads. Never edit after release.
-- The SQL Server twin is sql/sqlserver/0011_*.sql.
CREATE VIEW dw.BuyingUnitFeatures AS
WITH con AS (
    SELECT AccountId, count(*) AS Contacts, count(*) FILTER (WHERE IsDecisionMaker) AS DecisionMakers,
           count(*) FILTER (WHERE Seniority IN ('Director', 'VP', 'C-level')) AS Senior
    FROM dw.DimContact GROUP BY AccountId),
role AS (
    SELECT c.AccountId, count(DISTINCT r.Role) AS Roles
    FROM dw.vOpportunityContact r JOIN dw.DimContact c ON c.ContactId = r.ContactId
    GROUP BY c.AccountId)
SELECT d.AccountId, COALESCE(con.Contacts, 0) AS Contacts, COALESCE(con.DecisionMakers, 0) AS DecisionMakers,
       CASE WHEN EXISTS (SELECT 1 FROM stg.OpportunityContact) THEN COALESCE(role.Roles, 0) END AS RolesCovered,
       CASE WHEN con.Contacts > 0 THEN CAST(con.Senior AS DOUBLE) / con.Contacts END AS SeniorShare
FROM dw.DimCustomer d
LEFT JOIN con ON con.AccountId = d.AccountId
LEFT JOIN role ON role.AccountId = d.AccountId
WHERE d.IsCurrent;
