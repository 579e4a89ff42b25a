-- The DuckDB warehouse schema of the release before version 7 (migrations 0000-0006 as shipped, with their journal rows),
-- frozen: a warehouse built by that release, for the test that upgrades one in place. Never edit.

-- 0000_create_journal.sql
-- Run before every migration (idempotent, not journaled): the journal that records applied scripts.
CREATE SCHEMA IF NOT EXISTS ops;
CREATE TABLE IF NOT EXISTS ops.SchemaVersion (
    Version        INTEGER       NOT NULL PRIMARY KEY,
    ScriptName     VARCHAR(200)  NOT NULL,
    Sha256         VARCHAR(64)   NOT NULL,
    AppliedAt      TIMESTAMP     NOT NULL
);

-- 0001_create_warehouse.sql
-- SegmentMiner warehouse, version 1: operations journal, staging history, dimensional model.
-- Never edit after release: add a new numbered script instead.
-- DuckDB maintains an ART index for every PRIMARY KEY, which makes bulk loads several times slower; the large
-- staging and fact tables therefore declare their keys in comments only, and sync keeps them unique by
-- construction (staging inserts skip versions already present; facts are replaced per touched key). The
-- SQL Server scripts declare the same keys as constraints.
CREATE SCHEMA IF NOT EXISTS ops;
CREATE SCHEMA IF NOT EXISTS stg;
CREATE SCHEMA IF NOT EXISTS dw;

CREATE TABLE ops.Batch (
    BatchId        BIGINT        NOT NULL PRIMARY KEY,
    StartedAt      TIMESTAMP     NOT NULL,
    FinishedAt     TIMESTAMP,
    Status         VARCHAR(20)   NOT NULL,
    AsOfDate       DATE          NOT NULL,
    FilesLoaded    INTEGER       NOT NULL,
    RowsRead       BIGINT        NOT NULL,
    RowsLoaded     BIGINT        NOT NULL,
    RowsRejected   BIGINT        NOT NULL,
    Message        VARCHAR(4000)
);

CREATE TABLE ops.SourceFile (
    SourceFileId   BIGINT        NOT NULL PRIMARY KEY,
    BatchId        BIGINT        NOT NULL,
    SourceKind     VARCHAR(10)   NOT NULL,
    Entity         VARCHAR(40)   NOT NULL,
    FileName       VARCHAR(400)  NOT NULL,
    SizeBytes      BIGINT        NOT NULL,
    Sha256         VARCHAR(64)   NOT NULL,
    RowsRead       BIGINT        NOT NULL,
    RowsLoaded     BIGINT        NOT NULL,
    RowsRejected   BIGINT        NOT NULL,
    LoadedAt       TIMESTAMP     NOT NULL
);

CREATE TABLE ops.RejectedRow (
    RejectedRowId  BIGINT        NOT NULL PRIMARY KEY,
    BatchId        BIGINT        NOT NULL,
    SourceFileId   BIGINT        NOT NULL,
    Entity         VARCHAR(40)   NOT NULL,
    FileName       VARCHAR(400)  NOT NULL,
    LineNumber     BIGINT        NOT NULL,
    Reason         VARCHAR(1000) NOT NULL,
    RawData        VARCHAR(8000)
);

CREATE TABLE ops.SourceWatermark (
    SourceName     VARCHAR(100)  NOT NULL,
    Entity         VARCHAR(40)   NOT NULL,
    Watermark      TIMESTAMP     NOT NULL,
    BatchId        BIGINT        NOT NULL,
    PRIMARY KEY (SourceName, Entity)
);

-- Staging: every valid version of every source row ever loaded (history), one row per key and ModifiedAt.
CREATE TABLE stg.Account (
    AccountId          VARCHAR(64)   NOT NULL,
    Name               VARCHAR(400)  NOT NULL,
    Industry           VARCHAR(100)  NOT NULL,
    Country            VARCHAR(100)  NOT NULL,
    Region             VARCHAR(100),
    EmployeeBand       VARCHAR(20)   NOT NULL,
    AnnualRevenueBand  VARCHAR(50),
    CreatedAt          TIMESTAMP     NOT NULL,
    ModifiedAt         TIMESTAMP     NOT NULL,
    IsDeleted          BOOLEAN       NOT NULL,
    BatchId            BIGINT        NOT NULL,
    SourceFileId       BIGINT        NOT NULL,
    LineNumber         BIGINT        NOT NULL  -- unique (AccountId, ModifiedAt): kept by sync, no index (see header)
);

