public import Foundation

/// What `slipway serve --config slipway.yaml` reads: server-wide sections and per-model settings.
///
/// ```yaml
/// defaults:            # every model not listed under models
///   max_queue: 256
/// models:
///   iris:
///     batching: {max_batch_size: 32, max_queue_delay_us: 500}
///     cache: {max_bytes: 16MiB}
/// ```
/// Each section lives in its own file (``ServingSettings``, ``ModelMonitoringSettings``, ``ModelDriftSettings``,
/// ``ModelPrivacySettings`` per model; ``ServerSettings``, ``MonitoringSettings``, ``SecuritySettings`` for the
/// server) and reads its own keys; a key no section knows is an error naming it and its line.
public struct SlipwayConfiguration: Sendable {
    public var server = ServerSettings()
    public var monitoring = MonitoringSettings()
    public var security = SecuritySettings()
    /// Settings for models without an entry under `models`.
    public var defaults = ModelSettings()
    /// Per-model settings by model name; keys a model leaves out take the `defaults` value.
    public var models: [String: ModelSettings] = [:]

    public init() {}

    /// The settings of a model: its own entry, else `defaults`.
    public func settings(for model: String) -> ModelSettings { models[model] ?? defaults }

    /// Parses a configuration document.
    public init(yaml: String, file: String? = nil) throws(ConfigurationError) {
        do {
            let root = try ConfigurationNode.parse(yaml: yaml)
            let object = try root.object(["defaults", "models"] + ServerSettings.keys + MonitoringSettings.keys + SecuritySettings.keys)
            server = try ServerSettings(object)
            monitoring = try MonitoringSettings(object)
            security = try SecuritySettings(object)
            if let node = object["defaults"] {
                defaults = try ModelSettings(node.object(ModelSettings.keys), inheriting: ModelSettings())
            }
            if let node = object["models"] {
                for (name, value) in try node.entries() {
                    models[name] = try ModelSettings(value.object(ModelSettings.keys), inheriting: defaults)
                }
            }
        } catch {
            var located = error
            located.file = file
            throw located
        }
    }

    /// Reads and parses a configuration file.
    public init(contentsOf url: URL) throws(ConfigurationError) {
        let text: String
        do {
            text = try String(contentsOf: url, encoding: .utf8)
        } catch {
            throw ConfigurationError(file: url.path, line: nil, path: "", message: "cannot read the file: \(error.localizedDescription)")
        }
        try self.init(yaml: text, file: url.path)
    }
}

/// Per-model settings, one section per concern. Every section reads its keys from the same mapping
/// (`models.NAME` or `defaults`), so the YAML stays flat.
public struct ModelSettings: Sendable {
    public var serving = ServingSettings()
    public var monitoring = ModelMonitoringSettings()
    public var drift = ModelDriftSettings()
    public var privacy = ModelPrivacySettings()

    public init() {}

    /// Every key a model's mapping may hold.
    public static var keys: [String] {
        ServingSettings.keys + ModelMonitoringSettings.keys + ModelDriftSettings.keys + ModelPrivacySettings.keys
    }

    /// Reads a model's mapping; keys it leaves out keep `base`'s values.
    public init(_ object: ConfigurationObject, inheriting base: ModelSettings) throws(ConfigurationError) {
        serving = try ServingSettings(object, inheriting: base.serving)
        monitoring = try ModelMonitoringSettings(object, inheriting: base.monitoring)
        drift = try ModelDriftSettings(object, inheriting: base.drift)
        privacy = try ModelPrivacySettings(object, inheriting: base.privacy)
    }
}
