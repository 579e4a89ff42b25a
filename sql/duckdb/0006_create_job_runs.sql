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
