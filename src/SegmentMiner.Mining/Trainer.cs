namespace SegmentMiner.Mining;

/// <summary>What training produced, before it becomes a <see cref="ClusteringModel"/>.</summary>
internal sealed record TrainResult(Mixture Mixture, double[] Support, double LogLikelihood, int Iterations, IReadOnlyList<double> Objectives, long Cases)
{
    /// <summary>Wall time of each training iteration (one E-step and one M-step over the buffer).</summary>
    public IReadOnlyList<TimeSpan> IterationTimes { get; init; } = [];
}

/// <summary>
/// Trains the mixture. Scalable methods read the cases once, SAMPLE_SIZE at a time: each buffer is fitted
/// together with the sufficient statistics of the buffers before it, then compressed into them (primary
/// compression of every case, after Bradley, Fayyad and Reina), so memory is bounded by the buffer, not by the
/// data. Non-scalable methods keep every case and iterate over all of them.
/// </summary>
internal sealed class Trainer
{
    private const int MaxEmIterations = 300;
    /// <summary>How often the main fit reports its progress.</summary>
    private static readonly TimeSpan ProgressInterval = TimeSpan.FromSeconds(2);

    /// <summary>K-means iterations at most: with bounds, the last ones re-check only the few cases near a boundary.</summary>
    private const int MaxKMeansIterations = 5000;
    private const int CandidateIterations = 5;
    private const int SeedingSample = 5000;
    private readonly ClusteringParameters _p;
    private readonly AttributeSet _set;
    private readonly Action<string>? _progress;
    private readonly List<TimeSpan> _iterationTimes = [];

    public Trainer(ClusteringParameters parameters, AttributeSet set, Action<string>? progress)
    {
        _p = parameters;
        _set = set;
        _progress = progress;
    }

    private bool Hard => _p.Method is ClusteringMethod.ScalableKMeans or ClusteringMethod.NonScalableKMeans;

    private bool Scalable => _p.Method is ClusteringMethod.ScalableEm or ClusteringMethod.ScalableKMeans && _p.SampleSize > 0;

    public TrainResult Train(IEnumerable<object?[]> cases, CancellationToken cancellationToken)
    {
        var nd = _set.Discrete.Length;
        var buffer = NewBuffer();
        var rootStates = new long[_set.TotalStates];
        Statistics? compressed = null;
        Mixture? mixture = null;
        var objectives = new List<double>();
        var iterations = 0;
        long n = 0;

        void Process(bool last)
        {
            if (buffer.Count == 0)
            {
                return;
            }

            if (mixture is null)
            {
                _progress?.Invoke($"{n:N0} cases read; choosing the start among {_p.ModellingCardinality} candidate models");
                mixture = Initialize(buffer, ChooseCount(buffer));
                _progress?.Invoke($"start chosen: {mixture.K} clusters");
            }
            var (stats, its) = FitWithReseeding(mixture, buffer, compressed, objectives, cancellationToken);
            iterations += its;
            if (compressed is null)
            {
                compressed = stats;
            }
            else
            {
                compressed.Add(stats);
            }

            _progress?.Invoke($"{n:N0} cases read, {mixture.K} clusters, {iterations} iterations");
            if (!last)
            {
                buffer.Clear();
            }
        }

        foreach (var row in cases)
        {
            cancellationToken.ThrowIfCancellationRequested();
            buffer.Add(_set, row, grow: !Scalable);
            var states = buffer.States(buffer.Count - 1);
            for (var j = 0; j < nd; j++)
            {
                rootStates[_set.Offsets[j] + states[j]]++;
            }

            n++;
            if (Scalable && buffer.IsFull)
            {
                Process(last: false);
            }
        }

        Process(last: true);
        if (mixture is null || compressed is null)
        {
            throw new MiningException("the training data has no cases");
        }

        _set.RootStateCounts = rootStates;
        mixture.Maximize(compressed);
        // The compressed statistics of every buffer give the final parameters; their log-likelihoods, each taken at
        // the end of its buffer's fit, add up to the model's.
        var support = compressed.N.ToArray();
        return DropSmall(mixture, support, compressed.Objective, iterations, objectives, n) with { IterationTimes = _iterationTimes };
    }

