using SegmentMiner.Embedded.Dmx;

namespace SegmentMiner.Xmla.Tests;

/// <summary>The DMX tokenizer and parser on their own: tokens and positions, the tree of each form, and errors at their token.</summary>
[TestFixture]
public sealed class DmxParserTests
{
    [Test]
    public void Tokens_CarryTheirKindTextLineAndColumn()
    {
        var tokens = DmxLexer.Tokenize("SELECT [a]]b], 'it''s', 1.5e3 -- note\n  FROM $system.X /* c */ <> ;");
        Assert.That(tokens.Select(t => (t.Kind, t.Text, t.Line, t.Column)), Is.EqualTo(new[]
        {
            (DmxTokenKind.Name, "SELECT", 1, 1), (DmxTokenKind.QuotedName, "a]b", 1, 8), (DmxTokenKind.Symbol, ",", 1, 14),
            (DmxTokenKind.String, "it's", 1, 16), (DmxTokenKind.Symbol, ",", 1, 23), (DmxTokenKind.Number, "1.5e3", 1, 25),
            (DmxTokenKind.Name, "FROM", 2, 3), (DmxTokenKind.Name, "$system", 2, 8), (DmxTokenKind.Symbol, ".", 2, 15), (DmxTokenKind.Name, "X", 2, 16),
            (DmxTokenKind.Symbol, "<>", 2, 26), (DmxTokenKind.Symbol, ";", 2, 29), (DmxTokenKind.End, "", 2, 30),
        }));
    }

    [Test]
    public void AContentQuery_WithTopASubSelectAndWhere()
    {
        var s = DmxParser.ParseSelect("""
            SELECT TOP 2 NODE_NAME,
            (SELECT ATTRIBUTE_VALUE, [PROBABILITY] FROM NODE_DISTRIBUTION WHERE ATTRIBUTE_NAME = 'Number Cars Owned') AS t
            FROM [TM_Clustering].CONTENT
            WHERE NODE_TYPE = 5
            """);
        Assert.That(s.Top, Is.TypeOf<DmxLiteral>().With.Property("Value").EqualTo(2.0));
        Assert.That(s.Items, Has.Count.EqualTo(2));
        var sub = (DmxSubSelect)s.Items[1].Expression;
        Assert.That(s.Items[1].Alias, Is.EqualTo("t"));
        Assert.That(((DmxTableSource)sub.Select.From!).Parts, Is.EqualTo(new[] { "NODE_DISTRIBUTION" }));
        Assert.That(sub.Select.Where, Is.TypeOf<DmxBinary>());
        var from = (DmxTableSource)s.From!;
        Assert.That(from.Parts, Is.EqualTo(new[] { "TM_Clustering", "CONTENT" }));
        Assert.That(from.Suffix("CONTENT"), Is.EqualTo("CONTENT"));
        Assert.That(s.Where, Is.EqualTo(new DmxBinary("=", new DmxName(["NODE_TYPE"], s.Where!.At), new DmxLiteral(5.0, ((DmxBinary)s.Where).Right.At), s.Where.At))
            .Using<DmxExpression>((a, b) => a.ToString() == b.ToString()));
    }

    [Test]
    public void Precedence_NotBindsTighterThanAnd_ThanOr()
    {
        var e = DmxParser.ParseExpression("a = 1 OR b = 2 AND NOT c = 3");
        var or = (DmxBinary)e;
        Assert.That(or.Operator, Is.EqualTo("OR"));
        var and = (DmxBinary)or.Right;
        Assert.That(and.Operator, Is.EqualTo("AND"));
        Assert.That(((DmxUnary)and.Right).Operator, Is.EqualTo("NOT"));
        Assert.That(DmxEvaluator.Truth(new DmxEvaluator(n => n.Last switch { "a" => 0.0, "b" => 2.0, _ => 4.0 }, _ => null).Evaluate(e)), Is.True);
        Assert.That(DmxEvaluator.Truth(new DmxEvaluator(n => n.Last switch { "a" => 0.0, "b" => 2.0, _ => 3.0 }, _ => null).Evaluate(e)), Is.False);
    }

