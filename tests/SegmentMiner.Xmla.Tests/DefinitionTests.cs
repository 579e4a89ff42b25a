using System.Text.Json;
using System.Xml.Linq;
using DuckDB.NET.Data;
using SegmentMiner.Tests.Shared;
using SegmentMiner.Core;
using SegmentMiner.Core.Mining;
using SegmentMiner.Core.Models;

namespace SegmentMiner.Xmla.Tests;

/// <summary>Model definitions, their ASSL, the dry-run script a DBA reviews, and the DBA commands.</summary>
[TestFixture]
[NonParallelizable]
public sealed class DefinitionTests
{
    private const string NestedModel = """
        {
          "description": "Buyers by the products they subscribe to.",
          "caseView": "mining.vBuyerClustersCase",
          "columns": [
            { "name": "Account Id", "source": "AccountId", "type": "Text", "content": "Key" },
            { "name": "Mrr", "type": "Double", "content": "Discretized", "discretization": "EqualAreas", "buckets": 4 },
            { "name": "Tenure Months", "type": "Long", "content": "Continuous", "flags": [ "NOT NULL" ] },
            { "name": "Attrited", "type": "Boolean", "content": "Discrete" },
            { "name": "Products", "type": "Text", "content": "Table", "view": "mining.vTestProducts", "foreignKey": "AccountId",
              "columns": [ { "name": "Product", "type": "Text", "content": "Key" } ] }
          ],
          "model": { "parameters": { "CLUSTER_COUNT": 4, "CLUSTER_SEED": 3, "MINIMUM_SUPPORT": 2.5 }, "usage": { "Attrited": "PredictOnly" } }
        }
        """;

    private CliRun _cli = null!;

    [SetUp]
    public void SetUp() => _cli = new CliRun();

    [TearDown]
    public void TearDown() => _cli.Dispose();

    private Task<(int Code, string Out, string Err)> Run(params string[] args) => _cli.RunAsync(args);

    /// <summary>
    /// AMO reads a data source view's schema with DataSet.ReadXmlSchema: the deploy batch's DSV schema of every shipped
    /// model must load there, with the case view as a table and its columns typed.
    /// </summary>
    [Test]
    public void TheDeployBatchesDataSourceViewSchema_LoadsAsADataSet()
    {
        var models = ModelCatalog.Shipped().Models;
        var batch = Assl.DeployBatch(models, "Provider=MSOLEDBSQL;Data Source=warehouse;Initial Catalog=SegmentMiner;Integrated Security=SSPI");
        var schemas = batch.Descendants(Ns.Engine + "DataSourceView").Select(v => (Id: v.Element(Ns.Engine + "ID")!.Value, Schema: v.Element(Ns.Engine + "Schema")!.Elements().Single())).ToList();
        Assert.That(schemas, Has.Count.EqualTo(models.Count));
        foreach (var (id, schema) in schemas)
        {
            var model = models.Single(m => Assl.DataSourceViewId(m) == id);
            var data = new System.Data.DataSet();
            Assert.DoesNotThrow(() => data.ReadXmlSchema(new StringReader(schema.ToString())), id);
            Assert.That(data.DataSetName, Is.EqualTo(id), "the encoded name decodes to the view's id");
            var table = data.Tables[Assl.TableId(model.CaseView)]!;
            Assert.That(table, Is.Not.Null, $"{id}: the case view is a table");
            Assert.That(table.Columns.Cast<System.Data.DataColumn>().Select(c => c.ColumnName), Is.SupersetOf(model.Columns.Where(c => c.Content != ContentType.Table).Select(c => c.SourceColumn)));
            Assert.That(table.Columns[model.Key.SourceColumn]!.DataType, Is.EqualTo(model.Key.Type == MiningDataType.Long ? typeof(long) : typeof(string)));
        }
    }

    [Test]
    public void ShippedModels_AreTheFourLayers_EachChoosingItsClusterCount()
    {
        var models = ModelCatalog.Shipped().Models;
        Assert.That(models.Select(m => m.Name), Is.EqualTo(new[] { "buyer-clusters", "customer-segments", "market-segments", "product-personas" }));
        Assert.That(models.Select(m => m.Model.Parameters["CLUSTER_COUNT"]), Is.All.EqualTo(0));
        Assert.That(models.Select(m => m.CaseView), Is.EqualTo(new[] { "mining.vBuyerClustersCase", "mining.vCustomerSegmentsCase", "mining.vMarketSegmentsCase", "mining.vProductPersonasCase" }));
        Assert.That(models.Select(m => m.PartitionBy), Is.EqualTo(new[] { null, null, null, "Product" }), "product personas are trained once per product");
        Assert.That(ModelCatalog.Schema(), Does.Contain("\"$schema\""));
        foreach (var m in models)
        {
            Mining.ModelDefinitionMapping.ToEngine(m); // the engine accepts every shipped definition
        }
    }