CREATE TABLE stg.Contact (
    ContactId          VARCHAR(64)   NOT NULL,
    AccountId          VARCHAR(64)   NOT NULL,
    JobRole            VARCHAR(200),
    Seniority          VARCHAR(20),
    Department         VARCHAR(200),
    IsDecisionMaker    BOOLEAN,
    CreatedAt          TIMESTAMP     NOT NULL,
    ModifiedAt         TIMESTAMP     NOT NULL,
    IsDeleted          BOOLEAN       NOT NULL,
    BatchId            BIGINT        NOT NULL,
    SourceFileId       BIGINT        NOT NULL,
    LineNumber         BIGINT        NOT NULL  -- unique (ContactId, ModifiedAt): kept by sync, no index (see header)
);

CREATE TABLE stg.Opportunity (
    OpportunityId      VARCHAR(64)   NOT NULL,
    AccountId          VARCHAR(64)   NOT NULL,
    Product            VARCHAR(200)  NOT NULL,
    Stage              VARCHAR(20)   NOT NULL,
    Amount             DECIMAL(18,2) NOT NULL,
    OriginalAmount     DECIMAL(18,2) NOT NULL,
    Currency           VARCHAR(3)    NOT NULL,
    CreatedAt          TIMESTAMP     NOT NULL,
    CloseDate          DATE,
    ModifiedAt         TIMESTAMP     NOT NULL,
    IsDeleted          BOOLEAN       NOT NULL,
    BatchId            BIGINT        NOT NULL,
    SourceFileId       BIGINT        NOT NULL,
    LineNumber         BIGINT        NOT NULL  -- unique (OpportunityId, ModifiedAt): kept by sync, no index (see header)
);

CREATE TABLE stg.Activity (
    ActivityId         VARCHAR(64)   NOT NULL,
    AccountId          VARCHAR(64)   NOT NULL,
    Type               VARCHAR(100)  NOT NULL,
    OccurredAt         TIMESTAMP     NOT NULL,
    ModifiedAt         TIMESTAMP     NOT NULL,
    IsDeleted          BOOLEAN       NOT NULL,
    BatchId            BIGINT        NOT NULL,
    SourceFileId       BIGINT        NOT NULL,
    LineNumber         BIGINT        NOT NULL  -- unique (ActivityId, ModifiedAt): kept by sync, no index (see header)
);

CREATE TABLE stg.Subscription (
    SubscriptionId     VARCHAR(64)   NOT NULL,
    AccountId          VARCHAR(64)   NOT NULL,
    Product            VARCHAR(200)  NOT NULL,
    Plan               VARCHAR(200),
    StartDate          DATE          NOT NULL,
    EndDate            DATE,
    Mrr                DECIMAL(18,2) NOT NULL,
    OriginalMrr        DECIMAL(18,2) NOT NULL,
    Currency           VARCHAR(3)    NOT NULL,
    Status             VARCHAR(20)   NOT NULL,
    ModifiedAt         TIMESTAMP     NOT NULL,
    IsDeleted          BOOLEAN       NOT NULL,
    BatchId            BIGINT        NOT NULL,
    SourceFileId       BIGINT        NOT NULL,
    LineNumber         BIGINT        NOT NULL  -- unique (SubscriptionId, ModifiedAt): kept by sync, no index (see header)
);

CREATE TABLE stg.Invoice (
    InvoiceId          VARCHAR(64)   NOT NULL,
    AccountId          VARCHAR(64)   NOT NULL,
    SubscriptionId     VARCHAR(64),
    InvoiceDate        DATE          NOT NULL,
    DueDate            DATE          NOT NULL,
    PaidDate           DATE,
    Amount             DECIMAL(18,2) NOT NULL,
    OriginalAmount     DECIMAL(18,2) NOT NULL,
    Currency           VARCHAR(3)    NOT NULL,
    Status             VARCHAR(20)   NOT NULL,
    ModifiedAt         TIMESTAMP     NOT NULL,
    IsDeleted          BOOLEAN       NOT NULL,
    BatchId            BIGINT        NOT NULL,
    SourceFileId       BIGINT        NOT NULL,
    LineNumber         BIGINT        NOT NULL  -- unique (InvoiceId, ModifiedAt): kept by sync, no index (see header)
);