    /// <summary>
    /// The training buffer: SAMPLE_SIZE cases for the scalable methods; every case for the others, sized from the
    /// structure pass's count so that it never regrows (it still can, should the source return more cases the second time).
    /// </summary>
    private CaseBuffer NewBuffer()
    {
        var nd = _set.Discrete.Length;
        var nc = _set.Continuous.Length;
        var kept = (int)Math.Clamp(_set.Cases, 1, Array.MaxLength / Math.Max(1, Math.Max(nd, nc)));
        return new CaseBuffer(Scalable ? _p.SampleSize : kept, nd, nc);
    }

    /// <summary>The count search alone, on the first buffer of cases.</summary>
    public int SearchCount(IEnumerable<object?[]> cases, CancellationToken cancellationToken)
    {
        var buffer = NewBuffer();
        foreach (var row in cases)
        {
            cancellationToken.ThrowIfCancellationRequested();
            buffer.Add(_set, row, grow: !Scalable);
            if (Scalable && buffer.IsFull)
            {
                break;
            }
        }

        return ChooseCount(buffer);
    }

    /// <summary>Starts fitted for every candidate count; the best BIC of them counts.</summary>
    internal const int CountStarts = 3;

    /// <summary>Further random starts a count gets before the search stops on it: a stop must not rest on an unlucky fit.</summary>
    internal const int RetryStarts = 10;

    /// <summary>The count grows while a further cluster gains at least this share of the first split's BIC gain.</summary>
    internal const double GainShare = 0.1;

    /// <summary>A gain below this many times the bar is near it: the count before it gets more starts before the gain is trusted.</summary>
    internal const double NearBar = 1.5;

    /// <summary>Cases the count search fits on.</summary>
    internal const int CountSample = 5_000;

    /// <summary>
    /// CLUSTER_COUNT, or with 0 a count chosen on the first buffer (Microsoft's heuristic is undocumented; this one is
    /// ours). Counts 1, 2, ... are fitted by EM on a sample and scored by BIC, each from <see cref="CountStarts"/>
    /// random starts and a warm start (the previous count's fit with its heaviest cluster split), keeping the best.
    /// Real groups are rarely Gaussian, and BIC keeps improving a little with every split of a group along its own
    /// internal structure (a product count, a price tier), so the count stops growing at the first count whose next
    /// split gains less than a tenth of what the first split (one cluster to two) gained, or gains nothing. The gain
    /// of the first split is large and the same from any start, so the yardstick does not move with the luck of the
    /// later fits. The sample and the starts come from <see cref="ClusteringParameters.CountSearchSeed"/>, not
    /// CLUSTER_SEED: the count is the same whatever CLUSTER_SEED.
    /// </summary>
    private int ChooseCount(CaseBuffer buffer)
    {
        if (_p.ClusterCount > 0)
        {
            return _p.ClusterCount;
        }

        var seed = _p.CountSearchSeed;
        var sample = Sample(buffer, CountSample, new Random(seed));
        var (first, previous) = FitCount(sample, Initialize(sample, 1, 1, hard: false, seed));
        _progress?.Invoke($"cluster count 1: BIC {first:0.0}");
        var (last, chosen) = (first, previous.K);
        double? yardstick = null;
        for (var k = 2; k <= _p.MaximumSearchedClusterCount; k++)
        {
            var warm = FitCount(sample, Split(previous, new Random(unchecked((seed * 17) + k))));
            var (bic, fitted) = new[] { BestFit(sample, k, seed, 0, CountStarts), warm }.MinBy(f => f.Bic);
            yardstick ??= last - bic;
            if (last - bic < GainShare * yardstick)
            {
                // Before stopping here, more starts: one of them may find the better optimum the first few missed.
                (bic, fitted) = new[] { BestFit(sample, k, seed, CountStarts, RetryStarts), (Bic: bic, Fitted: fitted) }.MinBy(f => f.Bic);
            }
            else if (last - bic < NearBar * GainShare * yardstick && k > 2)
            {
                // A gain just past the bar may only say that the count before was fitted poorly: give it more starts too.
                last = Math.Min(last, BestFit(sample, k - 1, seed, CountStarts, RetryStarts).Bic);
            }

            _progress?.Invoke($"cluster count {k}: BIC {bic:0.0}");
            var gain = last - bic;
            if (gain <= 0 || gain < GainShare * yardstick)
            {
                break;
            }

            (last, chosen, previous) = (bic, fitted.K, fitted);
        }

        return chosen;
    }

