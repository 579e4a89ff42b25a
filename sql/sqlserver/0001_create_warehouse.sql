-- SegmentMiner warehouse (SQL Server 2016 or later), version 1: operations journal, staging history, dimensional model.
-- Never edit after release: add a new numbered script instead.
IF SCHEMA_ID(N'ops') IS NULL EXEC(N'CREATE SCHEMA ops');
IF SCHEMA_ID(N'stg') IS NULL EXEC(N'CREATE SCHEMA stg');
IF SCHEMA_ID(N'dw') IS NULL EXEC(N'CREATE SCHEMA dw');

CREATE TABLE ops.Batch (
    BatchId        BIGINT        NOT NULL PRIMARY KEY,
    StartedAt      DATETIME2(6)     NOT NULL,
    FinishedAt     DATETIME2(6),
    Status         NVARCHAR(20)   NOT NULL,
    AsOfDate       DATE          NOT NULL,
    FilesLoaded    INTEGER       NOT NULL,
    RowsRead       BIGINT        NOT NULL,
    RowsLoaded     BIGINT        NOT NULL,
    RowsRejected   BIGINT        NOT NULL,
    Message        NVARCHAR(4000)
);

CREATE TABLE ops.SourceFile (
    SourceFileId   BIGINT        NOT NULL PRIMARY KEY,
    BatchId        BIGINT        NOT NULL,
    SourceKind     NVARCHAR(10)   NOT NULL,
    Entity         NVARCHAR(40)   NOT NULL,
    FileName       NVARCHAR(400)  NOT NULL,
    SizeBytes      BIGINT        NOT NULL,
    Sha256         NVARCHAR(64)   NOT NULL,
    RowsRead       BIGINT        NOT NULL,
    RowsLoaded     BIGINT        NOT NULL,
    RowsRejected   BIGINT        NOT NULL,
    LoadedAt       DATETIME2(6)     NOT NULL
);

CREATE TABLE ops.RejectedRow (
    RejectedRowId  BIGINT        NOT NULL PRIMARY KEY,
    BatchId        BIGINT        NOT NULL,
    SourceFileId   BIGINT        NOT NULL,
    Entity         NVARCHAR(40)   NOT NULL,
    FileName       NVARCHAR(400)  NOT NULL,
    LineNumber     BIGINT        NOT NULL,
    Reason         NVARCHAR(1000) NOT NULL,
    RawData        NVARCHAR(MAX)
);

CREATE TABLE ops.SourceWatermark (
    SourceName     NVARCHAR(100)  NOT NULL,
    Entity         NVARCHAR(40)   NOT NULL,
    Watermark      DATETIME2(6)     NOT NULL,
    BatchId        BIGINT        NOT NULL,
    PRIMARY KEY (SourceName, Entity)
);

-- Staging: every valid version of every source row ever loaded (history), one row per key and ModifiedAt.
CREATE TABLE stg.Account (
    AccountId          NVARCHAR(64)   NOT NULL,
    Name               NVARCHAR(400)  NOT NULL,
    Industry           NVARCHAR(100)  NOT NULL,
    Country            NVARCHAR(100)  NOT NULL,
    Region             NVARCHAR(100),
    EmployeeBand       NVARCHAR(20)   NOT NULL,
    AnnualRevenueBand  NVARCHAR(50),
    CreatedAt          DATETIME2(6)     NOT NULL,
    ModifiedAt         DATETIME2(6)     NOT NULL,
    IsDeleted          BIT       NOT NULL,
    BatchId            BIGINT        NOT NULL,
    SourceFileId       BIGINT        NOT NULL,
    LineNumber         BIGINT        NOT NULL,
    PRIMARY KEY (AccountId, ModifiedAt)
);