CREATE TABLE stg.FxRate (
    Currency           VARCHAR(3)    NOT NULL,
    RateDate           DATE          NOT NULL,
    Rate               DECIMAL(18,8) NOT NULL,
    BatchId            BIGINT        NOT NULL,
    SourceFileId       BIGINT        NOT NULL,
    LineNumber         BIGINT        NOT NULL  -- unique (Currency, RateDate): kept by sync, no index (see header)
);

CREATE TABLE stg.SurveyResponse (
    ResponseId         VARCHAR(64)   NOT NULL,
    AccountId          VARCHAR(64)   NOT NULL,
    RespondedAt        TIMESTAMP     NOT NULL,
    Question           VARCHAR(100)  NOT NULL,
    Answer             VARCHAR(400)  NOT NULL,
    ModifiedAt         TIMESTAMP     NOT NULL,
    IsDeleted          BOOLEAN       NOT NULL,
    BatchId            BIGINT        NOT NULL,
    SourceFileId       BIGINT        NOT NULL,
    LineNumber         BIGINT        NOT NULL  -- unique (ResponseId, ModifiedAt): kept by sync, no index (see header)
);

-- Dimensional model: current state, rebuilt for the keys each batch touches.
CREATE TABLE dw.DimCustomer (
    CustomerKey        BIGINT        NOT NULL PRIMARY KEY,
    AccountId          VARCHAR(64)   NOT NULL,
    Name               VARCHAR(400)  NOT NULL,
    Industry           VARCHAR(100)  NOT NULL,
    Country            VARCHAR(100)  NOT NULL,
    Region             VARCHAR(100),
    EmployeeBand       VARCHAR(20)   NOT NULL,
    AnnualRevenueBand  VARCHAR(50),
    CreatedAt          TIMESTAMP     NOT NULL,
    ValidFrom          TIMESTAMP     NOT NULL,
    ValidTo            TIMESTAMP,
    IsCurrent          BOOLEAN       NOT NULL,
    BatchId            BIGINT        NOT NULL
);

CREATE TABLE dw.DimContact (
    ContactId          VARCHAR(64)   NOT NULL,  -- unique: kept by sync, no index
    AccountId          VARCHAR(64)   NOT NULL,
    JobRole            VARCHAR(200),
    Seniority          VARCHAR(20),
    Department         VARCHAR(200),
    IsDecisionMaker    BOOLEAN       NOT NULL,
    CreatedAt          TIMESTAMP     NOT NULL,
    ModifiedAt         TIMESTAMP     NOT NULL,
    BatchId            BIGINT        NOT NULL
);

CREATE TABLE dw.FactInvoice (
    InvoiceId          VARCHAR(64)   NOT NULL,  -- unique: kept by sync, no index
    AccountId          VARCHAR(64)   NOT NULL,
    SubscriptionId     VARCHAR(64),
    InvoiceDate        DATE          NOT NULL,
    DueDate            DATE          NOT NULL,
    PaidDate           DATE,
    Amount             DECIMAL(18,2) NOT NULL,
    OriginalAmount     DECIMAL(18,2) NOT NULL,
    Currency           VARCHAR(3)    NOT NULL,
    Status             VARCHAR(20)   NOT NULL,
    ModifiedAt         TIMESTAMP     NOT NULL,
    BatchId            BIGINT        NOT NULL
);

CREATE TABLE dw.FactSubscription (
    SubscriptionId     VARCHAR(64)   NOT NULL,  -- unique: kept by sync, no index
    AccountId          VARCHAR(64)   NOT NULL,
    Product            VARCHAR(200)  NOT NULL,
    Plan               VARCHAR(200),
    StartDate          DATE          NOT NULL,
    EndDate            DATE,
    Mrr                DECIMAL(18,2) NOT NULL,
    OriginalMrr        DECIMAL(18,2) NOT NULL,
    Currency           VARCHAR(3)    NOT NULL,
    Status             VARCHAR(20)   NOT NULL,
    ModifiedAt         TIMESTAMP     NOT NULL,
    BatchId            BIGINT        NOT NULL
);

