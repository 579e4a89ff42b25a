-- Case views of the shipped mining models (ssas-models/): one row per current customer, as the models read them.
-- Never edit after release: add a new numbered script instead. The SQL Server twin is sql/sqlserver/0002_*.sql.
CREATE SCHEMA IF NOT EXISTS mining;

-- market-segments: firmographics.
CREATE VIEW mining.vMarketSegmentsCase AS
SELECT AccountId, Industry, Region, Country, EmployeeBand, AnnualRevenueBand
FROM dw.CustomerFeatures;

-- buyer-clusters: behaviour (money as DOUBLE: the engine models it as continuous).
CREATE VIEW mining.vBuyerClustersCase AS
SELECT AccountId,
       RecencyDays,
       Invoices12m,
       CAST(Billed12m AS DOUBLE)  AS Billed12m,
       TenureMonths,
       CAST(Mrr AS DOUBLE)        AS Mrr,
       CAST(MrrTrend3m AS DOUBLE) AS MrrTrend3m,
       ActiveProducts,
       LatePaymentRate12m,
       CAST(OpenPipeline AS DOUBLE) AS OpenPipeline,
       DealsWon12m,
       Attrited
FROM dw.CustomerFeatures;

-- customer-segments: survey attitudes; only customers who answered at least one question are cases.
CREATE VIEW mining.vCustomerSegmentsCase AS
SELECT AccountId, Priority, ExpansionIntent, InnovationAttitude, Nps
FROM dw.CustomerFeatures
WHERE Priority IS NOT NULL OR ExpansionIntent IS NOT NULL OR InnovationAttitude IS NOT NULL OR Nps IS NOT NULL;
