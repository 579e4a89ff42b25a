using System.Globalization;

namespace SegmentMiner.Embedded.Dmx;

/// <summary>
/// A recursive-descent parser for DMX SELECT statements (the grammar of the DMX reference's SELECT pages):
/// <code>
/// select     := SELECT [FLATTENED] [DISTINCT] [TOP expr] item {, item} [FROM source] [WHERE expr] [ORDER BY order {, order}]
/// item       := * | name.* | expr [[AS] alias]
/// source     := name {. name} [[NATURAL] PREDICTION JOIN input [[AS] alias] [ON expr]]
/// input      := ( select {UNION select} ) | openquery | SHAPE { openquery } APPEND append {, append}
/// openquery  := OPENQUERY ( name , string );  append := ( { openquery } RELATE name TO name ) AS name
/// expr       := and {OR and};  and := not {AND not};  not := NOT not | compare
/// compare    := sum [(= | &lt;&gt; | != | &lt; | &lt;= | &gt; | &gt;=) sum | IS [NOT] NULL]
/// sum        := product {(+ | -) product};  product := unary {(* | /) unary};  unary := - unary | primary
/// primary    := number | string | TRUE | FALSE | NULL | ( select {UNION select} ) | ( expr ) | name {. name} [( [expr {, expr}] )]
/// </code>
/// Errors carry the line and column of the token, as Analysis Services reports them.
/// </summary>
public sealed class DmxParser
{
    private static readonly HashSet<string> Reserved = new(StringComparer.OrdinalIgnoreCase)
    {
        "SELECT", "FROM", "WHERE", "ORDER", "BY", "AS", "ON", "AND", "OR", "NOT", "NATURAL", "PREDICTION", "JOIN", "UNION", "TOP",
        "FLATTENED", "DISTINCT", "ASC", "DESC", "IS", "NULL", "OPENQUERY", "SHAPE", "APPEND", "RELATE", "TO",
    };

    private readonly List<DmxToken> _tokens;
    private int _i;

    // A ; inside a statement is dropped (the Singleton Prediction template leaves one after the model's name); only
    // the last one ends the statement, and a second statement after it is still an error at its first token.
    private DmxParser(string text) => _tokens = Inner(DmxLexer.Tokenize(text));

    private static List<DmxToken> Inner(List<DmxToken> tokens) =>
        tokens.Where((t, i) => !(t.Kind == DmxTokenKind.Symbol && t.Text == ";" && i + 1 < tokens.Count && tokens[i + 1].Kind != DmxTokenKind.End
            && !tokens[i + 1].Is("SELECT"))).ToList();

    private DmxToken Current => _tokens[_i];

    private DmxToken Peek(int ahead) => _tokens[Math.Min(_i + ahead, _tokens.Count - 1)];

    /// <summary>Parses one SELECT statement (an optional ; at the end).</summary>
    public static DmxSelect ParseSelect(string text)
    {
        var parser = new DmxParser(text);
        var select = parser.Select(requireFrom: true);
        parser.Accept(";");
        parser.Expect(DmxTokenKind.End, "the end of the statement");
        return select;
    }

    /// <summary>Parses one expression (tests, and the text of a WHERE clause).</summary>
    public static DmxExpression ParseExpression(string text)
    {
        var parser = new DmxParser(text);
        var e = parser.Expression();
        parser.Expect(DmxTokenKind.End, "the end of the expression");
        return e;
    }

    private DmxSelect Select(bool requireFrom)
    {
        var at = Keyword("SELECT");
        var flattened = Accept("FLATTENED");
        var distinct = Accept("DISTINCT");
        DmxExpression? top = Accept("TOP") ? Unary() : null;
        var items = new List<DmxSelectItem> { Item() };
        while (Accept(",") && !Current.Is("FROM"))
        {
            items.Add(Item()); // a comma before FROM is forgiven, as the PredictCaseLikelihood page's example has one
        }

        DmxSource? from = null;
        if (Accept("FROM"))
        {
            from = Source();
        }
        else if (requireFrom)
        {
            throw DmxSyntaxException.At(Current, "FROM");
        }

        var where = Accept("WHERE") ? Expression() : null;
        var order = new List<DmxOrder>();
        if (Accept("ORDER"))
        {
            Keyword("BY");
            do
            {
                var e = Expression();
                var descending = Accept("DESC");
                if (!descending)
                {
                    Accept("ASC");
                }

                order.Add(new DmxOrder(e, descending));
            }
            while (Accept(","));
        }

        return new DmxSelect(flattened, distinct, top, items, from, where, order, at);
    }