    [Test]
    public void APredictionJoin_OnSingletonCases()
    {
        var s = DmxParser.ParseSelect("""
            SELECT t.[Age], Cluster(), PredictHistogram(Cluster())
            FROM [TM Clustering] PREDICTION JOIN
            (SELECT 28 AS [Age], '2-5 Miles' AS [Commute Distance] UNION SELECT 35 AS [Age], '0-1 Miles' AS [Commute Distance]) AS t
            ON [TM Clustering].[Age] = t.[Age] AND [TM Clustering].[Commute Distance] = t.[Commute Distance]
            """);
        var join = (DmxPredictionJoin)s.From!;
        Assert.That(join.Model, Is.EqualTo(new[] { "TM Clustering" }));
        Assert.That(join.Natural, Is.False);
        Assert.That(join.Alias, Is.EqualTo("t"));
        Assert.That(((DmxSingletonInput)join.Input).Cases, Has.Count.EqualTo(2));
        Assert.That(((DmxBinary)join.On!).Operator, Is.EqualTo("AND"));
        Assert.That(((DmxCall)s.Items[2].Expression).Arguments.Single(), Is.TypeOf<DmxCall>());
    }

    [Test]
    public void Shape_ParsesTheCasesAndEveryAppendedTable()
    {
        var s = DmxParser.ParseSelect("""
            SELECT FLATTENED t.[AccountId], Cluster() FROM [m] PREDICTION JOIN
            SHAPE { OPENQUERY([Warehouse], 'SELECT [AccountId] FROM [mining].[v] ORDER BY [AccountId]') }
            APPEND ({ OPENQUERY([Warehouse], 'SELECT [AccountId], [Product] FROM [mining].[p]') } RELATE [AccountId] TO [AccountId]) AS [Products],
                   ({ OPENQUERY([Warehouse], 'SELECT [AccountId], [Role] FROM [mining].[r]') } RELATE AccountId TO AccountId) AS [Roles] AS t
            ON [m].[Products].[Product] = t.[Products].[Product]
            """);
        var join = (DmxPredictionJoin)s.From!;
        var shape = (DmxShapeInput)join.Input;
        Assert.That(shape.Cases.Query, Does.EndWith("ORDER BY [AccountId]"));
        Assert.That(shape.Appended.Select(a => (a.Name, a.CaseColumn, a.NestedColumn)), Is.EqualTo(new[] { ("Products", "AccountId", "AccountId"), ("Roles", "AccountId", "AccountId") }));
        Assert.That(join.Alias, Is.EqualTo("t"));
        Assert.That(((DmxName)((DmxBinary)join.On!).Left).Parts, Is.EqualTo(new[] { "m", "Products", "Product" }));
    }

    [TestCase("SELECT FROM [m].CONTENT", 1, 8, "The syntax for 'FROM' is incorrect.")]
    [TestCase("SELECT NODE_NAME", 1, 17, "The syntax for 'end of statement' is incorrect. Expected FROM.")]
    [TestCase("SELECT a FROM [m", 1, 15, "a [name] is not closed.")]
    [TestCase("SELECT a\nFROM [m].CONTENT WHERE NODE_TYPE = = 5", 2, 36, "The syntax for '=' is incorrect.")]
    [TestCase("SELECT a FROM [m] NATURAL JOIN (SELECT 1 AS [x])", 1, 27, "The syntax for 'JOIN' is incorrect. Expected PREDICTION JOIN.")]
    [TestCase("SELECT a FROM [m].CONTENT ORDER NODE_SUPPORT", 1, 33, "The syntax for 'NODE_SUPPORT' is incorrect. Expected BY.")]
    [TestCase("SELECT a FROM [m] PREDICTION JOIN SHAPE { OPENQUERY([w], 'x') } APPEND (x) AS y", 1, 73, "The syntax for 'x' is incorrect. Expected '{'.")]
    public void Errors_NameTheirPositionAndToken(string dmx, int line, int column, string message)
    {
        var e = Assert.Throws<DmxSyntaxException>(() => DmxParser.ParseSelect(dmx))!;
        Assert.That(e.Message, Is.EqualTo($"Query ({line}, {column}) Parser: {message}"));
        Assert.That((e.Line, e.Column), Is.EqualTo((line, column)));
    }
}
