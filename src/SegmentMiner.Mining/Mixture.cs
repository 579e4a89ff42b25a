using System.Runtime.Intrinsics;

namespace SegmentMiner.Mining;

/// <summary>
/// The mixture: per cluster a weight, a categorical distribution per discrete attribute (Missing is state 0),
/// and per continuous attribute a Gaussian over existing values plus a Bernoulli for Missing. Attributes are
/// independent within a cluster. Continuous values are in model space (z-scores when normalized).
/// </summary>
internal sealed class Mixture
{
    /// <summary>Dirichlet pseudo-count added to every state and to Missing/Existing. Keeps log-probabilities finite.</summary>
    public const double Prior = 1e-3;

    /// <summary>Smallest variance a cluster may have, relative to the attribute's population variance.</summary>
    public const double VarianceFloor = 1e-4;

    public Mixture(int k, AttributeSet set)
    {
        K = k;
        Set = set;
        Weight = new double[k];
        StateProb = new double[k * set.TotalStates];
        Mean = new double[k * set.Continuous.Length];
        Var = new double[k * set.Continuous.Length];
        PMissing = new double[k * set.Continuous.Length];
        LogWeight = new double[k];
        LogState = new double[StateProb.Length];
        LogMissing = new double[Mean.Length];
        LogNorm = new double[Mean.Length];
        InvTwoVar = new double[Mean.Length];
        InputDiscrete = Enumerable.Range(0, set.Discrete.Length).Where(set.IsInputDiscrete).ToArray();
        InputContinuous = Enumerable.Range(0, set.Continuous.Length).Where(set.IsInputContinuous).ToArray();
        var nIn = InputContinuous.Length;
        InMean = new double[k * nIn];
        InLogNorm = new double[k * nIn];
        InInvTwoVar = new double[k * nIn];
        InLogMissing = new double[k * nIn];
        InStateOffset = InputDiscrete.Select(j => set.Offsets[j]).ToArray();
    }

    /// <summary>Discrete attributes that shape the clusters (indices among the discrete attributes).</summary>
    public int[] InputDiscrete { get; }

    /// <summary>Continuous attributes that shape the clusters (indices among the continuous attributes).</summary>
    public int[] InputContinuous { get; }

    private int[] InStateOffset { get; }

    // Per cluster, packed over the input continuous attributes only, so the hot loops run over contiguous memory.
    internal double[] InMean { get; }

    private double[] InLogNorm { get; }

    private double[] InInvTwoVar { get; }

    private double[] InLogMissing { get; }

    // Distances as ||c||^2 - 2 x.c (plus ||x||^2): row-major per cluster, rows padded to whole blocks of four with zeros.
    private double[] DistA { get; set; } = [];

    private double[] DistBias { get; set; } = [];


    // Gaussian log densities as a bias plus a.x plus b.x^2, and the states' log-probabilities, laid out by attribute
    // for LogJoint's vector path: per input attribute (or state), the clusters side by side in groups of twelve
    // (three vectors), padded with zeros; the bias includes log(weight).
    private int _lanes;

    private double[] _logAByAttribute = [];

    private double[] _logBByAttribute = [];

    private double[] _logStateByState = [];

    private double[] _logBiasWeighted = [];

    /// <summary>Packed input values padded to whole blocks of four.</summary>
    public int PaddedInputs => (InputContinuous.Length + 3) & ~3;

    public int K { get; }

    public AttributeSet Set { get; }

    public double[] Weight { get; }

    public double[] StateProb { get; }

    public double[] Mean { get; }

    public double[] Var { get; }

    public double[] PMissing { get; }

    public double[] LogWeight { get; }

    public double[] LogState { get; }

    public double[] LogMissing { get; }

    /// <summary>log(1 - pMissing) - log(2 pi var) / 2: the constant part of an existing value's log density.</summary>
    public double[] LogNorm { get; }

    public double[] InvTwoVar { get; }

    public int Nd => Set.Discrete.Length;

    public int Nc => Set.Continuous.Length;

