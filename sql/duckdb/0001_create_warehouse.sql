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
