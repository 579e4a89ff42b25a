-- Money at full precision: every amount DECIMAL(38,4) (14 integer digits and more, after fx conversion and summed over
-- all rows), so sums are exact and rounded once, for display. Never edit after release. The DuckDB twin is
-- sql/duckdb/0005_*.sql.
ALTER TABLE stg.Opportunity ALTER COLUMN Amount DECIMAL(38,4) NOT NULL;
ALTER TABLE stg.Opportunity ALTER COLUMN OriginalAmount DECIMAL(38,4) NOT NULL;
ALTER TABLE stg.Subscription ALTER COLUMN Mrr DECIMAL(38,4) NOT NULL;
ALTER TABLE stg.Subscription ALTER COLUMN OriginalMrr DECIMAL(38,4) NOT NULL;
ALTER TABLE stg.Invoice ALTER COLUMN Amount DECIMAL(38,4) NOT NULL;
ALTER TABLE stg.Invoice ALTER COLUMN OriginalAmount DECIMAL(38,4) NOT NULL;
ALTER TABLE dw.FactInvoice ALTER COLUMN Amount DECIMAL(38,4) NOT NULL;
ALTER TABLE dw.FactInvoice ALTER COLUMN OriginalAmount DECIMAL(38,4) NOT NULL;
ALTER TABLE dw.FactSubscription ALTER COLUMN Mrr DECIMAL(38,4) NOT NULL;
ALTER TABLE dw.FactSubscription ALTER COLUMN OriginalMrr DECIMAL(38,4) NOT NULL;
ALTER TABLE dw.FactOpportunity ALTER COLUMN Amount DECIMAL(38,4) NOT NULL;
ALTER TABLE dw.FactOpportunity ALTER COLUMN OriginalAmount DECIMAL(38,4) NOT NULL;
ALTER TABLE dw.CustomerMonthlySnapshot ALTER COLUMN Mrr DECIMAL(38,4) NOT NULL;
ALTER TABLE dw.CustomerMonthlySnapshot ALTER COLUMN Billed DECIMAL(38,4) NOT NULL;
ALTER TABLE dw.CustomerFeatures ALTER COLUMN Billed12m DECIMAL(38,4) NULL;
ALTER TABLE dw.CustomerFeatures ALTER COLUMN Mrr DECIMAL(38,4) NULL;
ALTER TABLE dw.CustomerFeatures ALTER COLUMN MrrTrend3m DECIMAL(38,4) NULL;
ALTER TABLE dw.CustomerFeatures ALTER COLUMN OpenPipeline DECIMAL(38,4) NULL;

-- The persona map's revenue: a sum of money, exact.
ALTER TABLE seg.PersonaMap ALTER COLUMN Revenue DECIMAL(38,4) NOT NULL;
