namespace SegmentMiner.Warehouse.Publishing;

/// <summary>A run's header: what was published, from which processing.</summary>
public sealed record RunHeader(string Model, string Engine, DateTime? ProcessedAt, long Cases, int Clusters, string Parameters, string DefinitionHash, string Status, string? Notice);

public sealed record SegmentRecord(long Key, string? Node, string Name, string Description, long Population, double Share, double TrainingSupport, bool Retired, double? Similarity);

public sealed record ProfileRecord(long Key, string Attribute, string Value, double Probability, double Support, double? Mean, double? StdDev);

public sealed record CharacteristicRecord(long Key, string Attribute, string Value, double Probability, double Score, int Rank);

public sealed record DiscriminationRecord(long Key, string Attribute, string Value, double Score, string Favors);

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
    IReadOnlyList<MembershipRecord> Memberships,
    long? UnscoredKey,
    long? PreviousRunId,
    long FirstNewKey);

public sealed record CurrentRun(long RunId, DateTime? ProcessedAt, string DefinitionHash);

public sealed record StoredSegment(long Key, string? Node, string Name, string Description, bool Retired);

/// <summary>
/// The seg schema, one implementation per warehouse dialect. Reads are short; <see cref="WriteRunAsync"/> writes a
/// whole run in one transaction and makes it current only at its end, then drops runs past the retention.
/// </summary>
public interface ISegmentStore
{
    Task<long> CountAsync(string schema, string view, CancellationToken cancellationToken);

    Task<long> CustomersAsync(CancellationToken cancellationToken);

    Task<CurrentRun?> CurrentRunAsync(string model, CancellationToken cancellationToken);

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

    /// <summary>Rewrites seg.PersonaMap from the current runs of the three layers.</summary>
    Task RebuildPersonaMapAsync(string market, string buyer, string survey, CancellationToken cancellationToken);
}
