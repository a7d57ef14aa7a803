import Foundation
import SlipwayRuntime

/// The OpenAPI 3.0 description of every route the server answers (`GET /openapi.json`): the KServe V2
/// routes with Triton's extensions, the management API, monitoring and the document itself. A test compares
/// it with the router's registered routes, so a route missing here (or documented but gone) fails the build.
///
/// Each route is one ``Operation`` below; the JSON is assembled from them once.
public enum OpenAPIDocument {
    /// One documented route.
    struct Operation {
        var method: String
        var path: String
        var tag: String
        var summary: String
        var parameters: [[String: Any]] = []
        var requestBody: [String: Any]? = nil
        /// Status code → description and optional schema reference.
        var responses: [(String, String, [String: Any]?)]
    }

    /// `METHOD /path` of every documented route (paths with `{parameter}` captures), for tests.
    public static var routes: [String] { operations.map { "\($0.method.uppercased()) \($0.path)" } }

    /// The document as JSON bytes (sorted keys).
    public static func json() -> [UInt8] {
        // Only property lists of strings, numbers, arrays and dictionaries: serialization cannot fail.
        (try? JSONSerialization.data(withJSONObject: document(), options: [.sortedKeys, .withoutEscapingSlashes])).map { [UInt8]($0) }
            ?? Array(#"{"error":"the OpenAPI document could not be written"}"#.utf8)
    }

    static func document() -> [String: Any] {
        var paths: [String: [String: Any]] = [:]
        for op in operations {
            let pieces = op.path.split(separator: "/").map { $0.replacingOccurrences(of: "{", with: "by_").replacingOccurrences(of: "}", with: "") }
            var operation: [String: Any] = ["tags": [op.tag], "summary": op.summary, "operationId": ([op.method] + pieces).joined(separator: "_")]
            var parameters = op.parameters
            for name in captures(op.path) {
                parameters.insert(pathParameter(name), at: 0)
            }
            if !parameters.isEmpty { operation["parameters"] = parameters }
            if let body = op.requestBody { operation["requestBody"] = body }
            var responses: [String: Any] = [:]
            for (status, description, schema) in op.responses {
                var response: [String: Any] = ["description": description]
                if let schema { response["content"] = ["application/json": ["schema": schema]] }
                responses[status] = response
            }
            for (status, description) in [
                ("400", "Bad request: the message names the field at fault"), ("404", "Unknown model, version, alias or route"),
            ]
            where responses[status] == nil {
                let content: [String: Any] = ["application/json": ["schema": ref("Error")]]
                responses[status] = ["description": description, "content": content] as [String: Any]
            }
            operation["responses"] = responses
            paths[op.path, default: [:]][op.method] = operation
        }
        return [
            "openapi": "3.0.3",
            "info": [
                "title": "Slipway", "version": SlipwayRuntime.version,
                "description":
                    "KServe V2 / Open Inference Protocol inference (with Triton's binary tensor, repository and statistics extensions), the model registry's management API, monitoring. Every error body is {\"error\": \"...\"}.",
            ],
            "paths": paths,
            "components": ["schemas": schemas],
        ]
    }

    static func captures(_ path: String) -> [String] {
        path.split(separator: "/").filter { $0.hasPrefix("{") && $0.hasSuffix("}") }.map { String($0.dropFirst().dropLast()) }
    }

    static func ref(_ name: String) -> [String: Any] { ["$ref": "#/components/schemas/\(name)"] }

    static func pathParameter(_ name: String) -> [String: Any] {
        let descriptions = [
            "model": "Model name: [a-z0-9][a-z0-9._-]{0,63}",
            "version": "A version number, or an alias name (production, staging, …)",
            "alias": "Alias name: [a-z][a-z0-9_-]{0,62}",
        ]
        let patterns = [
            "model": "^[a-z0-9][a-z0-9._-]{0,63}$", "version": "^([1-9][0-9]{0,17}|[a-z][a-z0-9_-]{0,62})$", "alias": "^[a-z][a-z0-9_-]{0,62}$",
        ]
        var schema = ["type": "string"]
        schema["pattern"] = patterns[name]
        return ["name": name, "in": "path", "required": true, "description": descriptions[name] ?? name, "schema": schema]
    }

    static func query(_ name: String, _ description: String, type: String = "string", array: Bool = false) -> [String: Any] {
        let schema: [String: Any] = array ? ["type": "array", "items": ["type": type]] : ["type": type]
        return ["name": name, "in": "query", "required": false, "description": description, "schema": schema]
    }

    static func jsonBody(_ schema: [String: Any], required: Bool = true) -> [String: Any] {
        body(["application/json": schema], required: required)
    }

    /// A request body: media type → schema.
    static func body(_ schemas: [String: [String: Any]], required: Bool = true) -> [String: Any] {
        ["required": required, "content": schemas.mapValues { ["schema": $0] }]
    }

    static var binary: [String: Any] { ["type": "string", "format": "binary"] }

    static let ok = "OK"

    // MARK: - Routes

    static var operations: [Operation] { v2 + repository + statistics + management + monitoring + meta }

    static var v2: [Operation] {
        var ops: [Operation] = [
            Operation(
                method: "get", path: "/v2/health/live", tag: "inference", summary: "Server liveness", responses: [("200", "Live", ref("Live"))]),
            Operation(
                method: "get", path: "/v2/health/ready", tag: "inference", summary: "Server readiness", responses: [("200", "Ready", ref("Ready"))]),
            Operation(
                method: "get", path: "/v2", tag: "inference", summary: "Server metadata and extensions",
                responses: [("200", ok, ref("ServerMetadata"))]),
        ]
        for prefix in ["/v2/models/{model}", "/v2/models/{model}/versions/{version}"] {
            ops += [
                Operation(
                    method: "get", path: prefix, tag: "inference", summary: "Model metadata: versions, platform, input and output tensors",
                    responses: [("200", ok, ref("ModelMetadata"))]),
                Operation(
                    method: "get", path: prefix + "/ready", tag: "inference", summary: "Model readiness (loads the model)",
                    responses: [("200", "Ready", ref("ModelReady"))]),
                Operation(
                    method: "post", path: prefix + "/infer", tag: "inference",
                    summary: "Inference. JSON, or JSON followed by binary tensors (Inference-Header-Content-Length gives the JSON's length)",
                    parameters: [
                        [
                            "name": "Inference-Header-Content-Length", "in": "header", "required": false,
                            "description": "Length of the JSON header when binary tensor data follows it",
                            "schema": ["type": "integer", "minimum": 1] as [String: Any],
                        ]
                    ],
                    requestBody: body(["application/json": ref("InferenceRequest"), "application/octet-stream": binary]),
                    responses: [
                        ("200", "Outputs (application/json, or application/octet-stream with binary outputs)", ref("InferenceResponse")),
                        ("413", "Request body larger than the limit", ref("Error")),
                        ("503", "Queue full or shutting down; Retry-After is set", ref("Error")),
                    ]),
            ]
        }
        return ops
    }

    static var repository: [Operation] {
        [
            Operation(
                method: "post", path: "/v2/repository/index", tag: "repository",
                summary: "Models in the repository and their state (an empty body is accepted)",
                requestBody: jsonBody(["type": "object", "properties": ["ready": ["type": "boolean"]]], required: false),
                responses: [("200", ok, ["type": "array", "items": ref("RepositoryEntry")])]),
            Operation(
                method: "post", path: "/v2/repository/models/{model}/load", tag: "repository", summary: "Load a model",
                requestBody: jsonBody(["type": "object"], required: false), responses: [("200", "Loaded", nil)]),
            Operation(
                method: "post", path: "/v2/repository/models/{model}/unload", tag: "repository", summary: "Unload a model",
                requestBody: jsonBody(["type": "object"], required: false), responses: [("200", "Unloaded", nil)]),
        ]
    }

    static var statistics: [Operation] {
        ["/v2/models/stats", "/v2/models/{model}/stats", "/v2/models/{model}/versions/{version}/stats"].map { path in
            Operation(
                method: "get", path: path, tag: "statistics", summary: "Inference statistics (Triton's statistics extension)",
                responses: [("200", ok, ref("Statistics"))])
        }
    }

    static var management: [Operation] {
        let m = "/api/v1/models"
        let limit = query("limit", "Only the newest N versions", type: "integer")
        return [
            Operation(method: "get", path: m, tag: "management", summary: "List models", responses: [("200", ok, ref("ModelList"))]),
            Operation(
                method: "get", path: m + "/{model}", tag: "management", summary: "A model and its versions, oldest first (limit: the newest N)",
                parameters: [limit],
                responses: [("200", ok, ref("ModelDetail"))]),
            Operation(
                method: "get", path: m + "/{model}/versions", tag: "management", summary: "A model's versions, oldest first (limit: the newest N)",
                parameters: [limit],
                responses: [("200", ok, ref("VersionList"))]),
            Operation(
                method: "post", path: m + "/{model}/versions", tag: "management",
                summary:
                    "Upload a new version: the raw ONNX file as the body (metadata in the query), or multipart/form-data with parts model, metadata (JSON), card (Markdown) and reference (CSV, or JSON Lines named .jsonl)",
                parameters: [
                    query("description", "Description of the model"), query("source", "Code revision or URL the model was trained from"),
                    query("data_digest", "SHA-256 of the training data (64 hex digits)"),
                    query("alias", "Point these aliases at the new version (repeatable or comma-separated)", array: true),
                    query("tag", "Version tag key=value (repeatable)", array: true),
                    query("param", "Training parameter key=value (repeatable)", array: true),
                    query("metric", "Training metric key=number (repeatable)", array: true),
                ],
                requestBody: body(["application/octet-stream": binary, "multipart/form-data": ref("UploadForm")]),
                responses: [
                    ("201", "Registered; Location names the version", ref("ModelVersion")),
                    ("409", "Conflict: the model already holds this file as a version", ref("Error")),
                    ("413", "Upload larger than the limit", ref("Error")),
                ]),
            Operation(
                method: "get", path: m + "/{model}/versions/{version}", tag: "management", summary: "A version, by number or alias",
                responses: [("200", ok, ref("ModelVersion"))]),
            Operation(
                method: "post", path: m + "/{model}/versions/{version}/archive", tag: "management",
                summary: "Archive a version (by number): kept, but no longer served nor an alias target",
                responses: [("200", "Archived", ref("ModelVersion")), ("409", "Already archived", ref("Error"))]),
            Operation(
                method: "patch", path: m + "/{model}/tags", tag: "management", summary: "Set model tags; an empty value removes a tag",
                requestBody: jsonBody(ref("TagChange")), responses: [("200", "The model", ref("RegisteredModel"))]),
            Operation(
                method: "patch", path: m + "/{model}/versions/{version}/tags", tag: "management",
                summary: "Set version tags; an empty value removes a tag", requestBody: jsonBody(ref("TagChange")),
                responses: [("200", "The version", ref("ModelVersion"))]),
            Operation(
                method: "put", path: m + "/{model}/aliases/{alias}", tag: "management", summary: "Point an alias at a version (create or move)",
                requestBody: jsonBody(object(["version": ["type": "integer", "minimum": 1] as [String: Any]], required: ["version"])),
                responses: [("200", ok, ref("AliasSet")), ("409", "The version is archived", ref("Error"))]),
            Operation(
                method: "delete", path: m + "/{model}/aliases/{alias}", tag: "management", summary: "Delete an alias",
                responses: [("200", ok, ref("AliasDeleted"))]),
            Operation(
                method: "get", path: m + "/{model}/history", tag: "management",
                summary: "The model's append-only history: creations, alias moves, tags, archives", responses: [("200", ok, ref("History"))]),
        ]
    }

    static var monitoring: [Operation] {
        let m = "/api/v1/models/{model}"
        let object: [String: Any] = ["type": "object"]
        return [
            Operation(method: "get", path: "/metrics", tag: "monitoring", summary: "Prometheus metrics (text format)", responses: [("200", ok, nil)]),
            Operation(
                method: "post", path: m + "/feedback", tag: "monitoring",
                summary: "Report outcomes (ground-truth labels) of earlier predictions by id",
                requestBody: jsonBody(object), responses: [("200", ok, object)]),
            Operation(
                method: "get", path: m + "/quality", tag: "monitoring", summary: "Model quality from the reported outcomes",
                parameters: [
                    query("version", "A version"), query("last", "The last N outcomes", type: "integer"),
                    query("since", "Since this time (ISO 8601)"),
                ],
                responses: [("200", ok, object)]),
            Operation(
                method: "get", path: m + "/drift", tag: "monitoring", summary: "Feature and prediction drift against the reference dataset",
                parameters: [
                    query("window", "The window of recent predictions"),
                    query("kind", "data (default: the check), or concept (the concept-drift detector per version, no check)"),
                ], responses: [("200", ok, object)]),
            Operation(method: "get", path: m + "/drift/report", tag: "monitoring", summary: "Drift report (HTML)", responses: [("200", ok, nil)]),
            Operation(
                method: "get", path: "/api/v1/alerts", tag: "monitoring", summary: "Alerts fired and resolved", responses: [("200", ok, object)]),
            Operation(
                method: "get", path: "/api/v1/events", tag: "monitoring", summary: "Events: drift, alerts, retraining triggers",
                responses: [("200", ok, object)]),
            Operation(
                method: "post", path: "/api/v1/privacy/erase", tag: "privacy",
                summary: "Erase a data subject's predictions and feedback (admin only; audited with the keyed hash of the value)",
                requestBody: jsonBody(
                    OpenAPIDocument.object(
                        [
                            "model": ["type": "string", "minLength": 1] as [String: Any],
                            "field": ["type": "string", "minLength": 1] as [String: Any],
                            "value": ["oneOf": [["type": "string", "minLength": 1] as [String: Any], ["type": "number"]]] as [String: Any],
                        ], required: ["model", "field", "value"])),
                responses: [
                    ("200", "Rows erased, by kind", object), ("400", "A missing or empty key, or a field the model does not take", ref("Error")),
                    ("404", "Unknown model", ref("Error")),
                ]),
        ]
    }

    static var meta: [Operation] {
        [
            Operation(
                method: "get", path: "/openapi.json", tag: "meta", summary: "This document",
                responses: [("200", "OpenAPI 3.0 document", ["type": "object"])])
        ]
    }
}