    /// <summary>Recomputes the log tables after the parameters changed.</summary>
    public void Prepare()
    {
        for (var k = 0; k < K; k++)
        {
            LogWeight[k] = Math.Log(Math.Max(Weight[k], 1e-300));
        }

        for (var i = 0; i < StateProb.Length; i++)
        {
            LogState[i] = Math.Log(Math.Max(StateProb[i], 1e-300));
        }

        for (var i = 0; i < Mean.Length; i++)
        {
            LogMissing[i] = Math.Log(Math.Max(PMissing[i], 1e-300));
            LogNorm[i] = Math.Log(Math.Max(1 - PMissing[i], 1e-300)) - (0.5 * Math.Log(2 * Math.PI * Var[i]));
            InvTwoVar[i] = 0.5 / Var[i];
        }

        var nIn = InputContinuous.Length;
        for (var k = 0; k < K; k++)
        {
            for (var i = 0; i < nIn; i++)
            {
                var src = (k * Nc) + InputContinuous[i];
                InMean[(k * nIn) + i] = Mean[src];
                InLogNorm[(k * nIn) + i] = LogNorm[src];
                InInvTwoVar[(k * nIn) + i] = InvTwoVar[src];
                InLogMissing[(k * nIn) + i] = LogMissing[src];
            }
        }

        PrepareBlocks();
    }

    private void PrepareBlocks()
    {
        var width = PaddedInputs;
        var count = InputContinuous.Length;
        DistA = new double[K * width];
        DistBias = new double[K];
        _lanes = ((K + 11) / 12) * 12;
        _logAByAttribute = new double[count * _lanes];
        _logBByAttribute = new double[count * _lanes];
        _logBiasWeighted = new double[_lanes];
        _logStateByState = new double[Set.TotalStates * _lanes];
        for (var k = 0; k < K; k++)
        {
            var bias = LogWeight[k];
            for (var i = 0; i < count; i++)
            {
                var mean = InMean[(k * count) + i];
                var inv = InInvTwoVar[(k * count) + i];
                DistA[(k * width) + i] = -2 * mean;
                DistBias[k] += mean * mean;
                _logAByAttribute[(i * _lanes) + k] = 2 * inv * mean;
                _logBByAttribute[(i * _lanes) + k] = -inv;
                bias += InLogNorm[(k * count) + i] - (inv * mean * mean);
            }

            _logBiasWeighted[k] = bias;
            for (var st = 0; st < Set.TotalStates; st++)
            {
                _logStateByState[(st * _lanes) + k] = LogState[(k * Set.TotalStates) + st];
            }
        }
    }

    /// <summary>The input continuous values of a case, packed; returns whether any is missing.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public bool GatherInputs(ReadOnlySpan<double> values, Span<double> packed)
    {
        var missing = false;
        for (var i = 0; i < InputContinuous.Length; i++)
        {
            var x = values[InputContinuous[i]];
            packed[i] = x;
            missing |= double.IsNaN(x);
        }

        packed[InputContinuous.Length..].Clear();
        return missing;
    }

    /// <summary>
    /// log(weight) + log P(case | cluster) as a probability rather than a density: a continuous value counts as the
    /// probability of its interval at the data's resolution (x plus or minus half a grain), so that the case's
    /// probability under the model, PredictCaseLikelihood(NONNORMALIZED), is at most 1.
    /// </summary>
    public void LogJointProbability(ReadOnlySpan<int> states, ReadOnlySpan<double> values, Span<double> result)
    {
        var ts = Set.TotalStates;
        for (var k = 0; k < K; k++)
        {
            var sum = LogWeight[k];
            for (var j = 0; j < InputDiscrete.Length; j++)
            {
                sum += LogState[(k * ts) + InStateOffset[j] + states[InputDiscrete[j]]];
            }

            foreach (var c in InputContinuous)
            {
                var x = values[c];
                var at = (k * Nc) + c;
                sum += double.IsNaN(x)
                    ? LogMissing[at]
                    : Math.Log(Math.Max(1 - PMissing[at], 1e-300)) + Kernels.LogIntervalProbability(x, Mean[at], Math.Sqrt(Var[at]), Grain(c));
            }

            result[k] = sum;
        }
    }

    /// <summary>The width of one value of continuous attribute c in the model's units: its resolution, else a hundredth of its spread.</summary>
    private double Grain(int c)
    {
        var a = Set.Attributes[Set.Continuous[c]];
        var spread = Math.Sqrt(PopulationVariance(c));
        var resolution = a.Normalized ? a.Resolution / Math.Max(a.StdDev, 1e-12) : a.Resolution;
        return resolution > 0 ? resolution : spread / 100;
    }

