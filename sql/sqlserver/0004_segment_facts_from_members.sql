-- Segments described by their members: exact quantiles in profiles, bin bounds in characteristics, the traits that
-- names and descriptions are made of, and renamed segments. Never edit after release. The DuckDB twin is
-- sql/duckdb/0004_*.sql.
ALTER TABLE seg.Segment ADD PreviousName NVARCHAR(200);

ALTER TABLE seg.SegmentProfile ADD Minimum FLOAT;
ALTER TABLE seg.SegmentProfile ADD P25 FLOAT;
ALTER TABLE seg.SegmentProfile ADD Median FLOAT;
ALTER TABLE seg.SegmentProfile ADD P75 FLOAT;
ALTER TABLE seg.SegmentProfile ADD Maximum FLOAT;

ALTER TABLE seg.SegmentCharacteristic ADD Minimum FLOAT;
ALTER TABLE seg.SegmentCharacteristic ADD Maximum FLOAT;

-- What sets each segment apart from the rest of the customers (ComparedWithKey NULL), or from one other segment:
-- every qualified trait, and those its name is made of (InName). MemberValue and PopulationValue are shares
-- (Direction over/under) or means (high/low); against another segment, PopulationValue is that segment's value.
CREATE TABLE seg.SegmentTrait (
    RunId            BIGINT        NOT NULL,
    SegmentKey       BIGINT        NOT NULL,
    Attribute        NVARCHAR(200)  NOT NULL,
    Value            NVARCHAR(400)  NOT NULL,
    Phrase           NVARCHAR(200)  NOT NULL,
    MemberValue      FLOAT        NOT NULL,
    PopulationValue  FLOAT        NOT NULL,
    Direction        NVARCHAR(10)   NOT NULL,
    PValue           FLOAT        NOT NULL,
    EffectSize       FLOAT        NOT NULL,
    ComparedWithKey  BIGINT,
    InName           BIT       NOT NULL,
    Rank             INTEGER       NOT NULL
);

GO

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
JOIN seg.ModelRun r ON r.RunId = t.RunId AND r.IsCurrent = 1
JOIN seg.Segment s ON s.RunId = t.RunId AND s.SegmentKey = t.SegmentKey
LEFT JOIN seg.SegmentNameOverride o ON o.Model = s.Model AND o.SegmentKey = s.SegmentKey;
