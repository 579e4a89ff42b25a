-- SegmentMiner on SQL Server: the database roles a DBA grants, least privilege for each login.
-- Run in the warehouse database as a member of db_owner, after the schemas exist ('segminer db migrate' with the
-- migration login, or the output of 'segminer db migrate --script'). Safe to run again.
--
--   segminer_migrator  applies migrations: creates and alters tables and views (db migrate). Used by a DBA or a
--                      deployment pipeline, never by the worker.
--   segminer_runtime   the worker and the CLI: reads and writes the rows of stg, dw, ops and seg, reads the case
--                      views in mining; no DDL. Temporary tables and sp_getapplock need nothing more.
--   segminer_reader    report authors (Power BI, Excel): reads the seg views and tables only.
--
-- Then add each login's database user to its role, for example:
--   CREATE USER [segminer_app] FOR LOGIN [segminer_app];  ALTER ROLE segminer_runtime ADD MEMBER [segminer_app];
--   CREATE USER [CONTOSO\bi-reports] FOR LOGIN [CONTOSO\bi-reports];  ALTER ROLE segminer_reader ADD MEMBER [CONTOSO\bi-reports];
-- The worker's Quartz tables (Worker:JobStore, when in this database) need SELECT, INSERT, UPDATE and DELETE on
-- the QRTZ_ tables for segminer_runtime; grant them on the schema that holds them.

IF DATABASE_PRINCIPAL_ID(N'segminer_migrator') IS NULL CREATE ROLE segminer_migrator;
IF DATABASE_PRINCIPAL_ID(N'segminer_runtime') IS NULL CREATE ROLE segminer_runtime;
IF DATABASE_PRINCIPAL_ID(N'segminer_reader') IS NULL CREATE ROLE segminer_reader;
GO

ALTER ROLE db_ddladmin ADD MEMBER segminer_migrator;
ALTER ROLE db_datareader ADD MEMBER segminer_migrator;
ALTER ROLE db_datawriter ADD MEMBER segminer_migrator;
GO

GRANT SELECT, INSERT, UPDATE, DELETE ON SCHEMA::stg TO segminer_runtime;
GRANT SELECT, INSERT, UPDATE, DELETE ON SCHEMA::dw TO segminer_runtime;
GRANT SELECT, INSERT, UPDATE, DELETE ON SCHEMA::ops TO segminer_runtime;
GRANT SELECT, INSERT, UPDATE, DELETE ON SCHEMA::seg TO segminer_runtime;
GRANT SELECT ON SCHEMA::mining TO segminer_runtime;
GO

GRANT SELECT ON SCHEMA::seg TO segminer_reader;
GO
