-- Run before every migration (idempotent, not journaled): the journal that records applied scripts.
CREATE SCHEMA IF NOT EXISTS ops;
CREATE TABLE IF NOT EXISTS ops.SchemaVersion (
    Version        INTEGER       NOT NULL PRIMARY KEY,
    ScriptName     VARCHAR(200)  NOT NULL,
    Sha256         VARCHAR(64)   NOT NULL,
    AppliedAt      TIMESTAMP     NOT NULL
);
