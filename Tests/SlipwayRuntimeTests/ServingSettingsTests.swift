import SlipwayRuntime
import Testing

@Suite struct ServingSettingsTests {
    @Test func modelKeysAreReadAndInheritDefaults() throws {
        let yaml = """
            defaults:
              max_queue: 64
              timeout_us: 250000
            models:
              iris:
                batching: {max_batch_size: 32, max_queue_delay_us: 500, preferred_batch_sizes: [16, 8]}
                cache: {max_bytes: 16MiB}
                priority_levels: 3
              echo:
                max_queue: 8
                cache: {max_bytes: 1000}
            """
        let configuration = try SlipwayConfiguration(yaml: yaml)
        let iris = configuration.settings(for: "iris").serving
        #expect(iris.maxQueue == 64)
        #expect(iris.timeoutMicroseconds == 250_000)
        #expect(iris.batching == BatchingSettings(maxBatchSize: 32, maxQueueDelayMicroseconds: 500, preferredBatchSizes: [8, 16]))
        #expect(iris.cache?.maxBytes == 16 << 20)
        #expect(iris.priorityLevels == 3)
        #expect(iris.defaultPriority == 3)
        let echo = configuration.settings(for: "echo").serving
        #expect(echo.maxQueue == 8)
        #expect(echo.batching == nil)
        #expect(echo.cache?.maxBytes == 1000)
        #expect(configuration.settings(for: "other").serving.maxQueue == 64)
    }

    @Test(arguments: [("16MiB", 16 << 20), ("512 KiB", 512 << 10), ("2GB", 2_000_000_000), ("100kB", 100_000), ("4096", 4096), ("7B", 7)])
    func sizesTakeUnits(text: String, bytes: Int) throws {
        let configuration = try SlipwayConfiguration(yaml: "models:\n  m:\n    cache: {max_bytes: \(text)}\n")
        #expect(configuration.settings(for: "m").serving.cache?.maxBytes == bytes)
    }

    @Test(arguments: [
        ("models:\n  m:\n    batching: {max_batch_size: 0}\n", 3, "models.m.batching.max_batch_size"),
        ("models:\n  m:\n    batching: {max_queue_delay_us: 5}\n", 3, "models.m.batching"),
        ("models:\n  m:\n    batching: {max_batch_size: 4, preferred_batch_sizes: [8]}\n", 3, "models.m.batching.preferred_batch_sizes[0]"),
        ("models:\n  m:\n    batching: {max_batch_size: 4, delay: 8}\n", 3, "models.m.batching.delay"),
        ("models:\n  m:\n    cache: {max_bytes: lots}\n", 3, "models.m.cache.max_bytes"),
        ("models:\n  m:\n    max_queue: -1\n", 3, "models.m.max_queue"),
        ("models:\n  m:\n    priority_levels: 2\n    default_priority: 3\n", 4, "models.m.default_priority"),
        ("server:\n  port: 99999\n", 2, "server.port"),
        ("server:\n  max_body_size: 0\n", 2, "server.max_body_size"),
        ("server:\n  watch_interval: 1ms\n", 2, "server.watch_interval"),
        ("server:\n  treads: 4\n", 2, "server.treads"),
    ])
    func errorsNameTheLineAndKey(yaml: String, line: Int, path: String) {
        #expect {
            try SlipwayConfiguration(yaml: yaml, file: "slipway.yaml")
        } throws: { error in
            guard let error = error as? ConfigurationError else { return false }
            return error.line == line && error.path == path && error.description.hasPrefix("slipway.yaml:\(line): \(path): ")
        }
    }

    @Test func serverSectionIsRead() throws {
        let yaml = """
            server:
              host: 0.0.0.0
              port: 9000
              max_body_size: 1MiB
              max_queue: 10
              threads: 3
              default_alias: live
              retry_after: 5
              watch_interval: 250ms
            """
        let server = try SlipwayConfiguration(yaml: yaml).server
        #expect(server.host == "0.0.0.0")
        #expect(server.port == 9000)
        #expect(server.maxBodySize == 1 << 20)
        #expect(server.maxQueue == 10)
        #expect(server.threads == 3)
        #expect(server.defaultAlias == "live")
        #expect(server.retryAfterSeconds == 5)
        #expect(server.watchInterval == .milliseconds(250))
    }
}
