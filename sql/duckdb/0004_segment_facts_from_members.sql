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
