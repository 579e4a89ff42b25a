-- Published segments and personas (schema seg): written by 'segminer publish', read by analysts and reports.
-- Never edit after release: add a new numbered script instead. The DuckDB twin is sql/duckdb/0003_*.sql.
-- Every publish writes a new run in one transaction and only then makes it current; old runs are kept for history.
IF SCHEMA_ID(N'seg') IS NULL EXEC(N'CREATE SCHEMA seg');
GO

CREATE TABLE seg.ModelRun (
    RunId            BIGINT        NOT NULL PRIMARY KEY,
    Model            NVARCHAR(100)  NOT NULL,
    Engine           NVARCHAR(40)   NOT NULL,
    ProcessedAt      DATETIME2(6),
    PublishedAt      DATETIME2(6)     NOT NULL,
    Cases            BIGINT        NOT NULL,
    Clusters         INTEGER       NOT NULL,
    Parameters       NVARCHAR(1000) NOT NULL,
    DefinitionHash   NVARCHAR(64)   NOT NULL,
    BatchId          BIGINT,
    AsOfDate         DATE,
    Status           NVARCHAR(20)   NOT NULL,
    IsCurrent        BIT       NOT NULL,
    Notice           NVARCHAR(1000)
);

CREATE TABLE seg.Segment (
    RunId            BIGINT        NOT NULL,
    SegmentKey       BIGINT        NOT NULL,
    Model            NVARCHAR(100)  NOT NULL,
    NodeUniqueName   NVARCHAR(20),
    Name             NVARCHAR(200)  NOT NULL,
    Description      NVARCHAR(2000) NOT NULL,
    Population       BIGINT        NOT NULL,
    Share            FLOAT        NOT NULL,
    TrainingSupport  FLOAT        NOT NULL,
    Level            NVARCHAR(20)   NOT NULL,
    IsRetired        BIT       NOT NULL,
    MatchSimilarity  FLOAT,
    PRIMARY KEY (RunId, SegmentKey)
);

CREATE TABLE seg.SegmentProfile (
    RunId            BIGINT        NOT NULL,
    SegmentKey       BIGINT        NOT NULL,
    Attribute        NVARCHAR(200)  NOT NULL,
    Value            NVARCHAR(400)  NOT NULL,
    Probability      FLOAT        NOT NULL,
    Support          FLOAT        NOT NULL,
    Mean             FLOAT,
    StdDev           FLOAT
);

CREATE TABLE seg.SegmentCharacteristic (
    RunId            BIGINT        NOT NULL,
    SegmentKey       BIGINT        NOT NULL,
    Attribute        NVARCHAR(200)  NOT NULL,
    Value            NVARCHAR(400)  NOT NULL,
    Probability      FLOAT        NOT NULL,
    Score            FLOAT        NOT NULL,
    Rank             INTEGER       NOT NULL
);

CREATE TABLE seg.SegmentDiscrimination (
    RunId            BIGINT        NOT NULL,
    SegmentKey       BIGINT        NOT NULL,
    Attribute        NVARCHAR(200)  NOT NULL,
    Value            NVARCHAR(400)  NOT NULL,
    Score            FLOAT        NOT NULL,
    Favors           NVARCHAR(20)   NOT NULL
);

-- Exactly one row per customer (dw.CustomerFeatures) per published run.
CREATE TABLE seg.CustomerSegment (
    RunId            BIGINT        NOT NULL,
    Model            NVARCHAR(100)  NOT NULL,
    AccountId        NVARCHAR(64)   NOT NULL,
    SegmentKey       BIGINT        NOT NULL,
    Probability      FLOAT        NOT NULL
);

-- Customers moving from each segment of the previous run to each segment of this one (NULL: not there).
CREATE TABLE seg.SegmentMigration (
    RunId            BIGINT        NOT NULL,
    Model            NVARCHAR(100)  NOT NULL,
    PreviousRunId    BIGINT,
    FromSegmentKey   BIGINT,
    ToSegmentKey     BIGINT,
    Customers        BIGINT        NOT NULL
);

-- Names and descriptions analysts set; they win over the generated ones in every later run.
CREATE TABLE seg.SegmentNameOverride (
    Model            NVARCHAR(100)  NOT NULL,
    SegmentKey       BIGINT        NOT NULL,
    Name             NVARCHAR(200)  NOT NULL,
    Description      NVARCHAR(2000),
    SetAt            DATETIME2(6),
    PRIMARY KEY (Model, SegmentKey)
);

-- The layers crossed per customer, rewritten by every publish: one row per combination of current segments.
CREATE TABLE seg.PersonaMap (
    MarketSegmentKey    BIGINT,
    BuyerSegmentKey     BIGINT,
    CustomerSegmentKey  BIGINT,
    Customers           BIGINT        NOT NULL,
    Revenue             FLOAT        NOT NULL,
    CustomerShare       FLOAT        NOT NULL,
    RevenueShare        FLOAT        NOT NULL,
    ExpectedShare       FLOAT        NOT NULL,
    AvgProducts         FLOAT,
    IsGolden            BIT       NOT NULL,
    Flags               NVARCHAR(100)  NOT NULL
);

-- Friendly views over the current runs: a contract that reports rely on (README); keep names and columns stable.
GO
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
JOIN seg.ModelRun r ON r.RunId = s.RunId AND r.IsCurrent = 1
LEFT JOIN seg.SegmentNameOverride o ON o.Model = s.Model AND o.SegmentKey = s.SegmentKey;

GO
CREATE VIEW seg.vCustomerSegment AS
SELECT c.Model AS Model,
       c.AccountId AS CustomerId,
       c.SegmentKey AS SegmentKey,
       COALESCE(o.Name, s.Name) AS SegmentName,
       c.Probability AS Probability,
       c.RunId AS RunId
FROM seg.CustomerSegment c
JOIN seg.ModelRun r ON r.RunId = c.RunId AND r.IsCurrent = 1
JOIN seg.Segment s ON s.RunId = c.RunId AND s.SegmentKey = c.SegmentKey
LEFT JOIN seg.SegmentNameOverride o ON o.Model = c.Model AND o.SegmentKey = c.SegmentKey;

GO
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
JOIN seg.ModelRun r ON r.RunId = x.RunId AND r.IsCurrent = 1
JOIN seg.Segment s ON s.RunId = x.RunId AND s.SegmentKey = x.SegmentKey
LEFT JOIN seg.SegmentNameOverride o ON o.Model = s.Model AND o.SegmentKey = s.SegmentKey;

GO
CREATE VIEW seg.vSegmentMigration AS
SELECT m.Model AS Model,
       m.FromSegmentKey AS FromSegmentKey,
       m.ToSegmentKey AS ToSegmentKey,
       m.Customers AS Customers,
       m.PreviousRunId AS PreviousRunId,
       m.RunId AS RunId
FROM seg.SegmentMigration m
JOIN seg.ModelRun r ON r.RunId = m.RunId AND r.IsCurrent = 1;

GO
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
GO