CREATE TABLE dw.FactOpportunity (
    OpportunityId      VARCHAR(64)   NOT NULL,  -- unique: kept by sync, no index
    AccountId          VARCHAR(64)   NOT NULL,
    Product            VARCHAR(200)  NOT NULL,
    Stage              VARCHAR(20)   NOT NULL,
    Amount             DECIMAL(18,2) NOT NULL,
    OriginalAmount     DECIMAL(18,2) NOT NULL,
    Currency           VARCHAR(3)    NOT NULL,
    CreatedAt          TIMESTAMP     NOT NULL,
    CloseDate          DATE,
    ModifiedAt         TIMESTAMP     NOT NULL,
    BatchId            BIGINT        NOT NULL
);

CREATE TABLE dw.FactActivity (
    ActivityId         VARCHAR(64)   NOT NULL,  -- unique: kept by sync, no index
    AccountId          VARCHAR(64)   NOT NULL,
    Type               VARCHAR(100)  NOT NULL,
    OccurredAt         TIMESTAMP     NOT NULL,
    ModifiedAt         TIMESTAMP     NOT NULL,
    BatchId            BIGINT        NOT NULL
);

CREATE TABLE dw.FactSurveyAnswer (
    ResponseId         VARCHAR(64)   NOT NULL,  -- unique: kept by sync, no index
    AccountId          VARCHAR(64)   NOT NULL,
    RespondedAt        TIMESTAMP     NOT NULL,
    Question           VARCHAR(100)  NOT NULL,
    Answer             VARCHAR(400)  NOT NULL,
    AnswerNumeric      DOUBLE,
    ModifiedAt         TIMESTAMP     NOT NULL,
    BatchId            BIGINT        NOT NULL
);

CREATE TABLE dw.CustomerMonthlySnapshot (
    AccountId          VARCHAR(64)   NOT NULL,
    MonthStart         DATE          NOT NULL,
    Mrr                DECIMAL(18,2) NOT NULL,
    Billed             DECIMAL(18,2) NOT NULL,
    InvoicesPaidLate   INTEGER       NOT NULL,
    ActiveProducts     INTEGER       NOT NULL,
    Attrited           BOOLEAN       NOT NULL,
    BatchId            BIGINT        NOT NULL  -- unique (AccountId, MonthStart): rebuilt whole, no index
);

CREATE TABLE dw.CustomerFeatures (
    AccountId          VARCHAR(64)   NOT NULL PRIMARY KEY,
    AsOfDate           DATE          NOT NULL,
    Name               VARCHAR(400)  NOT NULL,
    Industry           VARCHAR(100)  NOT NULL,
    Country            VARCHAR(100)  NOT NULL,
    Region             VARCHAR(100),
    EmployeeBand       VARCHAR(20)   NOT NULL,
    AnnualRevenueBand  VARCHAR(50),
    TenureMonths       INTEGER       NOT NULL,
    RecencyDays        INTEGER,
    Invoices12m        INTEGER,
    Billed12m          DECIMAL(18,2),
    Mrr                DECIMAL(18,2),
    MrrTrend3m         DECIMAL(18,2),
    ActiveProducts     INTEGER,
    LatePaymentRate12m DOUBLE,
    OpenPipeline       DECIMAL(18,2),
    DealsWon12m        INTEGER,
    Activities12m      INTEGER,
    Contacts           INTEGER,
    DecisionMakers     INTEGER,
    Attrited           BOOLEAN       NOT NULL,
    AttritionDate      DATE,
    Priority           VARCHAR(400),
    ExpansionIntent    VARCHAR(400),
    InnovationAttitude VARCHAR(400),
    Nps                DOUBLE,
    BatchId            BIGINT        NOT NULL
);
INSERT INTO ops.SchemaVersion (Version, ScriptName, Sha256, AppliedAt) VALUES (1, '0001_create_warehouse.sql', '359a2364aefd48cfab33d245a89fe36262f76058a8619701783c085a232b7a37', TIMESTAMP '2026-11-30 08:00:00');

-- 0002_create_mining_case_views.sql
-- Case views of the shipped mining models (ssas-models/): one row per current customer, as the models read them.
-- Never edit after release: add a new numbered script instead. The SQL Server twin is sql/sqlserver/0002_*.sql.
CREATE SCHEMA IF NOT EXISTS mining;

