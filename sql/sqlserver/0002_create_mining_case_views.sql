-- Case views of the shipped mining models (ssas-models/): one row per current customer, as the models read them.
-- Never edit after release: add a new numbered script instead. The DuckDB twin is sql/duckdb/0002_*.sql.
IF SCHEMA_ID(N'mining') IS NULL EXEC(N'CREATE SCHEMA mining');
GO

-- market-segments: firmographics.
CREATE VIEW mining.vMarketSegmentsCase AS
SELECT AccountId, Industry, Region, Country, EmployeeBand, AnnualRevenueBand
FROM dw.CustomerFeatures;
GO

-- buyer-clusters: behaviour (money as FLOAT: the engine models it as continuous).
CREATE VIEW mining.vBuyerClustersCase AS
SELECT AccountId,
       RecencyDays,
       Invoices12m,
       CAST(Billed12m AS FLOAT)  AS Billed12m,
       TenureMonths,
       CAST(Mrr AS FLOAT)        AS Mrr,
       CAST(MrrTrend3m AS FLOAT) AS MrrTrend3m,
       ActiveProducts,
       LatePaymentRate12m,
       CAST(OpenPipeline AS FLOAT) AS OpenPipeline,
       DealsWon12m,
       Attrited
FROM dw.CustomerFeatures;
GO

-- customer-segments: survey attitudes; only customers who answered at least one question are cases.
CREATE VIEW mining.vCustomerSegmentsCase AS
SELECT AccountId, Priority, ExpansionIntent, InnovationAttitude, Nps
FROM dw.CustomerFeatures
WHERE Priority IS NOT NULL OR ExpansionIntent IS NOT NULL OR InnovationAttitude IS NOT NULL OR Nps IS NOT NULL;
GO
