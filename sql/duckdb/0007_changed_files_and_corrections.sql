-- A source file is recognised as unchanged by its name, size and modification time, and hashed only when those
-- differ; a changed file is read again whole. A version (key, ModifiedAt) read again with other content is a
-- correction: the later read wins, and ops.Correction keeps where it came from and both contents' hashes.
-- Never edit after release. The SQL Server twin is sql/sqlserver/0007_*.sql.
ALTER TABLE ops.SourceFile ADD COLUMN FileModifiedAt TIMESTAMP;

CREATE TABLE ops.Correction (
    CorrectionId     BIGINT        NOT NULL PRIMARY KEY,
    BatchId          BIGINT        NOT NULL,
    SourceFileId     BIGINT        NOT NULL,
    Entity           VARCHAR(40)   NOT NULL,
    FileName         VARCHAR(400)  NOT NULL,
    LineNumber       BIGINT        NOT NULL,
    RowKey           VARCHAR(400)  NOT NULL,
    ModifiedAt       TIMESTAMP     NOT NULL,
    PreviousBatchId  BIGINT        NOT NULL,
    PreviousHash     VARCHAR(32)   NOT NULL,
    NewHash          VARCHAR(32)   NOT NULL
);