-- market-segments: firmographics.
CREATE VIEW mining.vMarketSegmentsCase AS
SELECT AccountId, Industry, Region, Country, EmployeeBand, AnnualRevenueBand
FROM dw.CustomerFeatures;

-- buyer-clusters: behaviour (money as DOUBLE: the engine models it as continuous).
CREATE VIEW mining.vBuyerClustersCase AS
SELECT AccountId,
       RecencyDays,
       Invoices12m,
       CAST(Billed12m AS DOUBLE)  AS Billed12m,
       TenureMonths,
       CAST(Mrr AS DOUBLE)        AS Mrr,
       CAST(MrrTrend3m AS DOUBLE) AS MrrTrend3m,
       ActiveProducts,
       LatePaymentRate12m,
       CAST(OpenPipeline AS DOUBLE) AS OpenPipeline,
       DealsWon12m,
       Attrited
FROM dw.CustomerFeatures;

-- customer-segments: survey attitudes; only customers who answered at least one question are cases.
CREATE VIEW mining.vCustomerSegmentsCase AS
SELECT AccountId, Priority, ExpansionIntent, InnovationAttitude, Nps
FROM dw.CustomerFeatures
WHERE Priority IS NOT NULL OR ExpansionIntent IS NOT NULL OR InnovationAttitude IS NOT NULL OR Nps IS NOT NULL;
INSERT INTO ops.SchemaVersion (Version, ScriptName, Sha256, AppliedAt) VALUES (2, '0002_create_mining_case_views.sql', 'dfc257addc218f382ee84d828ae8519c576ab0fbb3f624d2cd1a476319c00f0b', TIMESTAMP '2026-11-30 08:00:00');

-- 0003_create_segments.sql
-- Published segments and personas (schema seg): written by 'segminer publish', read by analysts and reports.
-- Never edit after release: add a new numbered script instead. The SQL Server twin is sql/sqlserver/0003_*.sql.
-- Every publish writes a new run in one transaction and only then makes it current; old runs are kept for history.
CREATE SCHEMA IF NOT EXISTS seg;

CREATE TABLE seg.ModelRun (
    RunId            BIGINT        NOT NULL PRIMARY KEY,
    Model            VARCHAR(100)  NOT NULL,
    Engine           VARCHAR(40)   NOT NULL,
    ProcessedAt      TIMESTAMP,
    PublishedAt      TIMESTAMP     NOT NULL,
    Cases            BIGINT        NOT NULL,
    Clusters         INTEGER       NOT NULL,
    Parameters       VARCHAR(1000) NOT NULL,
    DefinitionHash   VARCHAR(64)   NOT NULL,
    BatchId          BIGINT,
    AsOfDate         DATE,
    Status           VARCHAR(20)   NOT NULL,
    IsCurrent        BOOLEAN       NOT NULL,
    Notice           VARCHAR(1000)
);

CREATE TABLE seg.Segment (
    RunId            BIGINT        NOT NULL,
    SegmentKey       BIGINT        NOT NULL,
    Model            VARCHAR(100)  NOT NULL,
    NodeUniqueName   VARCHAR(20),
    Name             VARCHAR(200)  NOT NULL,
    Description      VARCHAR(2000) NOT NULL,
    Population       BIGINT        NOT NULL,
    Share            DOUBLE        NOT NULL,
    TrainingSupport  DOUBLE        NOT NULL,
    Level            VARCHAR(20)   NOT NULL,
    IsRetired        BOOLEAN       NOT NULL,
    MatchSimilarity  DOUBLE,
    PRIMARY KEY (RunId, SegmentKey)
);

CREATE TABLE seg.SegmentProfile (
    RunId            BIGINT        NOT NULL,
    SegmentKey       BIGINT        NOT NULL,
    Attribute        VARCHAR(200)  NOT NULL,
    Value            VARCHAR(400)  NOT NULL,
    Probability      DOUBLE        NOT NULL,
    Support          DOUBLE        NOT NULL,
    Mean             DOUBLE,
    StdDev           DOUBLE
);

CREATE TABLE seg.SegmentCharacteristic (
    RunId            BIGINT        NOT NULL,
    SegmentKey       BIGINT        NOT NULL,
    Attribute        VARCHAR(200)  NOT NULL,
    Value            VARCHAR(400)  NOT NULL,
    Probability      DOUBLE        NOT NULL,
    Score            DOUBLE        NOT NULL,
    Rank             INTEGER       NOT NULL
);