    private DmxSelectItem Item()
    {
        var at = Current;
        if (Accept("*"))
        {
            return new DmxSelectItem(new DmxStar(null, at), null);
        }

        if (IsName(Current) && Peek(1).Is(".") && Peek(2).Is("*"))
        {
            var qualifier = Current.Text;
            _i += 3;
            return new DmxSelectItem(new DmxStar(qualifier, at), null);
        }

        // An alias needs AS: "SELECT NODE_NAME FORM ..." is a misspelt FROM, not an alias.
        var e = Expression();
        return new DmxSelectItem(e, Accept("AS") ? AliasName() : null);
    }

    private string AliasName()
    {
        var t = Current;
        if (t.Kind is DmxTokenKind.QuotedName or DmxTokenKind.String || (t.Kind == DmxTokenKind.Name && !Reserved.Contains(t.Text)))
        {
            _i++;
            return t.Text;
        }

        throw DmxSyntaxException.At(t, "an alias");
    }

    private DmxSource Source()
    {
        var at = Current;
        var parts = DottedName();
        var natural = Accept("NATURAL");
        if (!Accept("PREDICTION"))
        {
            if (natural)
            {
                throw DmxSyntaxException.At(Current, "PREDICTION JOIN");
            }

            return new DmxTableSource(parts, at);
        }

        Keyword("JOIN");
        var input = Input();
        string? alias = null;
        if (Accept("AS") || (Current.Kind != DmxTokenKind.End && IsName(Current) && !Reserved.Contains(Current.Text)))
        {
            alias = AliasName();
        }

        var on = Accept("ON") ? Expression() : null;
        return new DmxPredictionJoin(parts, natural, input, alias, on, at);
    }

    private DmxInput Input()
    {
        var at = Current;
        if (Current.Is("OPENQUERY"))
        {
            return OpenQuery();
        }

        if (Accept("SHAPE"))
        {
            return Shape(at);
        }

        Symbol("(");
        var cases = new List<DmxSelect> { Select(requireFrom: false) };
        while (Accept("UNION"))
        {
            cases.Add(Select(requireFrom: false));
        }

        Symbol(")");
        if (cases.FirstOrDefault(c => c.From is not null) is { } withFrom)
        {
            throw DmxSyntaxException.Unsupported(withFrom.At, "A singleton query reading FROM a table");
        }

        return new DmxSingletonInput(cases, at);
    }

    private DmxOpenQueryInput OpenQuery()
    {
        var at = Keyword("OPENQUERY");
        Symbol("(");
        var dataSource = NamePart();
        Symbol(",");
        var query = Current.Kind == DmxTokenKind.String ? Current.Text : throw DmxSyntaxException.At(Current, "the query as a string");
        _i++;
        Symbol(")");
        return new DmxOpenQueryInput(dataSource, query, at);
    }

    /// <summary>SHAPE { OPENQUERY(...) } APPEND ({ OPENQUERY(...) } RELATE a TO b) AS [table] {, (...) AS [table]}.</summary>
    private DmxShapeInput Shape(DmxToken at)
    {
        Symbol("{");
        var cases = OpenQuery();
        Symbol("}");
        Keyword("APPEND");
        var appended = new List<DmxAppend>();
        do
        {
            Symbol("(");
            Symbol("{");
            var nested = OpenQuery();
            Symbol("}");
            Keyword("RELATE");
            var caseColumn = NamePart();
            Keyword("TO");
            var nestedColumn = NamePart();
            Symbol(")");
            Keyword("AS");
            appended.Add(new DmxAppend(nested, caseColumn, nestedColumn, AliasName()));
        }
        while (Current.Is(",") && Peek(1).Is("(") && Accept(","));
        return new DmxShapeInput(cases, appended, at);
    }

    internal DmxExpression Expression()
    {
        var left = And();
        while (Current.Is("OR"))
        {
            var at = Current;
            _i++;
            left = new DmxBinary("OR", left, And(), at);
        }

        return left;
    }

    private DmxExpression And()
    {
        var left = Not();
        while (Current.Is("AND"))
        {
            var at = Current;
            _i++;
            left = new DmxBinary("AND", left, Not(), at);
        }

        return left;
    }