    /// <summary>log(weight) + log P(case | cluster) over the input attributes, for every cluster.</summary>
    public void LogJoint(ReadOnlySpan<int> states, ReadOnlySpan<double> values, Span<double> result)
    {
        Span<double> packed = stackalloc double[PaddedInputs];
        var missing = GatherInputs(values, packed);
        LogJoint(states, packed, missing, result);
    }

    /// <summary><see cref="LogJoint(ReadOnlySpan{int}, ReadOnlySpan{double}, Span{double})"/> on packed input values.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public void LogJoint(ReadOnlySpan<int> states, ReadOnlySpan<double> packed, bool anyMissing, Span<double> result)
    {
        if (!anyMissing && packed.Length == PaddedInputs && System.Runtime.Intrinsics.Vector256.IsHardwareAccelerated)
        {
            LogJointByAttribute(states, packed, result);
            return;
        }

        packed = packed[..InputContinuous.Length];
        var ts = Set.TotalStates;
        var nIn = packed.Length;
        var inD = InputDiscrete;
        var offsets = InStateOffset;
        for (var k = 0; k < K; k++)
        {
            var sum = LogWeight[k];
            var baseState = k * ts;
            for (var j = 0; j < inD.Length; j++)
            {
                sum += LogState[baseState + offsets[j] + states[inD[j]]];
            }

            var mean = InMean.AsSpan(k * nIn, nIn);
            var norm = InLogNorm.AsSpan(k * nIn, nIn);
            var inv = InInvTwoVar.AsSpan(k * nIn, nIn);
            if (!anyMissing)
            {
                sum += Kernels.GaussianLogDensity(packed, mean, norm, inv);
            }
            else
            {
                for (var i = 0; i < nIn; i++)
                {
                    var x = packed[i];
                    if (double.IsNaN(x))
                    {
                        sum += InLogMissing[(k * nIn) + i];
                    }
                    else
                    {
                        var d = x - mean[i];
                        sum += norm[i] - (d * d * inv[i]);
                    }
                }
            }

            result[k] = sum;
        }
    }

    /// <summary>
    /// LogJoint with no missing input, twelve clusters at a time: log(weight) + bias, then for each continuous input
    /// a.x + b.x^2 and for each discrete input its state's log-probability, all as vector adds across the clusters
    /// (three sets of accumulators keep the dependency chains short; no horizontal sums).
    /// </summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    private void LogJointByAttribute(ReadOnlySpan<int> states, ReadOnlySpan<double> packed, Span<double> result)
    {
        var lanes = _lanes;
        var nIn = InputContinuous.Length;
        var inD = InputDiscrete;
        var offsets = InStateOffset;
        ref var pa = ref System.Runtime.InteropServices.MemoryMarshal.GetArrayDataReference(_logAByAttribute);
        ref var pb = ref System.Runtime.InteropServices.MemoryMarshal.GetArrayDataReference(_logBByAttribute);
        ref var ps = ref System.Runtime.InteropServices.MemoryMarshal.GetArrayDataReference(_logStateByState);
        ref var pw = ref System.Runtime.InteropServices.MemoryMarshal.GetArrayDataReference(_logBiasWeighted);
        Span<double> all = stackalloc double[lanes];
        ref var target = ref System.Runtime.InteropServices.MemoryMarshal.GetReference(all);
        for (var g = 0; g < lanes; g += 12)
        {
            var gg = (nuint)g;
            var a0 = Vector256.LoadUnsafe(ref pw, gg);
            var a1 = Vector256.LoadUnsafe(ref pw, gg + 4);
            var a2 = Vector256.LoadUnsafe(ref pw, gg + 8);
            var b0 = Vector256<double>.Zero;
            var b1 = Vector256<double>.Zero;
            var b2 = Vector256<double>.Zero;
            var c0 = Vector256<double>.Zero;
            var c1 = Vector256<double>.Zero;
            var c2 = Vector256<double>.Zero;
            for (var i = 0; i < nIn; i++)
            {
                var x = Vector256.Create(packed[i]);
                var x2 = x * x;
                var at = (nuint)(i * lanes) + gg;
                a0 += Vector256.LoadUnsafe(ref pa, at) * x;
                a1 += Vector256.LoadUnsafe(ref pa, at + 4) * x;
                a2 += Vector256.LoadUnsafe(ref pa, at + 8) * x;
                b0 += Vector256.LoadUnsafe(ref pb, at) * x2;
                b1 += Vector256.LoadUnsafe(ref pb, at + 4) * x2;
                b2 += Vector256.LoadUnsafe(ref pb, at + 8) * x2;
            }

            for (var j = 0; j < inD.Length; j++)
            {
                var at = (nuint)((offsets[j] + states[inD[j]]) * lanes) + gg;
                c0 += Vector256.LoadUnsafe(ref ps, at);
                c1 += Vector256.LoadUnsafe(ref ps, at + 4);
                c2 += Vector256.LoadUnsafe(ref ps, at + 8);
            }

            (a0 + b0 + c0).StoreUnsafe(ref target, gg);
            (a1 + b1 + c1).StoreUnsafe(ref target, gg + 4);
            (a2 + b2 + c2).StoreUnsafe(ref target, gg + 8);
        }

        all[..K].CopyTo(result);
    }

