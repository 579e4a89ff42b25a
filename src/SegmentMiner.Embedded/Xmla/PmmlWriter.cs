using System.Globalization;
using System.Xml.Linq;
using SegmentMiner.Core.Mining;
using SegmentMiner.Core.Models;

namespace SegmentMiner.Embedded.Xmla;

/// <summary>
/// A processed clustering model as a PMML 4.1 ClusteringModel (distribution-based, as Microsoft Clustering is): the
/// data dictionary of its attributes (a discrete or discretized one with its states), the mining schema (PredictOnly
/// columns predicted, the others active), and each cluster with its size and a partition of per-field statistics,
/// the state frequencies of a discrete field and the mean and standard deviation of a continuous one. Every figure
/// comes from the model's content, so the PMML and the CONTENT rowset agree.
/// </summary>
internal static class PmmlWriter
{
    public static readonly XNamespace Ns = "http://www.dmg.org/PMML-4_1";

    public static XDocument Write(ModelDefinition model, Mining.ClusteringModel trained)
    {
        var content = trained.Content();
        var attributes = trained.Attributes.Attributes.Where(a => a.NestedKey is null).ToList();
        var clusters = content.Where(n => n.NodeType == 5).ToList();
        return new XDocument(new XElement(Ns + "PMML", new XAttribute("version", "4.1"),
            new XElement(Ns + "Header", new XAttribute("description", model.Description ?? model.Name),
                new XElement(Ns + "Application", new XAttribute("name", "SegmentMiner"))),
            new XElement(Ns + "DataDictionary", new XAttribute("numberOfFields", attributes.Count), attributes.Select(DataField)),
            new XElement(Ns + "ClusteringModel",
                new XAttribute("modelName", model.Name), new XAttribute("functionName", "clustering"),
                new XAttribute("modelClass", "distributionBased"), new XAttribute("numberOfClusters", clusters.Count),
                new XElement(Ns + "MiningSchema", attributes.Select(a => new XElement(Ns + "MiningField", new XAttribute("name", a.Name),
                    new XAttribute("usageType", a.IsInput ? "active" : "predicted")))),
                new XElement(Ns + "ComparisonMeasure", new XAttribute("kind", "distance"), new XElement(Ns + "squaredEuclidean")),
                attributes.Where(a => a.IsInput).Select(a => new XElement(Ns + "ClusteringField", new XAttribute("field", a.Name))),
                clusters.Select(c => Cluster(c, attributes)))));
    }

    private static XElement DataField(Mining.MiningAttribute a) =>
        new(Ns + "DataField", new XAttribute("name", a.Name),
            new XAttribute("optype", a.IsContinuous ? "continuous" : "categorical"),
            new XAttribute("dataType", a.IsContinuous ? "double" : "string"),
            a.IsContinuous ? null : a.States.Skip(1).Select(s => new XElement(Ns + "Value", new XAttribute("value", s))));

    private static XElement Cluster(ContentNode node, List<Mining.MiningAttribute> attributes) =>
        new(Ns + "Cluster", new XAttribute("id", node.NodeUniqueName), new XAttribute("name", node.NodeCaption), new XAttribute("size", Number(node.NodeSupport)),
            new XElement(Ns + "Partition", new XAttribute("name", node.NodeCaption), new XAttribute("size", Number(node.NodeSupport)),
                attributes.Select(a => FieldStats(a, node.NodeDistribution.Where(d => d.AttributeName == a.Name).ToList()))));

    private static XElement FieldStats(Mining.MiningAttribute a, List<DistributionRow> rows)
    {
        var stats = new XElement(Ns + "PartitionFieldStats", new XAttribute("field", a.Name));
        if (a.IsContinuous)
        {
            var value = rows.FirstOrDefault(r => r.ValueType == MiningValueType.Continuous);
            if (value is not null)
            {
                stats.Add(new XElement(Ns + "NumericInfo",
                    new XAttribute("mean", value.AttributeValue),
                    new XAttribute("standardDeviation", Number(Math.Sqrt(Math.Max(value.Variance, 0))))));
            }

            return stats;
        }

        var frequencies = a.States.Skip(1).Select(s => rows.FirstOrDefault(r => r.AttributeValue == s)?.Support ?? 0).ToList();
        stats.Add(new XElement(Ns + "Array", new XAttribute("n", frequencies.Count), new XAttribute("type", "real"), string.Join(" ", frequencies.Select(Number))));
        return stats;
    }

    private static string Number(double x) => x.ToString("R", CultureInfo.InvariantCulture);
}
