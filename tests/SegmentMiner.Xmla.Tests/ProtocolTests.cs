using System.Net;
using System.Text;
using Microsoft.Extensions.Logging;

namespace SegmentMiner.Xmla.Tests;

/// <summary>The client against recorded and hand-made server answers: every way an answer can go wrong.</summary>
[TestFixture]
public sealed class ProtocolTests
{
    private const string Envelope = """<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body>{0}</soap:Body></soap:Envelope>""";

    private static string Discover(string root) =>
        string.Format(Envelope, $"""<DiscoverResponse xmlns="urn:schemas-microsoft-com:xml-analysis"><return>{root}</return></DiscoverResponse>""");

    private static HttpResponseMessage Xml(string body, HttpStatusCode status = HttpStatusCode.OK) =>
        new(status) { Content = new StringContent(body, Encoding.UTF8, "text/xml") };

    private static (XmlaClient Client, StubHandler Handler) Client(Func<HttpRequestMessage, int, Task<HttpResponseMessage>> answer, TimeSpan? timeout = null, ILogger? log = null, int retries = 2)
    {
        var handler = new StubHandler(answer);
        var client = new XmlaClient(new XmlaClientOptions
        {
            Url = new Uri("http://ssas.example.test/olap/msmdpump.dll"),
            Handler = handler,
            QueryTimeout = timeout ?? TimeSpan.FromSeconds(10),
            Retries = retries,
            RetryDelay = TimeSpan.FromMilliseconds(5),
        }, log);
        return (client, handler);
    }

    [Test]
    public void SoapFault_BecomesOneException_CarryingEveryError()
    {
        var fault = string.Format(Envelope, """
            <soap:Fault xmlns="http://schemas.xmlsoap.org/soap/envelope/">
              <faultcode>XMLAnalysisError.0xc10a004d</faultcode><faultstring>Errors in the metadata manager.</faultstring>
              <detail>
                <Error ErrorCode="3238658125" Description="Errors in the metadata manager. The database does not exist." Source="Microsoft SQL Server 2019 Analysis Services" HelpFile="" />
                <Error ErrorCode="-1056964601" Description="The operation was cancelled." Source="Microsoft SQL Server 2019 Analysis Services" HelpFile="" />
              </detail>
            </soap:Fault>
            """);
        var (client, _) = Client((_, _) => Task.FromResult(Xml(fault, HttpStatusCode.InternalServerError)));
        var e = Assert.ThrowsAsync<XmlaException>(() => client.DiscoverAsync("DBSCHEMA_CATALOGS"));
        Assert.That(e!.FaultCode, Is.EqualTo("XMLAnalysisError.0xc10a004d"));
        Assert.That(e.Errors.Select(x => x.Code), Is.EqualTo(new uint[] { 0xC10A004D, 0xC1000007 }));
        Assert.That(e.Errors[0].Source, Does.Contain("2019"));
        Assert.That(e.Message, Does.Contain("database does not exist").And.Contain("cancelled").And.Contain("0xC10A004D"));
    }

    [Test]
    public void ErrorInsideASuccessfulResult_IsAnException()
    {
        var body = string.Format(Envelope, """
            <ExecuteResponse xmlns="urn:schemas-microsoft-com:xml-analysis"><return>
              <root xmlns="urn:schemas-microsoft-com:xml-analysis:empty">
                <Exception xmlns="urn:schemas-microsoft-com:xml-analysis:exception" />
                <Messages xmlns="urn:schemas-microsoft-com:xml-analysis:exception">
                  <Error ErrorCode="3238985738" Description="Query (1, 8) The 'x' function does not exist." Source="Microsoft SQL Server 2019 Analysis Services" HelpFile="" />
                </Messages>
              </root></return></ExecuteResponse>
            """);
        var (client, _) = Client((_, _) => Task.FromResult(Xml(body)));
        var e = Assert.ThrowsAsync<XmlaException>(() => client.ExecuteAsync("SELECT x() FROM [m]"));
        Assert.That(e!.FaultCode, Is.Null);
        Assert.That(e.Errors.Single().Code, Is.EqualTo(0xC10F000A));
        Assert.That(e.Message, Does.Contain("function does not exist"));
    }

