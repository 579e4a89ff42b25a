using SegmentMiner.Core.Mining;

namespace SegmentMiner.Embedded.Xmla;

/// <summary>A training case read back through drillthrough: every structure column's value, and its cluster.</summary>
internal sealed record ModelCase(object?[] Structure, Lazy<ClusterPrediction> Prediction);