CREATE TABLE stg.Contact (
    ContactId          NVARCHAR(64)   NOT NULL,
    AccountId          NVARCHAR(64)   NOT NULL,
    JobRole            NVARCHAR(200),
    Seniority          NVARCHAR(20),
    Department         NVARCHAR(200),
    IsDecisionMaker    BIT,
    CreatedAt          DATETIME2(6)     NOT NULL,
    ModifiedAt         DATETIME2(6)     NOT NULL,
    IsDeleted          BIT       NOT NULL,
    BatchId            BIGINT        NOT NULL,
    SourceFileId       BIGINT        NOT NULL,
    LineNumber         BIGINT        NOT NULL,
    PRIMARY KEY (ContactId, ModifiedAt)
);

CREATE TABLE stg.Opportunity (
    OpportunityId      NVARCHAR(64)   NOT NULL,
    AccountId          NVARCHAR(64)   NOT NULL,
    Product            NVARCHAR(200)  NOT NULL,
    Stage              NVARCHAR(20)   NOT NULL,
    Amount             DECIMAL(18,2) NOT NULL,
    OriginalAmount     DECIMAL(18,2) NOT NULL,
    Currency           NVARCHAR(3)    NOT NULL,
    CreatedAt          DATETIME2(6)     NOT NULL,
    CloseDate          DATE,
    ModifiedAt         DATETIME2(6)     NOT NULL,
    IsDeleted          BIT       NOT NULL,
    BatchId            BIGINT        NOT NULL,
    SourceFileId       BIGINT        NOT NULL,
    LineNumber         BIGINT        NOT NULL,
    PRIMARY KEY (OpportunityId, ModifiedAt)
);

CREATE TABLE stg.Activity (
    ActivityId         NVARCHAR(64)   NOT NULL,
    AccountId          NVARCHAR(64)   NOT NULL,
    Type               NVARCHAR(100)  NOT NULL,
    OccurredAt         DATETIME2(6)     NOT NULL,
    ModifiedAt         DATETIME2(6)     NOT NULL,
    IsDeleted          BIT       NOT NULL,
    BatchId            BIGINT        NOT NULL,
    SourceFileId       BIGINT        NOT NULL,
    LineNumber         BIGINT        NOT NULL,
    PRIMARY KEY (ActivityId, ModifiedAt)
);

CREATE TABLE stg.Subscription (
    SubscriptionId     NVARCHAR(64)   NOT NULL,
    AccountId          NVARCHAR(64)   NOT NULL,
    Product            NVARCHAR(200)  NOT NULL,
    [Plan]               NVARCHAR(200),
    StartDate          DATE          NOT NULL,
    EndDate            DATE,
    Mrr                DECIMAL(18,2) NOT NULL,
    OriginalMrr        DECIMAL(18,2) NOT NULL,
    Currency           NVARCHAR(3)    NOT NULL,
    Status             NVARCHAR(20)   NOT NULL,
    ModifiedAt         DATETIME2(6)     NOT NULL,
    IsDeleted          BIT       NOT NULL,
    BatchId            BIGINT        NOT NULL,
    SourceFileId       BIGINT        NOT NULL,
    LineNumber         BIGINT        NOT NULL,
    PRIMARY KEY (SubscriptionId, ModifiedAt)
);

CREATE TABLE stg.Invoice (
    InvoiceId          NVARCHAR(64)   NOT NULL,
    AccountId          NVARCHAR(64)   NOT NULL,
    SubscriptionId     NVARCHAR(64),
    InvoiceDate        DATE          NOT NULL,
    DueDate            DATE          NOT NULL,
    PaidDate           DATE,
    Amount             DECIMAL(18,2) NOT NULL,
    OriginalAmount     DECIMAL(18,2) NOT NULL,
    Currency           NVARCHAR(3)    NOT NULL,
    Status             NVARCHAR(20)   NOT NULL,
    ModifiedAt         DATETIME2(6)     NOT NULL,
    IsDeleted          BIT       NOT NULL,
    BatchId            BIGINT        NOT NULL,
    SourceFileId       BIGINT        NOT NULL,
    LineNumber         BIGINT        NOT NULL,
    PRIMARY KEY (InvoiceId, ModifiedAt)
);

