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