    [Test]
    public async Task Warning_IsLogged_AndTheResultStands()
    {
        var body = string.Format(Envelope, """
            <ExecuteResponse xmlns="urn:schemas-microsoft-com:xml-analysis"><return>
              <root xmlns="urn:schemas-microsoft-com:xml-analysis:empty">
                <Messages xmlns="urn:schemas-microsoft-com:xml-analysis:exception">
                  <Warning WarningCode="1094320150" Description="Cardinality of column 'Country' is high." Source="Microsoft SQL Server 2019 Analysis Services" HelpFile="" />
                </Messages>
              </root></return></ExecuteResponse>
            """);
        var log = new ListLogger();
        var (client, _) = Client((_, _) => Task.FromResult(Xml(body)), log: log);
        var response = await client.ExecuteAsync("INSERT INTO [s] OPENQUERY([ds], 'SELECT a FROM b.c')");
        Assert.That(response.Warnings.Single().Code, Is.EqualTo(1094320150u));
        Assert.That(response.Warnings.Single().IsWarning, Is.True);
        Assert.That(log.Lines, Has.One.Contains("Cardinality of column 'Country' is high"));
    }

    [Test]
    public void HtmlErrorPage_IsATransportError_WithStatusAndSnippet()
    {
        const string page = "<!DOCTYPE html><html><head><title>IIS 10.0 Detailed Error - 404.3 - Not Found</title></head><body><h3>HTTP Error 404.3 - Not Found</h3><p>The page you are requesting cannot be served because of the extension configuration.</p></body></html>";
        var (client, handler) = Client((_, _) => Task.FromResult(new HttpResponseMessage(HttpStatusCode.NotFound) { Content = new StringContent(page, Encoding.UTF8, "text/html") }));
        var e = Assert.ThrowsAsync<XmlaTransportException>(() => client.DiscoverAsync("DBSCHEMA_CATALOGS"));
        Assert.That(e!.Status, Is.EqualTo(404));
        Assert.That(e.Message, Does.Contain("not XMLA").And.Contain("text/html").And.Contain("404.3 - Not Found"));
        Assert.That(handler.Calls, Is.EqualTo(1), "a 404 is not retried");
    }

    [Test]
    public void CompressedOrBinaryAnswer_IsATransportError()
    {
        var bytes = new byte[] { 0xDF, 0xFF, 0x01, 0xB0, 0x04, 0x00, 0x73, 0x6F, 0x61, 0x70 };
        var (client, _) = Client((_, _) =>
        {
            var r = new HttpResponseMessage(HttpStatusCode.OK) { Content = new ByteArrayContent(bytes) };
            r.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/sx+xpress");
            return Task.FromResult(r);
        });
        var e = Assert.ThrowsAsync<XmlaTransportException>(() => client.DiscoverAsync("DBSCHEMA_CATALOGS"));
        Assert.That(e!.Message, Does.Contain("binary or compressed").And.Contain("application/sx+xpress"));

        var (deflated, _) = Client((_, _) =>
        {
            var r = Xml("irrelevant");
            r.Content.Headers.ContentEncoding.Add("deflate");
            return Task.FromResult(r);
        });
        Assert.ThrowsAsync<XmlaTransportException>(() => deflated.DiscoverAsync("DBSCHEMA_CATALOGS"));
    }

    [Test]
    public async Task Requests_AskForPlainXml_AndNegotiateOnlyOnce()
    {
        var root = """<root xmlns="urn:schemas-microsoft-com:xml-analysis:rowset" />""";
        var (client, handler) = Client((_, _) => Task.FromResult(Xml(Discover(root))));
        await client.DiscoverAsync("DBSCHEMA_CATALOGS");
        await client.DiscoverAsync("DBSCHEMA_CATALOGS");
        Assert.That(handler.Requests[0].Flags, Is.EqualTo("0,0,0,0,0"));
        Assert.That(handler.Requests[1].Flags, Is.EqualTo("1,0,0,0,0"));
        Assert.That(handler.Requests[0].SoapAction, Is.EqualTo("\"urn:schemas-microsoft-com:xml-analysis:Discover\""));
        Assert.That(handler.Requests[0].ContentType, Does.StartWith("text/xml"));
        Assert.That(handler.Requests[0].Body, Does.Contain("<RequestType>DBSCHEMA_CATALOGS</RequestType>"));
    }

