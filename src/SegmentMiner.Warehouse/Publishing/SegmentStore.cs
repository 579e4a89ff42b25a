using SegmentMiner.Core.Models;

namespace SegmentMiner.Warehouse.Publishing;

/// <summary>
/// A run's header: what was published, from which processing. A partition of a partitioned definition (a product's
/// personas) names its <paramref name="Family"/> (the definition) and its <paramref name="Product"/>; its members are
/// contacts, not accounts.
/// </summary>
public sealed record RunHeader(string Model, string Engine, DateTime? ProcessedAt, long Cases, int Clusters, string Parameters, string DefinitionHash, string Status, string? Notice,
    string? Family = null, string? Product = null)
{
    /// <summary>What the run's members are: "contact" for a product's personas, else "account".</summary>
    public string Level => Product is null ? "account" : "contact";
}

/// <summary>A segment of a run; <paramref name="PreviousName"/> is the name it had when this run renamed it.</summary>
public sealed record SegmentRecord(long Key, string? Node, string Name, string Description, long Population, double Share, double TrainingSupport, bool Retired, double? Similarity, string? PreviousName = null);

/// <summary>A state's share of a segment, or a continuous attribute's presence with its exact mean, spread and quantiles.</summary>
public sealed record ProfileRecord(long Key, string Attribute, string Value, double Probability, double Support, double? Mean, double? StdDev,
    double? Minimum = null, double? P25 = null, double? Median = null, double? P75 = null, double? Maximum = null);

/// <summary>A state or bin: the members' share (Probability), lift (Score) and rank; a bin's smallest and largest value.</summary>
public sealed record CharacteristicRecord(long Key, string Attribute, string Value, double Probability, double Score, int Rank, double? Minimum = null, double? Maximum = null);

/// <summary>A row of seg.SegmentTrait.</summary>
public sealed record TraitRecord(long Key, string Attribute, string Value, string Phrase, double MemberValue, double PopulationValue, string Direction, double PValue, double EffectSize, long? ComparedWithKey, bool InName, int Rank);

public sealed record DiscriminationRecord(long Key, string Attribute, string Value, double Score, string Favors);

/// <summary>A case's segment: <paramref name="AccountId"/> is the case key (a contact's id for a product's personas).</summary>
public sealed record MembershipRecord(string AccountId, long Key, double Probability);

/// <summary>
/// Everything one publish writes for one model; customers outside the predictions go to <see cref="UnscoredKey"/>.
/// Keys from <see cref="FirstNewKey"/> on were minted by this publish.
/// </summary>
public sealed record RunData(
    RunHeader Header,
    IReadOnlyList<SegmentRecord> Segments,
    IReadOnlyList<ProfileRecord> Profiles,
    IReadOnlyList<CharacteristicRecord> Characteristics,
    IReadOnlyList<DiscriminationRecord> Discrimination,
    IReadOnlyList<TraitRecord> Traits,
    IReadOnlyList<MembershipRecord> Memberships,
    long? UnscoredKey,
    long? PreviousRunId,
    long FirstNewKey);

public sealed record CurrentRun(long RunId, DateTime? ProcessedAt, string DefinitionHash);

/// <summary>A model's latest run, current or not (a skipped layer's run is never current).</summary>
public sealed record LatestRun(long RunId, string Status, string? Notice, string DefinitionHash);

public sealed record StoredSegment(long Key, string? Node, string Name, string Description, bool Retired);

/// <summary>
/// The seg schema, one implementation per warehouse dialect. Reads are short; <see cref="WriteRunAsync"/> writes a
/// whole run in one transaction and makes it current only at its end, then drops runs past the retention.
/// </summary>
public interface ISegmentStore
{
    /// <summary>Rows of a view; with <paramref name="where"/>, only those whose column holds the value.</summary>
    Task<long> CountAsync(string schema, string view, ColumnValue? where, CancellationToken cancellationToken);

    Task<long> CustomersAsync(CancellationToken cancellationToken);

    Task<CurrentRun?> CurrentRunAsync(string model, CancellationToken cancellationToken);

    Task<LatestRun?> LatestRunAsync(string model, CancellationToken cancellationToken);

    /// <summary>Every row of a view (with <paramref name="where"/>, those whose column holds the value): the given columns, in order.</summary>
    IAsyncEnumerable<object?[]> ReadRowsAsync(string schema, string view, IReadOnlyList<string> columns, CancellationToken cancellationToken, ColumnValue? where = null);

    Task<IReadOnlyList<StoredSegment>> SegmentsAsync(long run, CancellationToken cancellationToken);

    Task<IReadOnlyList<ProfileRecord>> ProfilesAsync(long run, CancellationToken cancellationToken);

    /// <summary>
    /// The model's segments that are not in <paramref name="previousRun"/> as active ones but were active in a kept run:
    /// each with its last name and profile, so a cluster that comes back gets its key back.
    /// </summary>
    Task<IReadOnlyList<(StoredSegment Segment, IReadOnlyList<ProfileRecord> Profile)>> RetiredAsync(string model, long previousRun, CancellationToken cancellationToken);

    /// <summary>The first key no segment of any model has used.</summary>
    Task<long> NextSegmentKeyAsync(CancellationToken cancellationToken);

    /// <summary>Records a skipped layer (not current); returns its run id.</summary>
    Task<long> WriteSkippedAsync(RunHeader header, CancellationToken cancellationToken);

    /// <summary>Writes the run, makes it current, drops old runs beyond <paramref name="keepRuns"/>; returns its run id.</summary>
    Task<long> WriteRunAsync(RunData run, int keepRuns, Action<long>? afterMembershipRows, CancellationToken cancellationToken);

    /// <summary>Makes a kept published run of the model current again; false when there is no such run.</summary>
    Task<bool> RestoreRunAsync(string model, long run, CancellationToken cancellationToken);

    /// <summary>Replaces the rows of whole tables (the persona portfolio's) in one transaction: every table, or none.</summary>
    Task ReplaceTablesAsync(IReadOnlyList<(string Table, string[] Columns, IReadOnlyList<object?[]> Rows)> tables, CancellationToken cancellationToken);

    /// <summary>Rewrites seg.PersonaMap from the current runs of the three layers.</summary>
    Task RebuildPersonaMapAsync(string market, string buyer, string survey, CancellationToken cancellationToken);
}