    /// <summary>K-means distance: squared Euclidean on continuous inputs, 1 - P(state | cluster) on discrete ones.</summary>
    public void Distances(ReadOnlySpan<int> states, ReadOnlySpan<double> values, Span<double> result)
    {
        Span<double> packed = stackalloc double[PaddedInputs];
        var missing = GatherInputs(values, packed);
        Distances(states, packed, missing, result);
    }

    /// <summary><see cref="Distances(ReadOnlySpan{int}, ReadOnlySpan{double}, Span{double})"/> on packed input values.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public void Distances(ReadOnlySpan<int> states, ReadOnlySpan<double> packed, bool anyMissing, Span<double> result)
    {
        if (!anyMissing && K <= 32 && packed.Length == PaddedInputs && System.Runtime.Intrinsics.Vector256.IsHardwareAccelerated)
        {
            // ||x - c||^2 = ||x||^2 - 2 x.c + ||c||^2, four clusters at a time.
            Kernels.AffineRows(packed, DistA, DistBias, K, result);
            var norm = 0.0;
            foreach (var v in packed)
            {
                norm += v * v;
            }

            for (var k = 0; k < K; k++)
            {
                result[k] = Math.Max(0, result[k] + norm);
            }

            if (InputDiscrete.Length > 0)
            {
                var total = Set.TotalStates;
                for (var k = 0; k < K; k++)
                {
                    for (var j = 0; j < InputDiscrete.Length; j++)
                    {
                        result[k] += 1 - StateProb[(k * total) + InStateOffset[j] + states[InputDiscrete[j]]];
                    }
                }
            }

            return;
        }

        packed = packed[..InputContinuous.Length];
        var ts = Set.TotalStates;
        var nIn = packed.Length;
        var inD = InputDiscrete;
        var offsets = InStateOffset;
        for (var k = 0; k < K; k++)
        {
            var sum = 0.0;
            var baseState = k * ts;
            for (var j = 0; j < inD.Length; j++)
            {
                sum += 1 - StateProb[baseState + offsets[j] + states[inD[j]]];
            }

            var mean = InMean.AsSpan(k * nIn, nIn);
            if (!anyMissing)
            {
                sum += Kernels.SquaredDistance(packed, mean);
            }
            else
            {
                for (var i = 0; i < nIn; i++)
                {
                    var x = packed[i];
                    if (!double.IsNaN(x))
                    {
                        var d = x - mean[i];
                        sum += d * d;
                    }
                }
            }

            result[k] = sum;
        }
    }