    /// <summary>
    /// The best fit of random starts <paramref name="from"/> to from + count - 1 for k clusters, each start the best
    /// of three k-means++ seedings.
    /// </summary>
    private (double Bic, Mixture Fitted) BestFit(CaseBuffer sample, int k, int seed, int from, int count) =>
        Enumerable.Range(from, count)
            .Select(r => FitCount(sample, Initialize(sample, k, Math.Min(3, _p.ModellingCardinality), hard: false, unchecked((seed * 31) + r))))
            .MinBy(f => f.Bic);

    /// <summary>Fits a start on the sample (at most 100 EM iterations) and scores it by BIC.</summary>
    private (double Bic, Mixture Fitted) FitCount(CaseBuffer sample, Mixture m)
    {
        var (stats, _) = Fit(m, sample, null, null, CancellationToken.None, hard: false, maxIterations: 100);
        m.Maximize(stats);
        return (Bic(m, stats.Objective, sample.Count), m);
    }

    /// <summary>
    /// A start for one more cluster than <paramref name="m"/>: its heaviest cluster split in two, half the weight each,
    /// means moved half a standard deviation apart and state probabilities tilted opposite ways. Warm starts from the
    /// previous count's fit keep the count search's BIC curve from jumping with the luck of random starts.
    /// </summary>
    private Mixture Split(Mixture m, Random rng)
    {
        var heaviest = Array.IndexOf(m.Weight, m.Weight.Max());
        var s = new Mixture(m.K + 1, _set);
        var states = _set.TotalStates;
        for (var c = 0; c <= m.K; c++)
        {
            var from = c < m.K ? c : heaviest;
            s.Weight[c] = c == heaviest || c == m.K ? m.Weight[heaviest] / 2 : m.Weight[c];
            Array.Copy(m.StateProb, from * states, s.StateProb, c * states, states);
            Array.Copy(m.Mean, from * m.Nc, s.Mean, c * m.Nc, m.Nc);
            Array.Copy(m.Var, from * m.Nc, s.Var, c * m.Nc, m.Nc);
            Array.Copy(m.PMissing, from * m.Nc, s.PMissing, c * m.Nc, m.Nc);
        }

        for (var v = 0; v < m.Nc; v++)
        {
            var delta = (rng.Next(2) == 0 ? -0.5 : 0.5) * Math.Sqrt(s.Var[(heaviest * m.Nc) + v]);
            s.Mean[(heaviest * m.Nc) + v] += delta;
            s.Mean[(m.K * m.Nc) + v] -= delta;
        }

        for (var j = 0; j < m.Nd; j++)
        {
            Tilt(s, heaviest, m.K, _set.Offsets[j], _set.Offsets[j + 1], rng);
        }

        s.Prepare();
        return s;
    }

    /// <summary>Multiplies one cluster's state probabilities by random factors and the other's by their inverses; each stays a distribution.</summary>
    private void Tilt(Mixture s, int a, int b, int start, int end, Random rng)
    {
        var states = _set.TotalStates;
        double sumA = 0, sumB = 0;
        for (var i = start; i < end; i++)
        {
            var f = Math.Exp(0.5 * ((2 * rng.NextDouble()) - 1));
            s.StateProb[(a * states) + i] *= f;
            s.StateProb[(b * states) + i] /= f;
            sumA += s.StateProb[(a * states) + i];
            sumB += s.StateProb[(b * states) + i];
        }

        for (var i = start; i < end; i++)
        {
            s.StateProb[(a * states) + i] /= sumA;
            s.StateProb[(b * states) + i] /= sumB;
        }
    }

