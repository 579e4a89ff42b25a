-- Run before every migration (idempotent, not journaled): the journal that records applied scripts.
IF SCHEMA_ID(N'ops') IS NULL EXEC(N'CREATE SCHEMA ops');
IF OBJECT_ID(N'ops.SchemaVersion', N'U') IS NULL
CREATE TABLE ops.SchemaVersion (
    Version        INT           NOT NULL PRIMARY KEY,
    ScriptName     NVARCHAR(200) NOT NULL,
    Sha256         NVARCHAR(64)  NOT NULL,
    AppliedAt      DATETIME2(6)  NOT NULL
);