CREATE TABLE stg.FxRate (
    Currency           NVARCHAR(3)    NOT NULL,
    RateDate           DATE          NOT NULL,
    Rate               DECIMAL(18,8) NOT NULL,
    BatchId            BIGINT        NOT NULL,
    SourceFileId       BIGINT        NOT NULL,
    LineNumber         BIGINT        NOT NULL,
    PRIMARY KEY (Currency, RateDate)
);

CREATE TABLE stg.SurveyResponse (
    ResponseId         NVARCHAR(64)   NOT NULL,
    AccountId          NVARCHAR(64)   NOT NULL,
    RespondedAt        DATETIME2(6)     NOT NULL,
    Question           NVARCHAR(100)  NOT NULL,
    Answer             NVARCHAR(400)  NOT NULL,
    ModifiedAt         DATETIME2(6)     NOT NULL,
    IsDeleted          BIT       NOT NULL,
    BatchId            BIGINT        NOT NULL,
    SourceFileId       BIGINT        NOT NULL,
    LineNumber         BIGINT        NOT NULL,
    PRIMARY KEY (ResponseId, ModifiedAt)
);

-- Dimensional model: current state, rebuilt for the keys each batch touches.
CREATE TABLE dw.DimCustomer (
    CustomerKey        BIGINT        NOT NULL PRIMARY KEY,
    AccountId          NVARCHAR(64)   NOT NULL,
    Name               NVARCHAR(400)  NOT NULL,
    Industry           NVARCHAR(100)  NOT NULL,
    Country            NVARCHAR(100)  NOT NULL,
    Region             NVARCHAR(100),
    EmployeeBand       NVARCHAR(20)   NOT NULL,
    AnnualRevenueBand  NVARCHAR(50),
    CreatedAt          DATETIME2(6)     NOT NULL,
    ValidFrom          DATETIME2(6)     NOT NULL,
    ValidTo            DATETIME2(6),
    IsCurrent          BIT       NOT NULL,
    BatchId            BIGINT        NOT NULL
);

CREATE TABLE dw.DimContact (
    ContactId          NVARCHAR(64)   NOT NULL PRIMARY KEY,
    AccountId          NVARCHAR(64)   NOT NULL,
    JobRole            NVARCHAR(200),
    Seniority          NVARCHAR(20),
    Department         NVARCHAR(200),
    IsDecisionMaker    BIT       NOT NULL,
    CreatedAt          DATETIME2(6)     NOT NULL,
    ModifiedAt         DATETIME2(6)     NOT NULL,
    BatchId            BIGINT        NOT NULL
);

CREATE TABLE dw.FactInvoice (
    InvoiceId          NVARCHAR(64)   NOT NULL PRIMARY KEY,
    AccountId          NVARCHAR(64)   NOT NULL,
    SubscriptionId     NVARCHAR(64),
    InvoiceDate        DATE          NOT NULL,
    DueDate            DATE          NOT NULL,
    PaidDate           DATE,
    Amount             DECIMAL(18,2) NOT NULL,
    OriginalAmount     DECIMAL(18,2) NOT NULL,
    Currency           NVARCHAR(3)    NOT NULL,
    Status             NVARCHAR(20)   NOT NULL,
    ModifiedAt         DATETIME2(6)     NOT NULL,
    BatchId            BIGINT        NOT NULL
);

CREATE TABLE dw.FactSubscription (
    SubscriptionId     NVARCHAR(64)   NOT NULL PRIMARY KEY,
    AccountId          NVARCHAR(64)   NOT NULL,
    Product            NVARCHAR(200)  NOT NULL,
    [Plan]               NVARCHAR(200),
    StartDate          DATE          NOT NULL,
    EndDate            DATE,
    Mrr                DECIMAL(18,2) NOT NULL,
    OriginalMrr        DECIMAL(18,2) NOT NULL,
    Currency           NVARCHAR(3)    NOT NULL,
    Status             NVARCHAR(20)   NOT NULL,
    ModifiedAt         DATETIME2(6)     NOT NULL,
    BatchId            BIGINT        NOT NULL
);