    private DmxExpression Not()
    {
        var at = Current;
        return Accept("NOT") ? new DmxUnary("NOT", Not(), at) : Compare();
    }

    private DmxExpression Compare()
    {
        var left = Sum();
        var at = Current;
        if (Accept("IS"))
        {
            var not = Accept("NOT");
            Keyword("NULL");
            return new DmxUnary(not ? "IS NOT NULL" : "IS NULL", left, at);
        }

        foreach (var op in new[] { "=", "<>", "!=", "<=", ">=", "<", ">" })
        {
            if (Current.Kind == DmxTokenKind.Symbol && Current.Text == op)
            {
                _i++;
                return new DmxBinary(op == "!=" ? "<>" : op, left, Sum(), at);
            }
        }

        return left;
    }

    private DmxExpression Sum()
    {
        var left = Product();
        while (Current.Kind == DmxTokenKind.Symbol && Current.Text is "+" or "-")
        {
            var at = Current;
            _i++;
            left = new DmxBinary(at.Text, left, Product(), at);
        }

        return left;
    }

    private DmxExpression Product()
    {
        var left = Unary();
        while (Current.Kind == DmxTokenKind.Symbol && Current.Text is "*" or "/")
        {
            var at = Current;
            _i++;
            left = new DmxBinary(at.Text, left, Unary(), at);
        }

        return left;
    }

    private DmxExpression Unary()
    {
        var at = Current;
        return Accept("-") ? new DmxUnary("-", Unary(), at) : Primary();
    }

    private DmxExpression Primary()
    {
        var t = Current;
        switch (t.Kind)
        {
            case DmxTokenKind.Number:
                _i++;
                return new DmxLiteral(double.Parse(t.Text, NumberStyles.Float, CultureInfo.InvariantCulture), t);
            case DmxTokenKind.String:
                _i++;
                return new DmxLiteral(t.Text, t);
            case DmxTokenKind.Symbol when t.Text == "(":
                _i++;
                DmxExpression inner = Current.Is("SELECT") ? SubSelect(t) : Expression();
                Symbol(")");
                return inner;
            case DmxTokenKind.Name when t.Is("TRUE") || t.Is("FALSE"):
                _i++;
                return new DmxLiteral(t.Is("TRUE"), t);
            case DmxTokenKind.Name when t.Is("NULL"):
                _i++;
                return new DmxLiteral(null, t);
        }

        if (!IsName(t) || (t.Kind == DmxTokenKind.Name && Reserved.Contains(t.Text)))
        {
            throw DmxSyntaxException.At(t);
        }

        var parts = DottedName();
        if (!Accept("("))
        {
            return new DmxName(parts, t);
        }

        var args = new List<DmxExpression>();
        if (!Current.Is(")"))
        {
            do
            {
                args.Add(Expression());
            }
            while (Accept(","));
        }

        Symbol(")");
        return new DmxCall(string.Join(".", parts), args, t);
    }

    private DmxSubSelect SubSelect(DmxToken at)
    {
        var first = Select(requireFrom: false);
        var union = new List<DmxSelect>();
        while (Accept("UNION"))
        {
            union.Add(Select(requireFrom: false));
        }

        return new DmxSubSelect(first, at) { Union = union };
    }

    private List<string> DottedName()
    {
        var parts = new List<string> { NamePart() };
        while (Current.Is(".") && IsName(Peek(1)))
        {
            _i++;
            parts.Add(NamePart());
        }

        return parts;
    }

    private string NamePart()
    {
        var t = Current;
        if (!IsName(t))
        {
            throw DmxSyntaxException.At(t, "a name");
        }

        _i++;
        return t.Text;
    }

    private static bool IsName(DmxToken t) => t.Kind is DmxTokenKind.Name or DmxTokenKind.QuotedName;

    private bool Accept(string keywordOrSymbol)
    {
        if (Current.Is(keywordOrSymbol))
        {
            _i++;
            return true;
        }

        return false;
    }

    private DmxToken Keyword(string keyword)
    {
        var t = Current;
        return Accept(keyword) ? t : throw DmxSyntaxException.At(t, keyword);
    }

    private void Symbol(string symbol)
    {
        if (!Accept(symbol))
        {
            throw DmxSyntaxException.At(Current, $"'{symbol}'");
        }
    }

    private void Expect(DmxTokenKind kind, string what)
    {
        if (Current.Kind != kind)
        {
            throw DmxSyntaxException.At(Current, what);
        }
    }
}
