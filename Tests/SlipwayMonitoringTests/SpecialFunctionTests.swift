import SlipwayMonitoring
import Testing

/// Special functions against scipy 1.17.1 values (computed with scipy, recorded here).
struct SpecialFunctionTests {
    func close(_ a: Double, _ b: Double, rel: Double = 1e-12, abs absTol: Double = 0) -> Bool {
        abs(a - b) <= max(rel * abs(b), absTol)
    }

    @Test func chiSquareAndIncompleteGamma() {
        #expect(close(GammaFunctions.chiSquareSF(32.29154381412903, degreesOfFreedom: 1), 1.3268953712828054e-08, rel: 1e-10))
        #expect(close(GammaFunctions.chiSquareSF(7.5, degreesOfFreedom: 4), 0.11170929281604328))
        #expect(close(GammaFunctions.chiSquareSF(250, degreesOfFreedom: 9), 9.976151469298895e-49, rel: 1e-10))
        #expect(close(GammaFunctions.upperRegularized(2.5, 3.7), 0.1925504330793957))
        #expect(close(GammaFunctions.lowerRegularized(0.5, 0.2), 0.47291074313446196))
        #expect(GammaFunctions.chiSquareSF(.infinity, degreesOfFreedom: 3) == 0)
    }

    @Test func incompleteBetaAndStudentT() {
        #expect(close(BetaFunctions.regularized(3.5, 0.5, 0.7), 0.12687036692367099))
        #expect(close(BetaFunctions.regularized(299, 0.5, 0.9), 2.1165616903816074e-15, rel: 1e-10))
        #expect(close(BetaFunctions.studentTSF(2.1, degreesOfFreedom: 10), 0.031038622101109265))
        #expect(close(BetaFunctions.studentTSF(6.257835131534691, degreesOfFreedom: 598), 3.7230642182428295e-10, rel: 1e-10))
    }

    @Test func normal() {
        #expect(close(NormalDistribution.cdf(-3.2), 0.0006871379379158471))
        #expect(close(NormalDistribution.cdf(0.3), 0.6179114221889526))
        #expect(close(NormalDistribution.cdf(-9), 1.1285884059538324e-19, rel: 1e-12))
    }

    @Test func besselK() {
        #expect(close(BesselFunctions.k(0.25, 1.3), 0.2834491509821558, rel: 1e-12))
        #expect(close(BesselFunctions.k(0.25, 0.01), 6.165741264139234, rel: 1e-12))
        #expect(close(BesselFunctions.k(0.25, 30), 2.1346641833090355e-14, rel: 1e-12))
    }

    @Test func kolmogorov() {
        #expect(close(KolmogorovDistribution.kstwoSF(0.009333333333333305, n: 7500), 0.5276287457681834, rel: 1e-9))
        #expect(close(KolmogorovDistribution.kstwoSF(0.059149999999999925, n: 7500), 2.98311508857185e-23, rel: 1e-9))
        #expect(close(KolmogorovDistribution.kstwoSF(0.1, n: 100), 0.2526927570063874, rel: 1e-9))
        #expect(close(KolmogorovDistribution.kstwoSF(0.3, n: 20), 0.04306706665851623, rel: 1e-9))
        #expect(close(KolmogorovDistribution.smirnovSF(n: 7500, 0.039016666666666644), 1.171481926119289e-10, rel: 1e-9))
    }

    @Test func cramerVonMisesLimit() {
        #expect(close(CramerVonMisesDistribution.cdfLimit(0.5), 0.9601667824343907, rel: 1e-12))
        #expect(close(CramerVonMisesDistribution.cdfLimit(2.0), 0.9999872192637342, rel: 1e-12))
    }

    @Test func andersonDarlingInterpolation() {
        #expect(AndersonDarlingDistribution.pValue(standardized: -0.52, samples: 2) == 0.25)
        #expect(AndersonDarlingDistribution.pValue(standardized: 24, samples: 2) == 0.001)
        #expect(close(AndersonDarlingDistribution.pValue(standardized: 3.6441524080910086, samples: 2), 0.010995890849553122, rel: 1e-9))
    }

    @Test func fisherExact() {
        #expect(close(HypergeometricDistribution.fisherExactTwoSided(318, 482, 244, 556), 0.00012977368947231878, rel: 1e-9))
        #expect(close(HypergeometricDistribution.fisherExactTwoSided(3, 7, 8, 2), 0.06977851869492736, rel: 1e-9))
    }

    @Test func pythonRandomSample() {
        // Python: random.Random(42).sample(range(70), 30)[:5] == [14, 3, 35, 31, 28] (recorded by the oracle).
        var rng = MersenneTwister(pythonSeed: 42)
        let draw = rng.sample(populationSize: 70, count: 30)
        #expect(Array(draw.prefix(5)) == [14, 3, 35, 31, 28])
    }
}
