-- Run history of the scheduled jobs and of run-once: one row per job run, written when it starts and completed when it
-- ends. Never edit after release. The DuckDB twin is sql/duckdb/0006_*.sql.
-- Job: sync, process, publish or retention. Status: Running, Succeeded, Failed, Cancelled or Skipped.
CREATE TABLE ops.JobRun (
    JobRunId       BIGINT        NOT NULL PRIMARY KEY,
    Job            NVARCHAR(20)   NOT NULL,
    TriggerName    NVARCHAR(200)  NOT NULL,
    HostName       NVARCHAR(200)  NOT NULL,
    StartedAt      DATETIME2(6)    NOT NULL,
    FinishedAt     DATETIME2(6),
    Status         NVARCHAR(20)   NOT NULL,
    RowsAffected   BIGINT,
    Error          NVARCHAR(4000),
    BatchId        BIGINT,
    RunId          BIGINT
);
