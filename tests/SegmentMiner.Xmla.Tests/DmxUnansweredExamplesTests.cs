namespace SegmentMiner.Xmla.Tests;

/// <summary>
/// The documented examples the endpoint does not answer (listed in the README with the reason): each is refused
/// with a fault that says what is wrong, never a wrong answer.
/// </summary>
public sealed partial class DmxConformanceTests
{
    // TopCount (DMX), Example 1: the page's statement lacks the parenthesis that opens its singleton input
    [Test]
    public void TopCountPage_Example1_MissingParenthesis_IsASyntaxError()
    {
        var e = Refused("SELECT Predict ([product-baskets].[Products], INCLUDE_STATISTICS, 10)\nFROM \n     [product-baskets]\nNATURAL PREDICTION JOIN\nSELECT (SELECT 'Basic' as [Product]) AS [Products]) AS t");
        Assert.That(e.Message, Does.Contain("Query (5, 1) Parser: The syntax for 'SELECT' is incorrect"));
    }

    // TopCount (DMX), Example 3: a fragment with no FROM clause
    [Test]
    public void TopCountPage_Example3_Fragment_IsASyntaxError()
    {
        var e = Refused("SELECT Predict ([product-baskets].[Products], INCLUDE_STATISTICS, 3, $SUPPORT)");
        Assert.That(e.Message, Does.Contain("Query (1, 79) Parser:").And.Contain("Expected FROM"));
    }

    // Prediction Queries (Data Mining): PredictTimeSeries needs a time series model
    [Test]
    public void PredictionQueriesPage_TimeSeries_IsRefused()
    {
        var e = Refused("SELECT\n  PredictTimeSeries([market-segments].[Region]) as [PredictedAmount]\n, PredictTimeSeries([market-segments].[Country]) as [PredictedQty]\nFROM\n  [market-segments]\n");
        Assert.That(e.Message, Does.Contain("PredictTimeSeries").And.Contain("clustering model"));
    }

    // Content Queries (Data Mining), Example 2: the page leaves .CONTENT out of its content query
    [Test]
    public void ContentQueriesPage_Example2_ContentQueryWithoutContent_NamesTheColumn()
    {
        var e = Refused("SELECT NODE_CAPTION\nFROM [market-segments] \nWHERE NODE_UNIQUE_NAME= '002'");
        Assert.That(e.Message, Does.Contain("NODE_CAPTION"));
    }
}