CREATE TABLE dw.FactOpportunity (
    OpportunityId      NVARCHAR(64)   NOT NULL PRIMARY KEY,
    AccountId          NVARCHAR(64)   NOT NULL,
    Product            NVARCHAR(200)  NOT NULL,
    Stage              NVARCHAR(20)   NOT NULL,
    Amount             DECIMAL(18,2) NOT NULL,
    OriginalAmount     DECIMAL(18,2) NOT NULL,
    Currency           NVARCHAR(3)    NOT NULL,
    CreatedAt          DATETIME2(6)     NOT NULL,
    CloseDate          DATE,
    ModifiedAt         DATETIME2(6)     NOT NULL,
    BatchId            BIGINT        NOT NULL
);

CREATE TABLE dw.FactActivity (
    ActivityId         NVARCHAR(64)   NOT NULL PRIMARY KEY,
    AccountId          NVARCHAR(64)   NOT NULL,
    Type               NVARCHAR(100)  NOT NULL,
    OccurredAt         DATETIME2(6)     NOT NULL,
    ModifiedAt         DATETIME2(6)     NOT NULL,
    BatchId            BIGINT        NOT NULL
);

CREATE TABLE dw.FactSurveyAnswer (
    ResponseId         NVARCHAR(64)   NOT NULL PRIMARY KEY,
    AccountId          NVARCHAR(64)   NOT NULL,
    RespondedAt        DATETIME2(6)     NOT NULL,
    Question           NVARCHAR(100)  NOT NULL,
    Answer             NVARCHAR(400)  NOT NULL,
    AnswerNumeric      FLOAT,
    ModifiedAt         DATETIME2(6)     NOT NULL,
    BatchId            BIGINT        NOT NULL
);

CREATE TABLE dw.CustomerMonthlySnapshot (
    AccountId          NVARCHAR(64)   NOT NULL,
    MonthStart         DATE          NOT NULL,
    Mrr                DECIMAL(18,2) NOT NULL,
    Billed             DECIMAL(18,2) NOT NULL,
    InvoicesPaidLate   INTEGER       NOT NULL,
    ActiveProducts     INTEGER       NOT NULL,
    Attrited           BIT       NOT NULL,
    BatchId            BIGINT        NOT NULL,
    PRIMARY KEY (AccountId, MonthStart)
);

CREATE TABLE dw.CustomerFeatures (
    AccountId          NVARCHAR(64)   NOT NULL PRIMARY KEY,
    AsOfDate           DATE          NOT NULL,
    Name               NVARCHAR(400)  NOT NULL,
    Industry           NVARCHAR(100)  NOT NULL,
    Country            NVARCHAR(100)  NOT NULL,
    Region             NVARCHAR(100),
    EmployeeBand       NVARCHAR(20)   NOT NULL,
    AnnualRevenueBand  NVARCHAR(50),
    TenureMonths       INTEGER       NOT NULL,
    RecencyDays        INTEGER,
    Invoices12m        INTEGER,
    Billed12m          DECIMAL(18,2),
    Mrr                DECIMAL(18,2),
    MrrTrend3m         DECIMAL(18,2),
    ActiveProducts     INTEGER,
    LatePaymentRate12m FLOAT,
    OpenPipeline       DECIMAL(18,2),
    DealsWon12m        INTEGER,
    Activities12m      INTEGER,
    Contacts           INTEGER,
    DecisionMakers     INTEGER,
    Attrited           BIT       NOT NULL,
    AttritionDate      DATE,
    Priority           NVARCHAR(400),
    ExpansionIntent    NVARCHAR(400),
    InnovationAttitude NVARCHAR(400),
    Nps                FLOAT,
    BatchId            BIGINT        NOT NULL
);
