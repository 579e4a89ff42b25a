using Dapper;
using DuckDB.NET.Data;

namespace SegmentMiner.Xmla.Tests.RealData;

/// <summary>
/// The AdventureWorks warehouse in ../shared/data/adventureworks mapped to the source contract, as a user would map
/// their own exports: customers (DimCustomer with DimGeography) become accounts, order lines (FactInternetSales)
/// become paid invoices. A household has no employee band; it is "1-10" for all, a constant the published figures
/// must leave out. Occupation stands in for industry, the sales territory group for the region, yearly income for
/// the revenue band. There are no subscriptions, so MRR and products are zero or empty for everyone.
/// </summary>
internal static class AdventureWorksSources
{
    /// <summary>The day after the last order in the data: features are computed as of it.</summary>
    public static readonly DateOnly AsOf = new(2014, 1, 31);

    /// <summary>../shared/data/adventureworks beside the repository, or null when it is absent.</summary>
    public static string? Folder()
    {
        var dir = new DirectoryInfo(TestContext.CurrentContext.TestDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "SegmentMiner.sln")))
        {
            dir = dir.Parent;
        }

        var folder = dir?.Parent is null ? null : Path.Combine(dir.Parent.FullName, "shared", "data", "adventureworks");
        return folder is not null && File.Exists(Path.Combine(folder, "FactInternetSales.csv")) ? folder : null;
    }

    /// <summary>Writes sources/crm/accounts.csv and sources/billing/invoices.csv under <paramref name="dataDir"/>.</summary>
    public static async Task WriteAsync(string folder, string dataDir)
    {
        var crm = Directory.CreateDirectory(Path.Combine(dataDir, "sources", "crm")).FullName;
        var billing = Directory.CreateDirectory(Path.Combine(dataDir, "sources", "billing")).FullName;
        string In(string file) => Path.Combine(folder, file).Replace("'", "''", StringComparison.Ordinal);
        string Out(string dir, string file) => Path.Combine(dir, file).Replace("'", "''", StringComparison.Ordinal);
        await using var db = new DuckDBConnection("Data Source=:memory:");
        await db.OpenAsync();
        await db.ExecuteAsync($"""
            COPY (
                SELECT c.CustomerKey AS AccountId, c.CustomerAlternateKey AS Name, c.EnglishOccupation AS Industry,
                       g.EnglishCountryRegionName AS Country, t.SalesTerritoryGroup AS Region, '1-10' AS EmployeeBand,
                       CAST(c.YearlyIncome AS BIGINT) AS AnnualRevenueBand,
                       strftime(c.DateFirstPurchase, '%Y-%m-%dT00:00:00') AS CreatedAt, strftime(c.DateFirstPurchase, '%Y-%m-%dT00:00:00') AS ModifiedAt
                FROM read_csv('{In("DimCustomer.csv")}', header = true, all_varchar = false) c
                JOIN read_csv('{In("DimGeography.csv")}', header = true) g ON g.GeographyKey = c.GeographyKey
                JOIN read_csv('{In("DimSalesTerritory.csv")}', header = true) t ON t.SalesTerritoryKey = g.SalesTerritoryKey
                ORDER BY c.CustomerKey
            ) TO '{Out(crm, "accounts.csv")}' (HEADER, DELIMITER ',');
            COPY (
                SELECT SalesOrderNumber || '-' || SalesOrderLineNumber AS InvoiceId, CustomerKey AS AccountId,
                       strftime(OrderDate, '%Y-%m-%d') AS InvoiceDate, strftime(DueDate, '%Y-%m-%d') AS DueDate, strftime(ShipDate, '%Y-%m-%d') AS PaidDate,
                       SalesAmount AS Amount, 'Paid' AS Status, strftime(OrderDate, '%Y-%m-%dT00:00:00') AS ModifiedAt
                FROM read_csv('{In("FactInternetSales.csv")}', header = true)
                ORDER BY SalesOrderNumber, SalesOrderLineNumber
            ) TO '{Out(billing, "invoices.csv")}' (HEADER, DELIMITER ',');
            """);
    }
}