CREATE TABLE seg.SegmentDiscrimination (
    RunId            BIGINT        NOT NULL,
    SegmentKey       BIGINT        NOT NULL,
    Attribute        VARCHAR(200)  NOT NULL,
    Value            VARCHAR(400)  NOT NULL,
    Score            DOUBLE        NOT NULL,
    Favors           VARCHAR(20)   NOT NULL
);

-- Exactly one row per customer (dw.CustomerFeatures) per published run.
CREATE TABLE seg.CustomerSegment (
    RunId            BIGINT        NOT NULL,
    Model            VARCHAR(100)  NOT NULL,
    AccountId        VARCHAR(64)   NOT NULL,
    SegmentKey       BIGINT        NOT NULL,
    Probability      DOUBLE        NOT NULL
);

-- Customers moving from each segment of the previous run to each segment of this one (NULL: not there).
CREATE TABLE seg.SegmentMigration (
    RunId            BIGINT        NOT NULL,
    Model            VARCHAR(100)  NOT NULL,
    PreviousRunId    BIGINT,
    FromSegmentKey   BIGINT,
    ToSegmentKey     BIGINT,
    Customers        BIGINT        NOT NULL
);

-- Names and descriptions analysts set; they win over the generated ones in every later run.
CREATE TABLE seg.SegmentNameOverride (
    Model            VARCHAR(100)  NOT NULL,
    SegmentKey       BIGINT        NOT NULL,
    Name             VARCHAR(200)  NOT NULL,
    Description      VARCHAR(2000),
    SetAt            TIMESTAMP,
    PRIMARY KEY (Model, SegmentKey)
);

-- The layers crossed per customer, rewritten by every publish: one row per combination of current segments.
CREATE TABLE seg.PersonaMap (
    MarketSegmentKey    BIGINT,
    BuyerSegmentKey     BIGINT,
    CustomerSegmentKey  BIGINT,
    Customers           BIGINT        NOT NULL,
    Revenue             DOUBLE        NOT NULL,
    CustomerShare       DOUBLE        NOT NULL,
    RevenueShare        DOUBLE        NOT NULL,
    ExpectedShare       DOUBLE        NOT NULL,
    AvgProducts         DOUBLE,
    IsGolden            BOOLEAN       NOT NULL,
    Flags               VARCHAR(100)  NOT NULL
);

-- Friendly views over the current runs: a contract that reports rely on (README); keep names and columns stable.
CREATE VIEW seg.vSegment AS
SELECT s.Model AS Model,
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
       r.AsOfDate AS AsOfDate
FROM seg.Segment s
JOIN seg.ModelRun r ON r.RunId = s.RunId AND r.IsCurrent
LEFT JOIN seg.SegmentNameOverride o ON o.Model = s.Model AND o.SegmentKey = s.SegmentKey;

CREATE VIEW seg.vCustomerSegment AS
SELECT c.Model AS Model,
       c.AccountId AS CustomerId,
       c.SegmentKey AS SegmentKey,
       COALESCE(o.Name, s.Name) AS SegmentName,
       c.Probability AS Probability,
       c.RunId AS RunId
FROM seg.CustomerSegment c
JOIN seg.ModelRun r ON r.RunId = c.RunId AND r.IsCurrent
JOIN seg.Segment s ON s.RunId = c.RunId AND s.SegmentKey = c.SegmentKey
LEFT JOIN seg.SegmentNameOverride o ON o.Model = c.Model AND o.SegmentKey = c.SegmentKey;

CREATE VIEW seg.vSegmentCharacteristic AS
SELECT s.Model AS Model,
       x.SegmentKey AS SegmentKey,
       COALESCE(o.Name, s.Name) AS SegmentName,
       x.Attribute AS Attribute,
       x.Value AS Value,
       x.Probability AS Probability,
       x.Score AS Score,
       x.Rank AS Rank
FROM seg.SegmentCharacteristic x
JOIN seg.ModelRun r ON r.RunId = x.RunId AND r.IsCurrent
JOIN seg.Segment s ON s.RunId = x.RunId AND s.SegmentKey = x.SegmentKey
LEFT JOIN seg.SegmentNameOverride o ON o.Model = s.Model AND o.SegmentKey = s.SegmentKey;

