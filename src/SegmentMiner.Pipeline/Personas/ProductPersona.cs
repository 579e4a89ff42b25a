using SegmentMiner.Pipeline.Publishing;

namespace SegmentMiner.Pipeline.Personas;

/// <summary>A persona of one product: its key within the product, its members' profile, and how many members it has.</summary>
public sealed record ProductPersona(string Product, string Key, ClusterProfile Profile, double Members);
