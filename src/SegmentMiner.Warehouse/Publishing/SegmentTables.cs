namespace SegmentMiner.Warehouse.Publishing;

/// <summary>What both dialects share about the seg tables: which hold runs, and the rows a run writes to each.</summary>
public static class SegmentTables
{
    /// <summary>The tables whose rows belong to a run (the run's own row last).</summary>
    public static readonly string[] WithRuns =
    [
        "seg.Segment", "seg.SegmentProfile", "seg.SegmentCharacteristic", "seg.SegmentDiscrimination", "seg.SegmentTrait", "seg.CustomerSegment", "seg.ContactSegment", "seg.SegmentMigration", "seg.ModelRun",
    ];

    /// <summary>The tables of the persona portfolio, rewritten whole after each publish of product personas.</summary>
    public static readonly string[] Portfolio = ["seg.GoldenPersona", "seg.GoldenPersonaMember", "seg.PortfolioMap", "seg.BuyingUnit"];

    /// <summary>The run's rows for every table but the memberships (which each store loads its own way).</summary>
    public static IEnumerable<(string Table, string[] Columns, IEnumerable<object?[]> Rows)> RowsOf(long run, RunData data)
    {
        var model = data.Header.Model;
        yield return ("seg.Segment", ["RunId", "SegmentKey", "Model", "NodeUniqueName", "Name", "Description", "Population", "Share", "TrainingSupport", "Level", "IsRetired", "MatchSimilarity", "PreviousName"],
            data.Segments.Select(s => new object?[] { run, s.Key, model, s.Node, s.Name, s.Description, s.Population, s.Share, s.TrainingSupport, data.Header.Level, s.Retired, s.Similarity, s.PreviousName }));
        yield return ("seg.SegmentProfile", ["RunId", "SegmentKey", "Attribute", "Value", "Probability", "Support", "Mean", "StdDev", "Minimum", "P25", "Median", "P75", "Maximum"],
            data.Profiles.Select(p => new object?[] { run, p.Key, p.Attribute, p.Value, p.Probability, p.Support, p.Mean, p.StdDev, p.Minimum, p.P25, p.Median, p.P75, p.Maximum }));
        yield return ("seg.SegmentCharacteristic", ["RunId", "SegmentKey", "Attribute", "Value", "Probability", "Score", "Rank", "Minimum", "Maximum"],
            data.Characteristics.Select(c => new object?[] { run, c.Key, c.Attribute, c.Value, c.Probability, c.Score, c.Rank, c.Minimum, c.Maximum }));
        yield return ("seg.SegmentDiscrimination", ["RunId", "SegmentKey", "Attribute", "Value", "Score", "Favors"],
            data.Discrimination.Select(d => new object?[] { run, d.Key, d.Attribute, d.Value, d.Score, d.Favors }));
        yield return ("seg.SegmentTrait", ["RunId", "SegmentKey", "Attribute", "Value", "Phrase", "MemberValue", "PopulationValue", "Direction", "PValue", "EffectSize", "ComparedWithKey", "InName", "Rank"],
            data.Traits.Select(t => new object?[] { run, t.Key, t.Attribute, t.Value, t.Phrase, t.MemberValue, t.PopulationValue, t.Direction, t.PValue, t.EffectSize, t.ComparedWithKey, t.InName, t.Rank }));
    }
}