    /// <summary>BIC = -2 log L + p ln n, with p the free parameters of the input attributes.</summary>
    public static double Bic(Mixture m, double logLikelihood, double n)
    {
        var perCluster = 0;
        for (var j = 0; j < m.Nd; j++)
        {
            if (m.Set.IsInputDiscrete(j)) perCluster += m.Set.Offsets[j + 1] - m.Set.Offsets[j] - 1;
        }

        for (var c = 0; c < m.Nc; c++)
        {
            if (m.Set.IsInputContinuous(c)) perCluster += 3;
        }

        var p = (m.K - 1) + (m.K * perCluster);
        return (-2 * logLikelihood) + (p * Math.Log(Math.Max(n, 2)));
    }

    private Mixture Initialize(CaseBuffer buffer, int k) => Initialize(buffer, k, _p.ModellingCardinality, Hard, _p.ClusterSeed);

    /// <summary>
    /// MODELLING_CARDINALITY candidate models, each seeded by k-means++ on a sample with its own seed from
    /// CLUSTER_SEED, refined for a few iterations; the best (log-likelihood, or distance for K-means) is kept.
    /// </summary>
    private Mixture Initialize(CaseBuffer buffer, int k, int candidates, bool hard, int seed)
    {
        var rng = new Random(seed);
        var sample = Sample(buffer, SeedingSample * 2, rng);
        Mixture? best = null;
        var bestScore = double.NegativeInfinity;
        for (var c = 0; c < candidates; c++)
        {
            var m = Seed(sample, k, new Random(unchecked((seed * 7919) + (c * 104_729) + k)));
            var (stats, _) = Fit(m, sample, null, null, CancellationToken.None, hard, CandidateIterations);
            m.Maximize(stats);
            var score = hard ? -stats.Objective : stats.Objective;
            if (score > bestScore)
            {
                bestScore = score;
                best = m;
            }
        }

        return best!;
    }

    private static CaseBuffer Sample(CaseBuffer buffer, int size, Random rng)
    {
        if (buffer.Count <= size)
        {
            return buffer;
        }

        var picked = new int[size];
        for (var i = 0; i < size; i++)
        {
            picked[i] = rng.Next(buffer.Count);
        }

        Array.Sort(picked);
        return buffer.Subset(picked);
    }

    /// <summary>k-means++ seeds with the K-means distance; a cluster starts at its seed, blended with the sample's marginals.</summary>
    private Mixture Seed(CaseBuffer sample, int k, Random rng)
    {
        var one = new Mixture(1, _set);
        one.Maximize(Expectation.Run(Uniform(one), sample, hard: true, _p.Threads));
        var seeds = new List<int> { rng.Next(sample.Count) };
        var d2 = new double[sample.Count];
        Array.Fill(d2, double.PositiveInfinity);
        while (seeds.Count < k)
        {
            var last = seeds[^1];
            var total = 0.0;
            for (var i = 0; i < sample.Count; i++)
            {
                d2[i] = Math.Min(d2[i], Distance(sample, i, last));
                total += d2[i];
            }

            if (total <= 1e-12)
            {
                break; // fewer distinct cases than clusters: build as many as the data supports
            }

            var target = rng.NextDouble() * total;
            var pick = sample.Count - 1;
            for (var i = 0; i < sample.Count; i++)
            {
                target -= d2[i];
                if (target <= 0)
                {
                    pick = i;
                    break;
                }
            }

            seeds.Add(pick);
        }

        var m = new Mixture(seeds.Count, _set);
        for (var c = 0; c < seeds.Count; c++)
        {
            m.Weight[c] = 1.0 / seeds.Count;
            var states = sample.States(seeds[c]);
            var values = sample.Values(seeds[c]);
            for (var j = 0; j < m.Nd; j++)
            {
                for (var s = _set.Offsets[j]; s < _set.Offsets[j + 1]; s++)
                {
                    m.StateProb[(c * _set.TotalStates) + s] = (0.5 * one.StateProb[s]) + (s == _set.Offsets[j] + states[j] ? 0.5 : 0);
                }
            }

            for (var v = 0; v < m.Nc; v++)
            {
                m.Mean[(c * m.Nc) + v] = double.IsNaN(values[v]) ? one.Mean[v] : values[v];
                m.Var[(c * m.Nc) + v] = Math.Max(one.Var[v], Mixture.VarianceFloor);
                m.PMissing[(c * m.Nc) + v] = one.PMissing[v];
            }
        }

        m.Prepare();
        return m;
    }