CREATE VIEW seg.vSegmentMigration AS
SELECT m.Model AS Model,
       m.FromSegmentKey AS FromSegmentKey,
       m.ToSegmentKey AS ToSegmentKey,
       m.Customers AS Customers,
       m.PreviousRunId AS PreviousRunId,
       m.RunId AS RunId
FROM seg.SegmentMigration m
JOIN seg.ModelRun r ON r.RunId = m.RunId AND r.IsCurrent;

CREATE VIEW seg.vPersonaMap AS
SELECT p.MarketSegmentKey AS MarketSegmentKey,
       p.BuyerSegmentKey AS BuyerSegmentKey,
       p.CustomerSegmentKey AS CustomerSegmentKey,
       p.Customers AS Customers,
       p.Revenue AS Revenue,
       p.CustomerShare AS CustomerShare,
       p.RevenueShare AS RevenueShare,
       p.ExpectedShare AS ExpectedShare,
       p.AvgProducts AS AvgProducts,
       p.IsGolden AS IsGolden,
       p.Flags AS Flags
FROM seg.PersonaMap p;
INSERT INTO ops.SchemaVersion (Version, ScriptName, Sha256, AppliedAt) VALUES (3, '0003_create_segments.sql', '8a7a037b479cfb28d37f5c89639009f23bb95af7ce3320c0fe10b5196c64b6e8', TIMESTAMP '2026-11-30 08:00:00');

-- 0004_segment_facts_from_members.sql
-- Segments described by their members: exact quantiles in profiles, bin bounds in characteristics, the traits that
-- names and descriptions are made of, and renamed segments. Never edit after release. The SQL Server twin is
-- sql/sqlserver/0004_*.sql.
ALTER TABLE seg.Segment ADD COLUMN PreviousName VARCHAR(200);

ALTER TABLE seg.SegmentProfile ADD COLUMN Minimum DOUBLE;
ALTER TABLE seg.SegmentProfile ADD COLUMN P25 DOUBLE;
ALTER TABLE seg.SegmentProfile ADD COLUMN Median DOUBLE;
ALTER TABLE seg.SegmentProfile ADD COLUMN P75 DOUBLE;
ALTER TABLE seg.SegmentProfile ADD COLUMN Maximum DOUBLE;

ALTER TABLE seg.SegmentCharacteristic ADD COLUMN Minimum DOUBLE;
ALTER TABLE seg.SegmentCharacteristic ADD COLUMN Maximum DOUBLE;

-- What sets each segment apart from the rest of the customers (ComparedWithKey NULL), or from one other segment:
-- every qualified trait, and those its name is made of (InName). MemberValue and PopulationValue are shares
-- (Direction over/under) or means (high/low); against another segment, PopulationValue is that segment's value.
CREATE TABLE seg.SegmentTrait (
    RunId            BIGINT        NOT NULL,
    SegmentKey       BIGINT        NOT NULL,
    Attribute        VARCHAR(200)  NOT NULL,
    Value            VARCHAR(400)  NOT NULL,
    Phrase           VARCHAR(200)  NOT NULL,
    MemberValue      DOUBLE        NOT NULL,
    PopulationValue  DOUBLE        NOT NULL,
    Direction        VARCHAR(10)   NOT NULL,
    PValue           DOUBLE        NOT NULL,
    EffectSize       DOUBLE        NOT NULL,
    ComparedWithKey  BIGINT,
    InName           BOOLEAN       NOT NULL,
    Rank             INTEGER       NOT NULL
);

CREATE VIEW seg.vSegmentTrait AS
SELECT s.Model AS Model,
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
       t.Rank AS Rank
FROM seg.SegmentTrait t
JOIN seg.ModelRun r ON r.RunId = t.RunId AND r.IsCurrent
JOIN seg.Segment s ON s.RunId = t.RunId AND s.SegmentKey = t.SegmentKey
LEFT JOIN seg.SegmentNameOverride o ON o.Model = s.Model AND o.SegmentKey = s.SegmentKey;
INSERT INTO ops.SchemaVersion (Version, ScriptName, Sha256, AppliedAt) VALUES (4, '0004_segment_facts_from_members.sql', 'e0e62acc177e85223b556e529d122de240e7c4ffb84ac58eae309475f62cb89b', TIMESTAMP '2026-11-30 08:00:00');

