import Foundation
import SlipwayRegistry
import SlipwayTestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Kills `slipway models register` with SIGKILL at random moments, many times over, then checks that the
/// registry is consistent: no row without its artifact, no visible partial file, every version loadable.
@Suite struct RegistryCrashTests {
    @Test func sigkillDuringRegisterLeavesAConsistentRegistry() throws {
        guard let binary = CLIRunner.binary else {
            Issue.record("slipway binary not built")
            return
        }
        let dir = try RegistryFixtures.directory()
        let data = dir.appendingPathComponent("data")
        let reference = try RegistryFixtures.file(dir, "ref.csv", "a,b,c,d\n1,2,3,4\n")
        let rounds = 36
        var models: [URL] = []
        for seed in 0..<rounds { models.append(try RegistryFixtures.model(in: dir, seed: 100 + seed, weights: 600_000)) }
        var generator = SystemRandomNumberGenerator()
        var killed = 0
        var completed = 0
        let start = Date()
        for round in 0..<rounds {
            let process = Process()
            process.executableURL = binary
            process.arguments = [
                "models", "register", "crash", models[round].path, "--reference", reference.path, "--alias", "production", "--data-dir", data.path,
            ]
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            usleep(UInt32.random(in: 0...400_000, using: &generator))
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
            process.waitUntilExit()
            if process.terminationReason == .uncaughtSignal { killed += 1 } else if process.terminationStatus == 0 { completed += 1 }
        }
        #expect(killed > 0, "no register was killed mid-way; the delays are too long")
        // The registry is still usable after the crashes.
        let last = try CLIRunner.run([
            "models", "register", "crash", try RegistryFixtures.model(in: dir, seed: 99, weights: 10).path, "--data-dir", data.path,
        ])
        #expect(last.status == 0, "\(last.stderr)")

        let registry = try Registry.open(dataDirectory: data)
        let report = try registry.check()
        #expect(report.isConsistent, "\(report.problems)")
        let versions = try registry.store.versions(of: "crash")
        #expect(versions.map(\.version) == Array(1...versions.count), "version numbers have gaps")
        #expect(versions.count >= completed + 1)
        for v in versions {
            #expect(registry.artifacts.contains(v.artifact.sha256))
            #expect(v.reference != nil || v.version == versions.count, "\(v.selector) lost its reference dataset")
        }
        // Every stored file is complete (hashes to its name): check() verified it; partial files only in tmp/.
        for hash in try registry.artifacts.storedHashes() {
            #expect(try ArtifactStore.hashFile(registry.artifacts.url(for: hash), label: hash).sha256 == hash)
        }
        // Every version loads with the engine.
        let verify = try CLIRunner.run(["models", "verify", "--json", "--data-dir", data.path])
        #expect(verify.status == 0, "\(verify.stdout) \(verify.stderr)")
        // The alias points at a committed version.
        if let production = try? registry.store.resolve("crash@production") { #expect(versions.contains { $0.version == production.version }) }
        print(
            "crash test: \(rounds) rounds, \(killed) killed, \(completed) completed, \(versions.count) versions, "
                + "\(report.unreferenced.count) unreferenced artifacts, \(report.temporaryFiles.count) temporary files, "
                + "\(Int(Date().timeIntervalSince(start)))s")
    }
}