    [Test]
    public void Timeout_IsATransportError_NamingTheTimeout()
    {
        var (client, _) = Client(async (_, _) =>
        {
            await Task.Delay(TimeSpan.FromSeconds(30));
            return Xml("");
        }, timeout: TimeSpan.FromMilliseconds(200));
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var e = Assert.ThrowsAsync<XmlaTransportException>(() => client.DiscoverAsync("DBSCHEMA_CATALOGS"));
        Assert.That(e!.Message, Does.Contain("timeout").And.Contain("0.2 s"));
        Assert.That(watch.Elapsed, Is.LessThan(TimeSpan.FromSeconds(20)));
    }

    [Test]
    public async Task TransientFailures_AreRetried_FaultsAreNot()
    {
        var root = """<root xmlns="urn:schemas-microsoft-com:xml-analysis:rowset" />""";
        var (client, handler) = Client((_, attempt) => Task.FromResult(attempt < 2
            ? new HttpResponseMessage(HttpStatusCode.ServiceUnavailable) { Content = new StringContent("<html>busy</html>", Encoding.UTF8, "text/html") }
            : Xml(Discover(root))));
        await client.DiscoverAsync("DBSCHEMA_CATALOGS");
        Assert.That(handler.Calls, Is.EqualTo(3), "two 503s, then the answer");

        var (refused, refusedHandler) = Client((_, _) => throw new HttpRequestException(HttpRequestError.ConnectionError, "Connection refused"), retries: 2);
        var e = Assert.ThrowsAsync<XmlaTransportException>(() => refused.DiscoverAsync("DBSCHEMA_CATALOGS"));
        Assert.That(e!.Message, Does.Contain("cannot reach").And.Contain("Connection refused"));
        Assert.That(refusedHandler.Calls, Is.EqualTo(3));

        var fault = string.Format(Envelope, """<soap:Fault><faultcode>XMLAnalysisError.0xc10e0002</faultcode><faultstring>Parser error</faultstring></soap:Fault>""");
        var (faulty, faultyHandler) = Client((_, _) => Task.FromResult(Xml(fault, HttpStatusCode.InternalServerError)));
        Assert.ThrowsAsync<XmlaException>(() => faulty.DiscoverAsync("X"));
        Assert.That(faultyHandler.Calls, Is.EqualTo(1));
    }

