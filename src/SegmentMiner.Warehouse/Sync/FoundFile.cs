namespace SegmentMiner.Warehouse.Sync;

/// <summary>A source file found under <c>sources/</c>, and whether this sync reads it (new, or changed since it was loaded).</summary>
internal sealed record FoundFile(SourceFileInfo Info, bool IsNew);

/// <summary>The newest ops.SourceFile record of a file name: what the file was when a batch last loaded it.</summary>
internal sealed record KnownSourceFile(string FileName, long SizeBytes, string Sha256, DateTime? FileModifiedAt, long BatchId);
