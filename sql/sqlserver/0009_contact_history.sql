-- Contacts with type 2 history: a new period starts when the account, role, seniority, department or
-- decision-maker flag changes, or the contact comes back after a delete; a delete closes the open period.
-- Computed from the staged history of every contact, so a version that arrives late lands in its place.
-- dw.DimContact stays the current version of each contact. Never edit after release.
-- The DuckDB twin is sql/duckdb/0009_*.sql.
CREATE VIEW dw.DimContactHistory AS
WITH v AS (
    SELECT c.ContactId, c.AccountId, c.JobRole, c.Seniority, c.Department, CAST(COALESCE(c.IsDecisionMaker, 0) AS BIT) AS IsDecisionMaker,
           c.ModifiedAt, c.IsDeleted,
           LAG(c.IsDeleted) OVER (PARTITION BY c.ContactId ORDER BY c.ModifiedAt) AS pDel,
           LAG(c.AccountId) OVER (PARTITION BY c.ContactId ORDER BY c.ModifiedAt) AS pAcc,
           LAG(c.JobRole) OVER (PARTITION BY c.ContactId ORDER BY c.ModifiedAt) AS pRole,
           LAG(c.Seniority) OVER (PARTITION BY c.ContactId ORDER BY c.ModifiedAt) AS pSen,
           LAG(c.Department) OVER (PARTITION BY c.ContactId ORDER BY c.ModifiedAt) AS pDep,
           LAG(CAST(COALESCE(c.IsDecisionMaker, 0) AS BIT)) OVER (PARTITION BY c.ContactId ORDER BY c.ModifiedAt) AS pDm
    FROM stg.Contact AS c),
b AS (
    SELECT ContactId, AccountId, JobRole, Seniority, Department, IsDecisionMaker, ModifiedAt, IsDeleted FROM v
    WHERE pDel IS NULL OR IsDeleted <> pDel
       OR (IsDeleted = 0 AND (AccountId <> pAcc
                              -- NCHAR(1) stands for NULL: no role, seniority or department holds it
                              OR COALESCE(JobRole, NCHAR(1)) <> COALESCE(pRole, NCHAR(1))
                              OR COALESCE(Seniority, NCHAR(1)) <> COALESCE(pSen, NCHAR(1))
                              OR COALESCE(Department, NCHAR(1)) <> COALESCE(pDep, NCHAR(1))
                              OR IsDecisionMaker <> pDm))),
r AS (SELECT b.ContactId, b.AccountId, b.JobRole, b.Seniority, b.Department, b.IsDecisionMaker, b.ModifiedAt, b.IsDeleted,
             LEAD(b.ModifiedAt) OVER (PARTITION BY b.ContactId ORDER BY b.ModifiedAt) AS ValidTo FROM b)
SELECT ContactId, AccountId, JobRole, Seniority, Department, IsDecisionMaker, ModifiedAt AS ValidFrom, ValidTo,
       CAST(CASE WHEN ValidTo IS NULL THEN 1 ELSE 0 END AS BIT) AS IsCurrent
FROM r
WHERE IsDeleted = 0;
