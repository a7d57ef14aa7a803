public import Foundation
public import SlipwayEngine
public import SlipwayONNX
import SlipwayTensor

/// A model ready to serve: its validated plan and metadata. Immutable and `Sendable`; any number of
/// requests may run it at once.
public struct LoadedModel: Sendable {
    public var name: String
    public var version: String?
    public let model: ONNXModel
    public let plan: Plan

    public init(name: String, version: String? = nil, model: ONNXModel, options: PlanOptions = PlanOptions()) throws(InferenceError) {
        self.name = name
        self.version = version
        self.model = model
        do {
            self.plan = try model.plan(options: options)
        } catch {
            throw InferenceError.wrap(error)
        }
    }

    /// Loads and validates a `.onnx` file; the model's name is the file name without its extension.
    public static func load(contentsOf url: URL, name: String? = nil) throws(InferenceError) -> LoadedModel {
        let model: ONNXModel
        do {
            model = try ModelImporter().load(contentsOf: url)
        } catch {
            throw InferenceError.wrap(error)
        }
        return try LoadedModel(name: name ?? url.deletingPathExtension().lastPathComponent, model: model)
    }

    /// Runs a V2 request: inputs matched by name and checked against the model's signature, outputs
    /// filtered to the requested ones (every output when none is named).
    public func infer(_ request: InferenceRequest, context: RunContext = RunContext()) throws(InferenceError) -> InferenceResponse {
        var feeds: [String: Value] = [:]
        for input in request.inputs { feeds[input.name] = .tensor(input.tensor) }
        var wanted: [String]
        if let requested = request.outputs, !requested.isEmpty {
            let known = Set(plan.outputs.map(\.name))
            for output in requested where !known.contains(output.name) {
                throw .badRequest(
                    "unknown output '\(output.name)'; the model's outputs are: \(plan.outputs.map(\.name).joined(separator: ", "))")
            }
            wanted = requested.map(\.name)
        } else {
            wanted = plan.outputs.map(\.name)
        }
        let results: [String: Value]
        do {
            results = try plan.run(feeds, context: context)
        } catch {
            throw InferenceError.wrap(error)
        }
        var outputs: [(name: String, value: Value)] = []
        for name in wanted {
            guard let value = results[name] else { throw InferenceError(.internal, "output '\(name)' was not computed") }
            outputs.append((name, value))
        }
        wanted.removeAll()
        return InferenceResponse(modelName: name, modelVersion: version, id: request.id, outputs: outputs)
    }
}
