import Foundation
public import SlipwayMonitoring
import SlipwayRegistry

/// Reference datasets from the registry: the dataset registered with a version (its artifact, parsed).
public struct RegistryReferenceSource: ReferenceDatasetSource {
    public let service: ModelRegistryService

    public init(service: ModelRegistryService) { self.service = service }

    /// The version number `model` serves for `selector`: a version number, an alias, or nil for the newest
    /// version that is not archived.
    public func version(of model: String, selector: String?) throws -> String {
        guard let selector else { return String(try service.resolve(model).version) }
        let text = Int(selector) != nil ? "\(model):\(selector)" : "\(model)@\(selector)"
        return String(try service.resolve(text).version)
    }

    /// The SHA-256 of the version's reference artifact (registry metadata only; the dataset is not read).
    public func referenceDigest(model: String, version: String) async throws -> String? {
        do {
            return try service.resolve("\(model):\(version)").reference?.artifact.sha256
        } catch {
            throw InferenceError.wrap(error)
        }
    }

    public func referenceDataset(model: String, version: String) async throws -> (columns: [String], rows: [[String?]])? {
        do {
            let resolved = try service.resolve("\(model):\(version)")
            guard let reference = resolved.reference else { return nil }
            let data = try service.registry.artifacts.data(reference.artifact, label: "reference dataset of \(model) v\(version)")
            let dataset = try ReferenceDataset.parse(data, format: reference.format)
            return (dataset.columns, dataset.rows)
        } catch {
            throw InferenceError.wrap(error)
        }
    }
}
