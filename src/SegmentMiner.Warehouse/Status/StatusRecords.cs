namespace SegmentMiner.Warehouse.Status;

/// <summary>A job's last run in ops.JobRun.</summary>
public sealed record LastJobRun(long JobRunId, string Job, string Status, string TriggerName, string HostName, DateTime StartedAt, DateTime? FinishedAt, string? Error);

/// <summary>A model's current published run in seg.ModelRun.</summary>
public sealed record PublishedRun(string Model, long RunId, DateTime PublishedAt, DateTime? ProcessedAt, long Cases, int Clusters);

/// <summary>Row counts of the warehouse's main tables, and its last committed sync batch.</summary>
public sealed record WarehouseCounts(long Customers, long Invoices, long Subscriptions, long Opportunities, long SurveyAnswers, long? LastBatchId, DateTime? LastBatchAt);
