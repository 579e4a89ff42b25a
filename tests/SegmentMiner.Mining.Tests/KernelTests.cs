using System.Runtime.Intrinsics;

namespace SegmentMiner.Mining.Tests;

/// <summary>The vector exp is accurate (tier-independence is checked end to end: the Xmla tests train the same model twice).</summary>
[TestFixture]
public sealed class KernelTests
{
    [Test]
    public void Exp_MatchesMathExp_WithinTwoUlp_AndUnderflowsToZero()
    {
        var random = new Random(3);
        var worst = 0.0;
        for (var i = 0; i < 20_000; i++)
        {
            var x = -random.NextDouble() * (i % 2 == 0 ? 40 : 708);
            var v = Kernels.Exp(Vector256.Create(x, x / 2, x / 3, 0)).ToScalar();
            var expected = Math.Exp(x);
            worst = Math.Max(worst, Math.Abs(v - expected) / expected);
        }

        Assert.That(worst, Is.LessThan(4.5e-16), "relative error (2 ulp is 4.4e-16)");
        Assert.That(Kernels.Exp(Vector256.Create(0.0)).ToScalar(), Is.EqualTo(1.0));
        Assert.That(Kernels.Exp(Vector256.Create(-709.5)).ToScalar(), Is.Zero);
        Assert.That(Kernels.Exp(Vector256.Create(double.NegativeInfinity)).ToScalar(), Is.Zero);
    }
}
