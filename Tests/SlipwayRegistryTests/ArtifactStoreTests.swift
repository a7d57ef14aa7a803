import Foundation
import SlipwayRegistry
import Testing

@Suite struct ArtifactStoreTests {
    @Test func storesByHashOnce() throws {
        let root = try temporaryDirectory()
        let store = try ArtifactStore(root: root)
        let data = Data("hello registry".utf8)
        let ref = try store.put(data)
        // sha256("hello registry")
        #expect(ref.sha256 == ArtifactStore.digest(of: data))
        #expect(ref.size == Int64(data.count))
        let path = store.url(for: ref.sha256).path
        #expect(path.hasSuffix("artifacts".isEmpty ? "" : "sha256/\(ref.sha256.prefix(2))/\(ref.sha256)"))
        #expect(try store.data(ref, label: "test") == data)
        // The same bytes again: same file, nothing left in tmp/.
        #expect(try store.put(data) == ref)
        let file = root.appendingPathComponent("input.bin")
        try data.write(to: file)
        #expect(try store.put(contentsOf: file) == ref)
        #expect(try store.storedHashes() == [ref.sha256])
        #expect(store.temporaryFiles().isEmpty)
    }

    @Test func streamsLargeFiles() throws {
        let root = try temporaryDirectory()
        let store = try ArtifactStore(root: root)
        var bytes = [UInt8](repeating: 0, count: 3 << 20 + 17)
        for i in bytes.indices { bytes[i] = UInt8(truncatingIfNeeded: i &* 31 &+ i >> 7) }
        let file = root.appendingPathComponent("big.bin")
        try Data(bytes).write(to: file)
        let ref = try store.put(contentsOf: file)
        #expect(ref.size == Int64(bytes.count))
        #expect(ref.sha256 == ArtifactStore.digest(of: Data(bytes)))
        try store.verify(ref, label: "big")
    }

    @Test func detectsTamperingAndTruncation() throws {
        let store = try ArtifactStore(root: try temporaryDirectory())
        let ref = try store.put(Data("original model bytes".utf8))
        let url = store.url(for: ref.sha256)

        try Data("original model bytez".utf8).write(to: url)
        let tampered = #expect(throws: RegistryError.self) { try store.data(ref, label: "model iris:3") }
        #expect(tampered?.code == .integrity)
        #expect(tampered?.message.contains("model iris:3") == true)
        #expect(tampered?.message.contains("SHA-256") == true)
        #expect(throws: RegistryError.self) { try store.verify(ref, label: "model iris:3") }

        try Data("original".utf8).write(to: url)
        let truncated = #expect(throws: RegistryError.self) { try store.data(ref, label: "model iris:3") }
        #expect(truncated?.message.contains("holds 8 bytes") == true)

        try FileManager.default.removeItem(at: url)
        let missing = #expect(throws: RegistryError.self) { try store.data(ref, label: "model iris:3") }
        #expect(missing?.message.contains("missing") == true)
        // Putting the bytes again repairs the file.
        _ = try store.put(Data("original model bytes".utf8))
        try store.verify(ref, label: "model iris:3")
    }

    @Test func missingSourceIsNotFound() throws {
        let store = try ArtifactStore(root: try temporaryDirectory())
        let error = #expect(throws: RegistryError.self) { try store.put(contentsOf: URL(fileURLWithPath: "/nonexistent/file.onnx")) }
        #expect(error?.code == .notFound)
        #expect(store.temporaryFiles().isEmpty)
    }
}
