using SegmentMiner.Pipeline.Publishing.Facts;

namespace SegmentMiner.Pipeline.Reporting;

/// <summary>One card per persona, for marketing: name, description, size, what sets it apart, change since the last run.</summary>
internal sealed partial class ReportRenderer
{
    private void Cards()
    {
        Section("cards", "Personas at a glance", "One card per persona: who they are, how many, the traits that set them apart from the rest, and the change since the previous run.");
        foreach (var layer in view.Layers)
        {
            _w.Element("h3", layer.FullTitle).Line().Open("div", ("class", "cards")).Line();
            foreach (var s in layer.Segments)
            {
                Card(layer, s);
            }

            _w.Close("div").Line();
        }

        _w.Close("section").Line();
    }

    private void Card(ReportLayer layer, ReportSegment s)
    {
        _w.Open("article", ("class", "card"), ("id", $"card-{s.Key}")).Element("h4", s.Name).Element("p", s.Description)
            .Element("p", $"{ReportView.Count(s.Population)} {layer.Members}, {ReportView.Percent(s.Share)} of the {layer.Members} in {layer.FullTitle.ToLowerInvariant()}", ("class", "size"));
        var traits = CardTraits(s.Key);
        if (traits.Count > 0)
        {
            _w.Element("p", "What sets them apart:").Open("ul");
            foreach (var t in traits)
            {
                _w.Element("li", TraitText(t));
            }

            _w.Close("ul");
        }
        else
        {
            _w.Element("p", s.NotProfiled ? "Not profiled: the model has no data for these members." : "Nothing sets them apart from the rest at the tested level.", ("class", "meta"));
        }

        _w.Element("p", view.ChangeText(layer, s)).Open("p").Element("a", $"Details of {s.Name}", ("href", $"#persona-{s.Key}")).Close("p").Close("article").Line();
    }

    /// <summary>Three to five traits: those the name is made of first, then the strongest others.</summary>
    private List<ReportTrait> CardTraits(long key) =>
        view.Traits[key].OrderByDescending(t => t.InName).ThenBy(t => t.Rank).Take(5).ToList();

    /// <summary>"in Manufacturing: 45% against 12% overall"; means in the attribute's unit.</summary>
    private string TraitText(ReportTrait t) => $"{t.Phrase}: {TraitValue(t, t.MemberValue)} against {TraitValue(t, t.PopulationValue)} overall";

    private string TraitValue(ReportTrait t, double value) =>
        t.IsShare ? ReportView.Percent(value, 0) : view.Format(value, AttributeWords.UnitOf(t.Attribute));
}