-- 0005_money_at_full_precision.sql
-- Money at full precision: every amount DECIMAL(38,4) (14 integer digits and more, after fx conversion and summed over
-- all rows), so sums are exact and rounded once, for display. Never edit after release. The SQL Server twin is
-- sql/sqlserver/0005_*.sql.
ALTER TABLE stg.Opportunity ALTER COLUMN Amount TYPE DECIMAL(38,4);
ALTER TABLE stg.Opportunity ALTER COLUMN OriginalAmount TYPE DECIMAL(38,4);
ALTER TABLE stg.Subscription ALTER COLUMN Mrr TYPE DECIMAL(38,4);
ALTER TABLE stg.Subscription ALTER COLUMN OriginalMrr TYPE DECIMAL(38,4);
ALTER TABLE stg.Invoice ALTER COLUMN Amount TYPE DECIMAL(38,4);
ALTER TABLE stg.Invoice ALTER COLUMN OriginalAmount TYPE DECIMAL(38,4);
ALTER TABLE dw.FactInvoice ALTER COLUMN Amount TYPE DECIMAL(38,4);
ALTER TABLE dw.FactInvoice ALTER COLUMN OriginalAmount TYPE DECIMAL(38,4);
ALTER TABLE dw.FactSubscription ALTER COLUMN Mrr TYPE DECIMAL(38,4);
ALTER TABLE dw.FactSubscription ALTER COLUMN OriginalMrr TYPE DECIMAL(38,4);
ALTER TABLE dw.FactOpportunity ALTER COLUMN Amount TYPE DECIMAL(38,4);
ALTER TABLE dw.FactOpportunity ALTER COLUMN OriginalAmount TYPE DECIMAL(38,4);
ALTER TABLE dw.CustomerMonthlySnapshot ALTER COLUMN Mrr TYPE DECIMAL(38,4);
ALTER TABLE dw.CustomerMonthlySnapshot ALTER COLUMN Billed TYPE DECIMAL(38,4);
ALTER TABLE dw.CustomerFeatures ALTER COLUMN Billed12m TYPE DECIMAL(38,4);
ALTER TABLE dw.CustomerFeatures ALTER COLUMN Mrr TYPE DECIMAL(38,4);
ALTER TABLE dw.CustomerFeatures ALTER COLUMN MrrTrend3m TYPE DECIMAL(38,4);
ALTER TABLE dw.CustomerFeatures ALTER COLUMN OpenPipeline TYPE DECIMAL(38,4);

-- The persona map's revenue: a sum of money, exact.
ALTER TABLE seg.PersonaMap ALTER COLUMN Revenue TYPE DECIMAL(38,4);
INSERT INTO ops.SchemaVersion (Version, ScriptName, Sha256, AppliedAt) VALUES (5, '0005_money_at_full_precision.sql', 'd51de06fb3a5165d35a2d6647641731aefb236a3a29e91f440dfab54c54a3fdd', TIMESTAMP '2026-11-30 08:00:00');

-- 0006_create_job_runs.sql
-- Run history of the scheduled jobs and of run-once: one row per job run, written when it starts and completed when it
-- ends. Never edit after release. The SQL Server twin is sql/sqlserver/0006_*.sql.
-- Job: sync, process, publish or retention. Status: Running, Succeeded, Failed, Cancelled or Skipped.
CREATE TABLE ops.JobRun (
    JobRunId       BIGINT        NOT NULL PRIMARY KEY,
    Job            VARCHAR(20)   NOT NULL,
    TriggerName    VARCHAR(200)  NOT NULL,
    HostName       VARCHAR(200)  NOT NULL,
    StartedAt      TIMESTAMP     NOT NULL,
    FinishedAt     TIMESTAMP,
    Status         VARCHAR(20)   NOT NULL,
    RowsAffected   BIGINT,
    Error          VARCHAR(4000),
    BatchId        BIGINT,
    RunId          BIGINT
);
INSERT INTO ops.SchemaVersion (Version, ScriptName, Sha256, AppliedAt) VALUES (6, '0006_create_job_runs.sql', '55ccf8d30bd8450f482ac6038e3986bcb4577df6e040e939e0570b94c21afb39', TIMESTAMP '2026-11-30 08:00:00');
