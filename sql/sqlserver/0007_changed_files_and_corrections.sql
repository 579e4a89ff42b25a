-- A source file is recognised as unchanged by its name, size and modification time, and hashed only when those
-- differ; a changed file is read again whole. A version (key, ModifiedAt) read again with other content is a
-- correction: the later read wins, and ops.Correction keeps where it came from and both contents' hashes.
-- Never edit after release. The DuckDB twin is sql/duckdb/0007_*.sql.
ALTER TABLE ops.SourceFile ADD FileModifiedAt DATETIME2(6) NULL;

CREATE TABLE ops.Correction (
    CorrectionId     BIGINT        NOT NULL PRIMARY KEY,
    BatchId          BIGINT        NOT NULL,
    SourceFileId     BIGINT        NOT NULL,
    Entity           NVARCHAR(40)  NOT NULL,
    FileName         NVARCHAR(400) NOT NULL,
    LineNumber       BIGINT        NOT NULL,
    RowKey           NVARCHAR(400) NOT NULL,
    ModifiedAt       DATETIME2(6)  NOT NULL,
    PreviousBatchId  BIGINT        NOT NULL,
    PreviousHash     NVARCHAR(32)  NOT NULL,
    NewHash          NVARCHAR(32)  NOT NULL
);
