-- Money at full precision: every amount DECIMAL(38,4) (14 integer digits and more, after fx conversion and summed over
-- all rows), so sums are exact and rounded once, for display. Never edit after release. The SQL Server twin is
-- sql/sqlserver/0005_*.sql.
ALTER TABLE stg.Opportunity ALTER COLUMN Amount TYPE DECIMAL(38,4);
ALTER TABLE stg.Opportunity ALTER COLUMN OriginalAmount TYPE DECIMAL(38,4);
ALTER TABLE stg.Subscription ALTER COLUMN Mrr TYPE DECIMAL(38,4);
ALTER TABLE stg.Subscription ALTER COLUMN OriginalMrr TYPE DECIMAL(38,4);
ALTER TABLE stg.Invoice ALTER COLUMN Amount TYPE DECIMAL(38,4);
ALTER TABLE stg.Invoice ALTER COLUMN OriginalAmount TYPE DECIMAL(38,4);
ALTER TABLE dw.FactInvoice ALTER COLUMN Amount TYPE DECIMAL(38,4);
ALTER TABLE dw.FactInvoice ALTER COLUMN OriginalAmount TYPE DECIMAL(38,4);
ALTER TABLE dw.FactSubscription ALTER COLUMN Mrr TYPE DECIMAL(38,4);
ALTER TABLE dw.FactSubscription ALTER COLUMN OriginalMrr TYPE DECIMAL(38,4);
ALTER TABLE dw.FactOpportunity ALTER COLUMN Amount TYPE DECIMAL(38,4);
ALTER TABLE dw.FactOpportunity ALTER COLUMN OriginalAmount TYPE DECIMAL(38,4);
ALTER TABLE dw.CustomerMonthlySnapshot ALTER COLUMN Mrr TYPE DECIMAL(38,4);
ALTER TABLE dw.CustomerMonthlySnapshot ALTER COLUMN Billed TYPE DECIMAL(38,4);
ALTER TABLE dw.CustomerFeatures ALTER COLUMN Billed12m TYPE DECIMAL(38,4);
ALTER TABLE dw.CustomerFeatures ALTER COLUMN Mrr TYPE DECIMAL(38,4);
ALTER TABLE dw.CustomerFeatures ALTER COLUMN MrrTrend3m TYPE DECIMAL(38,4);
ALTER TABLE dw.CustomerFeatures ALTER COLUMN OpenPipeline TYPE DECIMAL(38,4);

-- The persona map's revenue: a sum of money, exact.
ALTER TABLE seg.PersonaMap ALTER COLUMN Revenue TYPE DECIMAL(38,4);