    [Test]
    public void NestedRowset_WithNullsAndEncodedNames_IsReadByItsSchema()
    {
        var root = """
            <root xmlns="urn:schemas-microsoft-com:xml-analysis:rowset" xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
              <xsd:schema targetNamespace="urn:schemas-microsoft-com:xml-analysis:rowset" xmlns:sql="urn:schemas-microsoft-com:xml-sql" elementFormDefault="qualified">
                <xsd:element name="root"><xsd:complexType><xsd:sequence minOccurs="0" maxOccurs="unbounded"><xsd:element name="row" type="row" /></xsd:sequence></xsd:complexType></xsd:element>
                <xsd:complexType name="row"><xsd:sequence>
                  <xsd:element sql:field="NODE_UNIQUE_NAME" name="NODE_UNIQUE_NAME" type="xsd:string" minOccurs="0" />
                  <xsd:element sql:field="Order Details" name="Order_x0020_Details" type="xsd:string" minOccurs="0" />
                  <xsd:element sql:field="$CLUSTER" name="_x0024_CLUSTER" type="xsd:string" minOccurs="0" />
                  <xsd:element sql:field="NODE_SUPPORT" name="NODE_SUPPORT" type="xsd:double" minOccurs="0" />
                  <xsd:element sql:field="NODE_DISTRIBUTION" name="NODE_DISTRIBUTION" minOccurs="0" maxOccurs="unbounded">
                    <xsd:complexType><xsd:sequence>
                      <xsd:element sql:field="ATTRIBUTE_NAME" name="ATTRIBUTE_NAME" type="xsd:string" minOccurs="0" />
                      <xsd:element sql:field="ATTRIBUTE_VALUE" name="ATTRIBUTE_VALUE" minOccurs="0" />
                      <xsd:element sql:field="SUPPORT" name="SUPPORT" type="xsd:double" minOccurs="0" />
                      <xsd:element sql:field="VALUETYPE" name="VALUETYPE" type="xsd:int" minOccurs="0" />
                    </xsd:sequence></xsd:complexType>
                  </xsd:element>
                  <xsd:element sql:field="IS_POPULATED" name="IS_POPULATED" type="xsd:boolean" minOccurs="0" />
                </xsd:sequence></xsd:complexType>
              </xsd:schema>
              <row>
                <NODE_UNIQUE_NAME>001</NODE_UNIQUE_NAME><Order_x0020_Details /><_x0024_CLUSTER>Cluster 1</_x0024_CLUSTER><NODE_SUPPORT>1234.5</NODE_SUPPORT>
                <NODE_DISTRIBUTION><ATTRIBUTE_NAME>Age</ATTRIBUTE_NAME><ATTRIBUTE_VALUE xsi:type="xsd:double">42.5</ATTRIBUTE_VALUE><SUPPORT>1234.5</SUPPORT><VALUETYPE>3</VALUETYPE></NODE_DISTRIBUTION>
                <NODE_DISTRIBUTION><ATTRIBUTE_NAME>Gender</ATTRIBUTE_NAME><ATTRIBUTE_VALUE xsi:type="xsd:string">F</ATTRIBUTE_VALUE><SUPPORT xsi:nil="true" /><VALUETYPE>4</VALUETYPE></NODE_DISTRIBUTION>
                <NODE_DISTRIBUTION><ATTRIBUTE_NAME>Region</ATTRIBUTE_NAME><SUPPORT>7</SUPPORT><VALUETYPE>1</VALUETYPE></NODE_DISTRIBUTION>
                <IS_POPULATED>true</IS_POPULATED>
              </row>
              <row><NODE_UNIQUE_NAME>002</NODE_UNIQUE_NAME><NODE_SUPPORT xsi:nil="true" /></row>
            </root>
            """;
        var rowset = Soap.ReadResponse(Discover(root), "test").Rowset();
        Assert.That(rowset.HadSchema, Is.True);
        Assert.That(rowset.Columns.Select(c => c.Name), Is.EqualTo(new[] { "NODE_UNIQUE_NAME", "Order Details", "$CLUSTER", "NODE_SUPPORT", "NODE_DISTRIBUTION", "IS_POPULATED" }));
        var first = rowset.Rows[0];
        Assert.Multiple(() =>
        {
            Assert.That(first["Order Details"], Is.EqualTo(""), "an empty element is an empty string");
            Assert.That(first["$CLUSTER"], Is.EqualTo("Cluster 1"));
            Assert.That(first["NODE_SUPPORT"], Is.EqualTo(1234.5));
            Assert.That(first["IS_POPULATED"], Is.EqualTo(true));
            var d = first.Table("NODE_DISTRIBUTION");
            Assert.That(d, Has.Count.EqualTo(3));
            Assert.That(d[0]["ATTRIBUTE_VALUE"], Is.EqualTo(42.5), "xsi:type double");
            Assert.That(d[1]["ATTRIBUTE_VALUE"], Is.EqualTo("F"));
            Assert.That(d[1]["SUPPORT"], Is.Null, "xsi:nil");
            Assert.That(d[2]["ATTRIBUTE_VALUE"], Is.Null, "absent");
            Assert.That(d[2]["VALUETYPE"], Is.EqualTo(1));
            Assert.That(rowset.Rows[1]["NODE_SUPPORT"], Is.Null);
            Assert.That(rowset.Rows[1]["$CLUSTER"], Is.Null);
            Assert.That(rowset.Rows[1].Table("NODE_DISTRIBUTION"), Is.Empty);
        });
    }

