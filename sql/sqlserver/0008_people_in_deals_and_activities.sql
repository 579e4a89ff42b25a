-- People in the sources: an activity or a survey answer may name the contact it was with (an optional ContactId),
-- and opportunity_contacts says who took part in which deal, in what role (the buying unit of an account).
-- Never edit after release. The DuckDB twin is sql/duckdb/0008_*.sql.
ALTER TABLE stg.Activity ADD ContactId NVARCHAR(64) NULL;
ALTER TABLE stg.SurveyResponse ADD ContactId NVARCHAR(64) NULL;
ALTER TABLE dw.FactActivity ADD ContactId NVARCHAR(64) NULL;
ALTER TABLE dw.FactSurveyAnswer ADD ContactId NVARCHAR(64) NULL;

CREATE TABLE stg.OpportunityContact (
    OpportunityId      NVARCHAR(64)   NOT NULL,
    ContactId          NVARCHAR(64)   NOT NULL,
    Role               NVARCHAR(200)  NOT NULL,
    ModifiedAt         DATETIME2(6)   NOT NULL,
    IsDeleted          BIT            NOT NULL,
    BatchId            BIGINT         NOT NULL,
    SourceFileId       BIGINT         NOT NULL,
    LineNumber         BIGINT         NOT NULL,
    PRIMARY KEY (OpportunityId, ContactId, ModifiedAt)
);
GO
-- The current deal roles: each (opportunity, contact) pair's newest version (ties: later batch, later line),
-- unless that version deletes it. History stays in staging.
CREATE VIEW dw.vOpportunityContact AS
SELECT OpportunityId, ContactId, Role, ModifiedAt, BatchId
FROM (SELECT s.OpportunityId, s.ContactId, s.Role, s.ModifiedAt, s.BatchId, s.IsDeleted,
             ROW_NUMBER() OVER (PARTITION BY s.OpportunityId, s.ContactId ORDER BY s.ModifiedAt DESC, s.BatchId DESC, s.LineNumber DESC) AS Newest
      FROM stg.OpportunityContact AS s) AS v
WHERE Newest = 1 AND IsDeleted = 0;