    [Test]
    public void Definitions_ReadBackFromAssl_HashTheSame()
    {
        var nested = ModelDefinitionJson.Parse("buyer-products", NestedModel, "buyer-products.json");
        foreach (var m in ModelCatalog.Shipped().Models.Append(nested))
        {
            var back = Assl.ReadModel(m.Database, Assl.MiningStructure(m), Assl.DataSourceView(m));
            Assert.That(JsonSerializer.Serialize(back, ModelDefinitionJson.Options), Is.EqualTo(JsonSerializer.Serialize(m, ModelDefinitionJson.Options)), m.Name);
            Assert.That(back.Hash, Is.EqualTo(m.Hash), m.Name);
            Assert.That(Assl.StoredHash(Assl.MiningStructure(m)), Is.EqualTo(m.Hash));
        }
    }

    [Test]
    public void BadDefinitions_AreRefused_NamingTheFileAndTheProblem()
    {
        var folder = Path.Combine(Path.GetTempPath(), "segminer-models-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        try
        {
            File.WriteAllText(Path.Combine(folder, "Bad_Name.json"), NestedModel.Replace("\"Key\" },\n    { \"name\": \"Mrr\"", "\"Discrete\" },\n    { \"name\": \"Mrr\"", StringComparison.Ordinal));
            var e = Assert.Throws<ConfigurationException>(() => ModelCatalog.Load(folder));
            Assert.That(e!.Message, Does.Contain("Bad_Name.json").And.Contain("lower-case"));

            File.Delete(Path.Combine(folder, "Bad_Name.json"));
            File.WriteAllText(Path.Combine(folder, "typo.json"), NestedModel.Replace("\"caseView\"", "\"caseVeiw\"", StringComparison.Ordinal));
            Assert.That(Assert.Throws<ConfigurationException>(() => ModelCatalog.Load(folder))!.Message, Does.Contain("typo.json").And.Contain("caseVeiw"));

            File.WriteAllText(Path.Combine(folder, "typo.json"), NestedModel.Replace("\"Attrited\": \"PredictOnly\"", "\"Atrited\": \"PredictOnly\"", StringComparison.Ordinal)
                .Replace("\"Continuous\", \"flags\"", "\"Continuous\", \"buckets\": 3, \"flags\"", StringComparison.Ordinal));
            var messages = Assert.Throws<ConfigurationException>(() => ModelCatalog.Load(folder))!.Message;
            Assert.That(messages, Does.Contain("no column named 'Atrited'").And.Contain("'Tenure Months': discretization and buckets apply to Discretized columns only"));

            File.WriteAllText(Path.Combine(folder, "typo.json"), NestedModel.Replace("\"CLUSTER_COUNT\": 4", "\"CLUSTER_COUNT\": -4", StringComparison.Ordinal));
            var model = ModelCatalog.Load(folder).Models.Single();
            Assert.That(Assert.Throws<Mining.MiningException>(() => Mining.ModelDefinitionMapping.ToEngine(model))!.Message, Does.Contain("typo.json").And.Contain("CLUSTER_COUNT"));
            Assert.That(Assert.Throws<ConfigurationException>(() => ModelCatalog.Load(folder).Select("nope"))!.Message, Does.Contain("known: typo"));
        }
        finally
        {
            Directory.Delete(folder, true);
        }
    }

    /// <summary>
    /// A control character in a description once made the dry run print half a batch and exit 70; a parameter named
    /// <c>CLUSTER_COUNTx'y</c> once went into the batch. Both are the file's mistakes: exit 2, the file and field named.
    /// </summary>
    [TestCase("\"description\": \"Buyers by the products they subscribe to.\"", "\"description\": \"Health\\u0001care buyers\"", "description: holds the character U+0001")]
    [TestCase("\"description\": \"Buyers by the products they subscribe to.\"", "\"description\": \"nul \\u0000 here\"", "description: holds the character U+0000")]
    [TestCase("\"CLUSTER_SEED\": 3", "\"CLUSTER_COUNTx'y\": 3", "model.parameters: 'CLUSTER_COUNTx'y' is not a Microsoft_Clustering parameter")]
    [TestCase("\"CLUSTER_SEED\": 3", "\"CLUSTER_SEED\\u0007\": 3", "'CLUSTER_SEED\\u0007' is not a Microsoft_Clustering parameter")]
    public async Task DryRun_OfADefinitionXmlCannotCarry_IsAClearErrorNamingTheFile(string from, string to, string expected)
    {
        var folder = Path.Combine(Path.GetTempPath(), "segminer-models-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        try
        {
            var json = NestedModel.Replace(from, to, StringComparison.Ordinal).Replace("mining.vTestProducts", "mining.vBuyerProducts", StringComparison.Ordinal);
            Assert.That(json, Is.Not.EqualTo(NestedModel));
            File.WriteAllText(Path.Combine(folder, "bad-model.json"), json);

            var (code, output, error) = await Run("models", "deploy", "--dry-run", "--config", WriteSettings(folder));

            Assert.That(code, Is.EqualTo(2), error);
            Assert.That(output, Is.Empty, "nothing of a batch is printed");
            Assert.That(error, Does.Contain("bad-model.json").And.Contain(expected));
            Assert.That(error, Does.Not.Contain("   at "), "no stack trace");
        }
        finally
        {
            Directory.Delete(folder, true);
        }
    }

    private static string WriteSettings(string modelsFolder)
    {
        var path = Path.Combine(modelsFolder, "..", Path.GetFileName(modelsFolder) + ".settings.json");
        File.WriteAllText(path, JsonSerializer.Serialize(new { Mining = new { ModelsFolder = modelsFolder } }));
        return path;
    }

    [Test]
    public async Task DryRun_PrintsOneReviewableBatch_AndNeedsNothing()
    {
        var missing = Path.Combine(Path.GetTempPath(), "segminer-never-" + Guid.NewGuid().ToString("N"));
        var (code, output, _) = await Run("models", "deploy", "--dry-run", "--data-dir", missing);
        Assert.That(code, Is.Zero);
        Assert.That(Directory.Exists(missing), Is.False, "a dry run creates no data folder");

        var doc = XDocument.Parse(output); // exactly one well-formed document
        var batch = doc.Root!;
        Assert.That(batch.Name, Is.EqualTo(Ns.Engine + "Batch"));
        Assert.That((string?)batch.Attribute("Transaction"), Is.EqualTo("true"));
        Assert.That(output, Does.Contain(Assl.ConnectionStringPlaceholder));
        Assert.That(output, Does.Not.Contain("Password"));
        Assert.That(batch.Descendants(Ns.Engine + "ConnectionString").Select(c => c.Value), Is.All.EqualTo(Assl.ConnectionStringPlaceholder));

        // ASSL elements are in the engine namespaces; only the data source view's embedded schema is XSD.
        var outsideSchema = batch.DescendantsAndSelf().Where(e => !e.Ancestors(Ns.Engine + "Schema").Any() && e.Name != Ns.Engine + "Schema");
        Assert.That(outsideSchema.Select(e => e.Name.Namespace).Distinct(), Is.SubsetOf(new[] { Ns.Engine, Ns.Ddl100_100 }));

        var structures = batch.Descendants(Ns.Engine + "MiningStructure").ToList();
        Assert.That(structures.Select(s => s.Element(Ns.Engine + "ID")!.Value), Is.EquivalentTo(ModelCatalog.Shipped().Models.Select(m => m.StructureName)));
        foreach (var collection in batch.Descendants().Where(e => e.Elements().Any(c => c.Element(Ns.Engine + "ID") is not null)))
        {
            var ids = collection.Elements().Select(c => c.Element(Ns.Engine + "ID")?.Value).Where(id => id is not null).ToList();
            Assert.That(ids, Is.Unique, $"IDs under {collection.Name.LocalName}");
        }

        var dsvs = batch.Descendants(Ns.Engine + "DataSourceView").ToDictionary(d => d.Element(Ns.Engine + "ID")!.Value);
        var sources = batch.Descendants(Ns.Engine + "DataSource").Select(d => d.Element(Ns.Engine + "ID")!.Value).ToHashSet();
        foreach (var s in structures)
        {
            var dsv = dsvs[s.Element(Ns.Engine + "Source")!.Element(Ns.Engine + "DataSourceViewID")!.Value];
            Assert.That(sources, Does.Contain(dsv.Element(Ns.Engine + "DataSourceID")!.Value));
            var tables = dsv.Descendants(Ns.Xsd + "element").Where(e => e.Attribute(Ns.MsProp + "DbTableName") is not null)
                .ToDictionary(t => (string)t.Attribute("name")!, t => t.Descendants(Ns.Xsd + "element").Select(c => (string)c.Attribute("name")!).ToHashSet());
            var columns = s.Element(Ns.Engine + "Columns")!.Elements(Ns.Engine + "Column").ToList();
            foreach (var c in columns)
            {
                var binding = c.Descendants(Ns.Engine + "Source").Single(b => (string?)b.Attribute(Ns.Xsi + "type") == "ColumnBinding");
                var table = binding.Element(Ns.Engine + "TableID")!.Value;
                Assert.That(tables.ContainsKey(table), $"{c.Element(Ns.Engine + "ID")!.Value}: table {table} in the data source view");
                Assert.That(tables[table], Does.Contain(binding.Element(Ns.Engine + "ColumnID")!.Value), $"{c.Element(Ns.Engine + "ID")!.Value}: bound column");
            }

            var structureColumns = columns.Select(c => c.Element(Ns.Engine + "ID")!.Value).ToHashSet();
            var model = s.Descendants(Ns.Engine + "MiningModel").Single();
            Assert.That(model.Element(Ns.Engine + "Algorithm")!.Value, Is.EqualTo("Microsoft_Clustering"));
            Assert.That(model.Descendants(Ns.Engine + "AlgorithmParameter").Single(p => p.Element(Ns.Engine + "Name")!.Value == "CLUSTER_COUNT").Element(Ns.Engine + "Value")!.Value, Is.EqualTo("0"));
            foreach (var mc in model.Element(Ns.Engine + "Columns")!.Elements(Ns.Engine + "Column"))
            {
                Assert.That(structureColumns, Does.Contain(mc.Element(Ns.Engine + "SourceColumnID")!.Value), "every model column is a structure column");
            }

            Assert.That(model.Element(Ns.Engine + "Columns")!.Elements().Count(c => c.Element(Ns.Engine + "Usage")!.Value == "Key"), Is.EqualTo(1));
        }

        var one = await Run("models", "deploy", "--dry-run", "--model", "buyer-clusters");
        Assert.That(XDocument.Parse(one.Out).Descendants(Ns.Engine + "MiningStructure").Count(), Is.EqualTo(1));
    }

    [Test]
    public async Task ProductPersonas_DeployedBeforeThereWereProducts_GiveWayToAStructurePerProduct()
    {
        using var w = await DemoWarehouse.CreateAsync(300);
        await using var engine = w.Engine("models");
        var service = new Pipeline.Models.ModelService(engine, Microsoft.Extensions.Logging.Abstractions.NullLogger<Pipeline.Models.ModelService>.Instance);
        var whole = ModelCatalog.Shipped().Select("product-personas");
        await service.DeployAsync(whole, CancellationToken.None); // as before the first sync: no product yet
        Assert.That((await engine.ListAsync(whole))[0].Deployed, Is.True);

        var split = w.Catalog().Where(m => m.Family == "product-personas").ToList();
        Assert.That(split.Select(m => m.Partition), Is.EquivalentTo(await w.QueryAsync<string>("select distinct Product from mining.vProductPersonasCase")));
        await service.DeployAsync(split, CancellationToken.None);
        Assert.That((await engine.ListAsync(whole))[0].Deployed, Is.False, "the whole definition is dropped once it is split");
        Assert.That((await engine.ListAsync(split)).Select(s => s.Deployed), Is.All.True);
        Assert.That(split.Select(m => m.Name), Has.All.StartWith("product-personas-"));
    }

    [Test]
    public async Task Deploy_Twice_TheSecondReportsNoChange_AndProcessListDropWork()
    {
        using var w = await DemoWarehouse.CreateAsync(600);
        var first = await Run("models", "deploy", "--data-dir", w.Root);
        Assert.That(first.Code, Is.Zero, first.Err);
        Assert.That(first.Out, Does.Contain("created"));
        var second = await Run("models", "deploy", "--data-dir", w.Root);
        var products = await w.QueryAsync<string>("select distinct Product from mining.vProductPersonasCase");
        Assert.That(second.Out.Split('\n').Count(l => l.Contains("no change", StringComparison.Ordinal)), Is.EqualTo(3 + products.Count), second.Out);
        Assert.That(second.Out, Does.Not.Contain("created"));

        var process = await Run("models", "process", "--model", "market-segments", "--data-dir", w.Root);
        Assert.That(process.Code, Is.Zero, process.Err);
        Assert.That(process.Out, Does.Contain("market-segments").And.Contain("processed"));
        Assert.That(process.Err, Does.Contain("market-segments: structure:"), "progress goes to stderr");

        var list = await Run("models", "list", "--format", "csv", "--data-dir", w.Root);
        var rows = list.Out.Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.That(rows[0], Is.EqualTo("model,database,structure,state,last_processed,cases,clusters"));
        long cases;
        await using (var db = await w.Warehouse.OpenReadOnlyAsync())
        {
            using var count = db.CreateCommand();
            count.CommandText = "SELECT count(*) FROM mining.vMarketSegmentsCase";
            cases = Convert.ToInt64(await count.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
        }

        Assert.That(rows.Single(r => r.StartsWith("market-segments,", StringComparison.Ordinal)), Does.Contain(",processed,").And.Contain($",{cases},"));
        Assert.That(rows.Single(r => r.StartsWith("buyer-clusters,", StringComparison.Ordinal)), Does.Contain(",unprocessed,"));

        Assert.That((await Run("models", "drop", "--data-dir", w.Root)).Code, Is.EqualTo(2), "drop needs --model or --all");
        var drop = await Run("models", "drop", "--model", "market-segments", "--data-dir", w.Root);
        Assert.That(drop.Out, Does.Contain("dropped"));
        Assert.That((await Run("models", "deploy", "--model", "market-segments", "--data-dir", w.Root)).Out, Does.Contain("created"));
    }

    [Test]
    public async Task NestedTable_ProcessesOnTheEngine_AndThroughXmla_WithTheSameContent()
    {
        using var w = await DemoWarehouse.CreateAsync(500);
        await w.CreateProductsViewAsync();

        var m = ModelDefinitionJson.Parse("buyer-products", NestedModel, "buyer-products.json");
        await using var direct = w.Engine("direct");
        await direct.DeployAsync(m);
        var result = await direct.ProcessAsync(m, ProcessType.Full);
        Assert.That(result.Clusters, Is.EqualTo(4));
        var content = await direct.ContentAsync(m);
        Assert.That(content[0].NodeDistribution.Select(d => d.AttributeName), Has.Some.StartsWith("Products("), "nested items become attributes");

        var service = new Embedded.Xmla.XmlaService(w.Engine("endpoint"), Embedded.Xmla.EndpointCatalog.Load(null), TimeSpan.FromMinutes(1));
        await using var endpoint = await Embedded.Xmla.XmlaEndpoint.StartAsync(service, new Embedded.Xmla.XmlaEndpointOptions { Urls = "http://127.0.0.1:0" });
        var client = new XmlaMiningServer(new XmlaClient(new XmlaClientOptions { Url = endpoint.Url, Retries = 0 }), "unused");
        await client.DeployAsync(m);
        await client.ProcessAsync(m, ProcessType.Full);
        Assert.That(JsonSerializer.Serialize(await client.ContentAsync(m)), Is.EqualTo(JsonSerializer.Serialize(content)));

        // Membership over XMLA reads the nested table with SHAPE ... APPEND ... RELATE and predicts as the engine does.
        Assert.That(Dmx.Membership(m), Does.Contain("PREDICTION JOIN SHAPE { OPENQUERY([").And.Contain("RELATE [AccountId] TO [AccountId]) AS [Products]")
            .And.Contain("[buyer-products].[Products].[Product] = t.[Products].[Product]"));
        var engine = await direct.PredictAsync(m).ToListAsync();
        var remote = await client.PredictAsync(m).ToListAsync();
        Assert.That(remote.Select(r => r.Key), Is.EquivalentTo(engine.Select(r => r.Key)));
        var byKey = engine.ToDictionary(r => r.Key);
        foreach (var r in remote)
        {
            Assert.That(r.Cluster, Is.EqualTo(byKey[r.Key].Cluster), r.Key);
            Assert.That(r.Probability, Is.EqualTo(byKey[r.Key].Probability).Within(1e-12), r.Key);
        }

        // A nested view that no deployed structure reads is refused, by name.
        var other = m with { Columns = m.Columns.Select(c => c.Content == ContentType.Table ? c with { View = "mining.vNoProducts" } : c).ToList() };
        var refused = Assert.CatchAsync(async () => await client.PredictAsync(other).ToListAsync());
        Assert.That(refused!.Message, Does.Contain("mining.vNoProducts"));
        await client.DisposeAsync();
    }
}
