-- Contacts with type 2 history: a new period starts when the account, role, seniority, department or
-- decision-maker flag changes, or the contact comes back after a delete; a delete closes the open period.
-- Computed from the staged history of every contact, so a version that arrives late lands in its place.
-- dw.DimContact stays the current version of each contact. Never edit after release.
-- The SQL Server twin is sql/sqlserver/0009_*.sql.
CREATE VIEW dw.DimContactHistory AS
WITH v AS (
    SELECT c.ContactId, c.AccountId, c.JobRole, c.Seniority, c.Department, COALESCE(c.IsDecisionMaker, FALSE) AS IsDecisionMaker,
           c.ModifiedAt, c.IsDeleted,
           lag(c.IsDeleted) OVER w AS pDel, lag(c.AccountId) OVER w AS pAcc, lag(c.JobRole) OVER w AS pRole,
           lag(c.Seniority) OVER w AS pSen, lag(c.Department) OVER w AS pDep, lag(COALESCE(c.IsDecisionMaker, FALSE)) OVER w AS pDm
    FROM stg.Contact c
    WINDOW w AS (PARTITION BY c.ContactId ORDER BY c.ModifiedAt)),
b AS (
    SELECT * FROM v
    WHERE pDel IS NULL OR IsDeleted <> pDel
       OR (NOT IsDeleted AND (AccountId IS DISTINCT FROM pAcc OR JobRole IS DISTINCT FROM pRole OR Seniority IS DISTINCT FROM pSen
                              OR Department IS DISTINCT FROM pDep OR IsDecisionMaker <> pDm))),
r AS (SELECT *, lead(ModifiedAt) OVER (PARTITION BY ContactId ORDER BY ModifiedAt) AS ValidTo FROM b)
SELECT ContactId, AccountId, JobRole, Seniority, Department, IsDecisionMaker, ModifiedAt AS ValidFrom, ValidTo, (ValidTo IS NULL) AS IsCurrent
FROM r
WHERE NOT IsDeleted;