    /// <summary>The maximization step: parameters from sufficient statistics (MAP with a small Dirichlet prior).</summary>
    public void Maximize(Statistics s)
    {
        var total = 0.0;
        for (var k = 0; k < K; k++)
        {
            total += s.N[k];
        }

        for (var k = 0; k < K; k++)
        {
            Weight[k] = (s.N[k] + Prior) / (total + (K * Prior));
            for (var j = 0; j < Nd; j++)
            {
                var start = Set.Offsets[j];
                var count = Set.Offsets[j + 1] - start;
                var denominator = s.N[k] + (count * Prior);
                for (var st = 0; st < count; st++)
                {
                    var i = (k * Set.TotalStates) + start + st;
                    StateProb[i] = (s.StateWeight[i] + Prior) / denominator;
                }
            }

            for (var c = 0; c < Nc; c++)
            {
                var i = (k * Nc) + c;
                var existing = s.Existing[i];
                PMissing[i] = (s.N[k] - existing + Prior) / (s.N[k] + (2 * Prior));
                if (existing > 1e-9)
                {
                    var mean = s.Sum[i] / existing;
                    Mean[i] = mean;
                    Var[i] = Math.Max((s.SumSquares[i] / existing) - (mean * mean), MinimumVariance(c));
                }
                else
                {
                    Var[i] = Math.Max(Var[i], MinimumVariance(c));
                }
            }
        }

        Prepare();
    }

    /// <summary>Log of the Dirichlet prior's density (up to a constant): what MAP-EM adds to the log-likelihood.</summary>
    public double LogPrior()
    {
        var sum = 0.0;
        for (var k = 0; k < K; k++)
        {
            sum += Prior * LogWeight[k];
        }

        for (var i = 0; i < LogState.Length; i++)
        {
            sum += Prior * LogState[i];
        }

        for (var i = 0; i < LogMissing.Length; i++)
        {
            sum += Prior * (LogMissing[i] + Math.Log(Math.Max(1 - PMissing[i], 1e-300)));
        }

        return sum;
    }

    /// <summary>A cluster's smallest variance for continuous attribute c: a share of the population's, and no less than the values' grain allows.</summary>
    public double MinimumVariance(int c)
    {
        var a = Set.Attributes[Set.Continuous[c]];
        var grain = a.Resolution * a.Resolution / 12;
        return Math.Max(VarianceFloor * PopulationVariance(c), a.Normalized ? grain / Math.Max(a.StdDev * a.StdDev, 1e-12) : grain);
    }

    public double PopulationVariance(int c)
    {
        var a = Set.Attributes[Set.Continuous[c]];
        return a.Normalized ? 1.0 : Math.Max(a.StdDev * a.StdDev, 1e-12);
    }

    public Mixture Clone()
    {
        var m = new Mixture(K, Set);
        Weight.CopyTo(m.Weight, 0);
        StateProb.CopyTo(m.StateProb, 0);
        Mean.CopyTo(m.Mean, 0);
        Var.CopyTo(m.Var, 0);
        PMissing.CopyTo(m.PMissing, 0);
        m.Prepare();
        return m;
    }
}

/// <summary>Per-cluster sufficient statistics: (soft) counts, state weights, existing counts, sums and sums of squares.</summary>
internal sealed class Statistics
{
    public Statistics(int k, int totalStates, int nc)
    {
        N = new double[k];
        StateWeight = new double[k * totalStates];
        Existing = new double[k * nc];
        Sum = new double[k * nc];
        SumSquares = new double[k * nc];
    }

    public double[] N { get; }

    public double[] StateWeight { get; }

    public double[] Existing { get; }

    public double[] Sum { get; }

    public double[] SumSquares { get; }

    /// <summary>Log-likelihood of the cases (EM), or the sum of distances (K-means).</summary>
    public double Objective { get; set; }

    public void Clear()
    {
        Array.Clear(N);
        Array.Clear(StateWeight);
        Array.Clear(Existing);
        Array.Clear(Sum);
        Array.Clear(SumSquares);
        Objective = 0;
    }

    public void Add(Statistics o)
    {
        for (var i = 0; i < N.Length; i++) N[i] += o.N[i];
        for (var i = 0; i < StateWeight.Length; i++) StateWeight[i] += o.StateWeight[i];
        for (var i = 0; i < Existing.Length; i++)
        {
            Existing[i] += o.Existing[i];
            Sum[i] += o.Sum[i];
            SumSquares[i] += o.SumSquares[i];
        }

        Objective += o.Objective;
    }

    public Statistics Copy(int k, int totalStates, int nc)
    {
        var s = new Statistics(k, totalStates, nc);
        s.Add(this);
        return s;
    }
}
