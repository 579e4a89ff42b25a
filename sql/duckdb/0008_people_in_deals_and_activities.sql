-- People in the sources: an activity or a survey answer may name the contact it was with (an optional ContactId),
-- and opportunity_contacts says who took part in which deal, in what role (the buying unit of an account).
-- Never edit after release. The SQL Server twin is sql/sqlserver/0008_*.sql.
ALTER TABLE stg.Activity ADD COLUMN ContactId VARCHAR(64);
ALTER TABLE stg.SurveyResponse ADD COLUMN ContactId VARCHAR(64);
ALTER TABLE dw.FactActivity ADD COLUMN ContactId VARCHAR(64);
ALTER TABLE dw.FactSurveyAnswer ADD COLUMN ContactId VARCHAR(64);

CREATE TABLE stg.OpportunityContact (
    OpportunityId      VARCHAR(64)   NOT NULL,
    ContactId          VARCHAR(64)   NOT NULL,
    Role               VARCHAR(200)  NOT NULL,
    ModifiedAt         TIMESTAMP     NOT NULL,
    IsDeleted          BOOLEAN       NOT NULL,
    BatchId            BIGINT        NOT NULL,
    SourceFileId       BIGINT        NOT NULL,
    LineNumber         BIGINT        NOT NULL  -- unique (OpportunityId, ContactId, ModifiedAt): kept by sync, no index
);

-- The current deal roles: each (opportunity, contact) pair's newest version (ties: later batch, later line),
-- unless that version deletes it. History stays in staging.
CREATE VIEW dw.vOpportunityContact AS
SELECT OpportunityId, ContactId, Role, ModifiedAt, BatchId
FROM (SELECT s.*, row_number() OVER (PARTITION BY OpportunityId, ContactId ORDER BY ModifiedAt DESC, BatchId DESC, LineNumber DESC) AS Newest
      FROM stg.OpportunityContact s) v
WHERE Newest = 1 AND NOT IsDeleted;