    private static Mixture Uniform(Mixture m)
    {
        m.Weight[0] = 1;
        m.Prepare();
        return m;
    }

    private double Distance(CaseBuffer b, int x, int y)
    {
        var sx = b.States(x);
        var sy = b.States(y);
        var d = 0.0;
        for (var j = 0; j < sx.Length; j++)
        {
            if (_set.IsInputDiscrete(j) && sx[j] != sy[j]) d += 1;
        }

        var vx = b.Values(x);
        var vy = b.Values(y);
        for (var c = 0; c < vx.Length; c++)
        {
            if (_set.IsInputContinuous(c) && !double.IsNaN(vx[c]) && !double.IsNaN(vy[c]))
            {
                var t = vx[c] - vy[c];
                d += t * t;
            }
        }

        return d;
    }

    /// <summary>Fits, then reseeds clusters below MINIMUM_SUPPORT at the worst-fitted cases and fits again (three rounds at most).</summary>
    private (Statistics Stats, int Iterations) FitWithReseeding(Mixture m, CaseBuffer buffer, Statistics? compressed, List<double>? objectives, CancellationToken ct)
    {
        var total = 0;
        for (var round = 0; ; round++)
        {
            var (stats, its) = Fit(m, buffer, compressed, objectives, ct, Hard, Hard ? MaxKMeansIterations : MaxEmIterations);
            total += its;
            var small = Enumerable.Range(0, m.K).Where(k => stats.N[k] + (compressed?.N[k] ?? 0) < Math.Max(_p.MinimumSupport, 1e-6)).ToList();
            if (small.Count == 0 || round == 3)
            {
                return (stats, total);
            }

            Reseed(m, buffer, small, new Random(unchecked((_p.ClusterSeed * 31) + round)));
        }
    }

    private void Reseed(Mixture m, CaseBuffer buffer, List<int> clusters, Random rng)
    {
        var scores = new double[m.K];
        var sample = Sample(buffer, SeedingSample, rng);
        var worst = Enumerable.Range(0, sample.Count).Select(i =>
        {
            var values = new double[m.Nc];
            sample.ValuesInto(i, values);
            m.LogJoint(sample.States(i), values, scores);
            return (i, fit: scores.Max());
        }).OrderBy(t => t.fit).Select(t => t.i).Take(clusters.Count).ToList();
        for (var r = 0; r < clusters.Count && r < worst.Count; r++)
        {
            var k = clusters[r];
            var states = sample.States(worst[r]);
            var values = sample.Values(worst[r]);
            for (var j = 0; j < m.Nd; j++)
            {
                for (var s = _set.Offsets[j]; s < _set.Offsets[j + 1]; s++)
                {
                    m.StateProb[(k * _set.TotalStates) + s] = s == _set.Offsets[j] + states[j] ? 0.9 : 0.1 / (_set.Offsets[j + 1] - _set.Offsets[j] - 1);
                }
            }

            for (var c = 0; c < m.Nc; c++)
            {
                if (!double.IsNaN(values[c])) m.Mean[(k * m.Nc) + c] = values[c];
            }

            m.Weight[k] = 1.0 / m.K;
        }

        m.Prepare();
    }

