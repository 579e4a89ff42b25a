global using SegmentMiner.Core.Mining;