    [Test]
    public void RealServerCapture_WithoutSchema_IsRead()
    {
        var file = Path.Combine(TestContext.CurrentContext.TestDirectory, "..", "..", "..", "..", "..", "..", "shared", "fixtures", "xmla", "ssas2019-discover-mdschema-cubes.xml");
        if (!File.Exists(file))
        {
            Assert.Ignore($"the recorded server answers are not here ({Path.GetFullPath(file)}); they come from ../shared/fixtures/xmla beside the repository");
        }

        var rowset = Soap.ReadResponse(File.ReadAllText(file), "capture").Rowset();
        Assert.That(rowset.HadSchema, Is.False);
        Assert.That(rowset.Rows, Has.Count.EqualTo(2));
        Assert.Multiple(() =>
        {
            Assert.That(rowset.Rows[0]["CUBE_NAME"], Is.EqualTo("Adventure Works"));
            Assert.That(rowset.Rows[0]["DESCRIPTION"], Is.EqualTo(""), "an empty element is an empty string");
            Assert.That(rowset.Rows[0]["BASE_CUBE_NAME"], Is.Null, "an absent element is null");
            Assert.That(rowset.Rows[1]["BASE_CUBE_NAME"], Is.EqualTo("Adventure Works"));
            Assert.That(rowset.Rows[0]["IS_DRILLTHROUGH_ENABLED"], Is.EqualTo("true"), "untyped values stay text");
            Assert.That(rowset.Columns.Select(c => c.Name), Does.Contain("PREFERRED_QUERY_PATTERNS").And.Contain("BASE_CUBE_NAME"));
        });
    }

    [Test]
    public void Basic_OverPlainHttp_IsRefused_UnlessAllowed()
    {
        var options = new XmlaClientOptions { Url = new Uri("http://ssas.example.test/olap/msmdpump.dll"), Authentication = XmlaAuthentication.Basic, User = @"CORP\svc", Password = "pw" };
        var e = Assert.Throws<Core.ConfigurationException>(() => new XmlaClient(options));
        Assert.That(e!.Message, Does.Contain("AllowBasicOverHttp").And.Not.Contain("pw"));
        using var allowed = new XmlaClient(options with { AllowBasicOverHttp = true, Handler = new StubHandler((_, _) => Task.FromResult(Xml(""))) });
        using var https = new XmlaClient(options with { Url = new Uri("https://ssas.example.test/olap/msmdpump.dll") });
    }

    [Test]
    public void ServerCheck_FailsFast_OnAServerWithoutDataMining()
    {
        static string Properties(string version) => Discover($"""<root xmlns="urn:schemas-microsoft-com:xml-analysis:rowset"><row><PropertyName>DBMSVersion</PropertyName><Value>{version}</Value></row></root>""");
        var (sql2022, _) = Client((_, _) => Task.FromResult(Xml(Properties("16.0.43.215"))));
        var e = Assert.ThrowsAsync<XmlaException>(() => sql2022.CheckServerAsync());
        Assert.That(e!.Message, Does.Contain("16.0.43.215").And.Contain("discontinued"));

        var (tabular, _) = Client((r, _) => Task.FromResult(Xml(r.Content!.ReadAsStringAsync().Result.Contains("DISCOVER_PROPERTIES")
            ? Properties("15.0.35.33")
            : Discover("""<root xmlns="urn:schemas-microsoft-com:xml-analysis:rowset" />"""))));
        Assert.That(Assert.ThrowsAsync<XmlaException>(() => tabular.CheckServerAsync())!.Message, Does.Contain("no Microsoft_Clustering"));
    }
}

/// <summary>Answers requests with a function of the request and its attempt number; records what was sent.</summary>
internal sealed class StubHandler(Func<HttpRequestMessage, int, Task<HttpResponseMessage>> answer) : HttpMessageHandler
{
    private int _calls;

    public int Calls => _calls;

    public List<(string Flags, string SoapAction, string ContentType, string Body)> Requests { get; } = [];

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var attempt = Interlocked.Increment(ref _calls) - 1;
        var body = request.Content is null ? "" : await request.Content.ReadAsStringAsync(cancellationToken);
        lock (Requests)
        {
            Requests.Add((string.Join(",", request.Headers.GetValues(Ns.NegotiationHeader)), string.Join(",", request.Headers.GetValues("SOAPAction")),
                request.Content?.Headers.ContentType?.ToString() ?? "", body));
        }

        var response = answer(request, attempt);
        return await response.WaitAsync(cancellationToken);
    }
}

internal sealed class ListLogger : ILogger
{
    public List<string> Lines { get; } = [];

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        lock (Lines)
        {
            Lines.Add($"{logLevel}: {formatter(state, exception)}");
        }
    }
}