    /// <summary>
    /// Iterates E and M steps over <paramref name="buffer"/> (plus the compressed statistics of earlier buffers)
    /// until the cases' cluster probabilities move by less than STOPPING_TOLERANCE cases in all, or the objective
    /// stops improving (relative change below 1e-9 for EM, 1e-7 for K-means without bounds), or the iteration bound.
    /// How the move is measured is our choice ("the size of the model" is undocumented): for K-means with bounds, the
    /// number of cases that changed cluster (each moves a whole case's probability), which runs to a true fixed point
    /// of the algorithm on any size of data; otherwise the sum of the changes of the clusters' sizes. Returns the
    /// statistics of the last E-step.
    /// </summary>
    private (Statistics Stats, int Iterations) Fit(
        Mixture m, CaseBuffer buffer, Statistics? compressed, List<double>? objectives, CancellationToken ct, bool hard, int maxIterations)
    {
        Statistics stats = null!;
        double[]? previousN = null;
        var previousObjective = double.NaN;
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var bounded = hard ? BoundedAssignment.TryCreate(m, buffer) : null;
        // The main fit reports how it goes every few seconds (a long K-means run creeps for hundreds of iterations).
        var report = System.Diagnostics.Stopwatch.StartNew();
        for (var it = 1; ; it++)
        {
            ct.ThrowIfCancellationRequested();
            if (objectives is not null && it > 1)
            {
                _iterationTimes.Add(watch.Elapsed);
            }

            watch.Restart();
            stats = bounded?.Step(m, _p.Threads) ?? Expectation.Run(m, buffer, hard, _p.Threads);
            objectives?.Add(hard ? stats.Objective : stats.Objective + m.LogPrior());
            var all = compressed is null ? stats : Combine(stats, compressed, m);
            var objective = stats.Objective;
            double move;
            var flat = false;
            if (bounded is not null)
            {
                move = it == 1 ? double.PositiveInfinity : bounded.Changed;
            }
            else
            {
                move = previousN is null ? double.PositiveInfinity : all.N.Select((x, k) => Math.Abs(x - previousN[k])).Sum();
                // Relative change of the objective: 1e-7 for K-means (as ML.NET's OptimizationTolerance), 1e-9 for EM.
                flat = !double.IsNaN(previousObjective) && Math.Abs(objective - previousObjective) <= (hard ? 1e-7 : 1e-9) * Math.Max(1, Math.Abs(objective));
            }

            if (objectives is not null && _progress is not null && report.Elapsed >= ProgressInterval && double.IsFinite(move))
            {
                report.Restart();
                _progress(hard
                    ? $"iteration {it}: {(bounded is null ? $"cluster sizes moved by {move:N0} cases" : $"{move:N0} cases changed cluster")}, distance {objective:N0}"
                    : $"iteration {it}: cluster sizes moved by {move:N0} cases, log-likelihood {objective:N1}");
            }

            previousN = all.N.ToArray();
            previousObjective = objective;
            m.Maximize(all);
            if (it >= maxIterations || move < _p.StoppingTolerance || flat)
            {
                return (stats, it);
            }
        }
    }

    private static Statistics Combine(Statistics a, Statistics b, Mixture m)
    {
        var s = a.Copy(m.K, m.Set.TotalStates, m.Nc);
        s.Add(b);
        s.Objective = a.Objective;
        return s;
    }

    /// <summary>After training, clusters whose support stays below MINIMUM_SUPPORT are dropped (CLUSTER_COUNT is approximate).</summary>
    private TrainResult DropSmall(Mixture m, double[] support, double logLikelihood, int iterations, List<double> objectives, long n)
    {
        var keep = Enumerable.Range(0, m.K).Where(k => support[k] >= _p.MinimumSupport && support[k] > 1e-9).ToList();
        if (keep.Count == 0)
        {
            keep = [Array.IndexOf(support, support.Max())];
        }

        if (keep.Count == m.K)
        {
            return new TrainResult(m, support, logLikelihood, iterations, objectives, n);
        }

        var r = new Mixture(keep.Count, _set);
        var total = keep.Sum(k => support[k]);
        for (var i = 0; i < keep.Count; i++)
        {
            var k = keep[i];
            r.Weight[i] = support[k] / total;
            Array.Copy(m.StateProb, k * _set.TotalStates, r.StateProb, i * _set.TotalStates, _set.TotalStates);
            Array.Copy(m.Mean, k * m.Nc, r.Mean, i * m.Nc, m.Nc);
            Array.Copy(m.Var, k * m.Nc, r.Var, i * m.Nc, m.Nc);
            Array.Copy(m.PMissing, k * m.Nc, r.PMissing, i * m.Nc, m.Nc);
        }

        r.Prepare();
        return new TrainResult(r, keep.Select(k => support[k]).ToArray(), logLikelihood, iterations, objectives, n);
    }
}
