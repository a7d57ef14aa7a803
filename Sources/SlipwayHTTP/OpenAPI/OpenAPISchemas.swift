extension OpenAPIDocument {
    static func object(_ properties: [String: Any], required: [String] = []) -> [String: Any] {
        var schema: [String: Any] = ["type": "object", "properties": properties]
        if !required.isEmpty { schema["required"] = required }
        return schema
    }

    static var string: [String: Any] { ["type": "string"] }
    static var integer: [String: Any] { ["type": "integer"] }
    static var boolean: [String: Any] { ["type": "boolean"] }
    static func array(_ items: [String: Any]) -> [String: Any] { ["type": "array", "items": items] }
    static func map(_ values: [String: Any]) -> [String: Any] { ["type": "object", "additionalProperties": values] }

    /// The schemas the operations refer to.
    static var schemas: [String: Any] {
        let tensorSpec = object(["name": string, "datatype": string, "shape": array(integer)], required: ["name", "datatype", "shape"])
        let artifact = object(["sha256": string, "size": integer])
        let tensor = object(
            [
                "name": string, "datatype": string, "shape": array(integer), "parameters": ["type": "object"],
                "data": ["type": "array", "items": [:] as [String: Any]] as [String: Any],
            ], required: ["name", "datatype", "shape"])
        return [
            "Error": object(["error": string], required: ["error"]),
            "Live": object(["live": boolean]),
            "Ready": object(["ready": boolean]),
            "ServerMetadata": object(["name": string, "version": string, "extensions": array(string)]),
            "ModelMetadata": object(
                ["name": string, "versions": array(string), "platform": string, "inputs": array(tensorSpec), "outputs": array(tensorSpec)]),
            "ModelReady": object(["name": string, "ready": boolean]),
            "InferenceRequest": object(
                [
                    "id": string, "parameters": ["type": "object"], "inputs": array(tensor),
                    "outputs": array(object(["name": string, "parameters": ["type": "object"]], required: ["name"])),
                ], required: ["inputs"]),
            "InferenceResponse": object(
                ["model_name": string, "model_version": string, "id": string, "parameters": ["type": "object"], "outputs": array(tensor)]),
            "RepositoryEntry": object(["name": string, "version": string, "state": string, "reason": string]),
            "Statistics": object(["model_stats": array(["type": "object"])]),
            "RegisteredModel": object(
                [
                    "name": string, "description": string, "tags": map(string), "aliases": map(integer), "version_count": integer,
                    "latest_version": integer, "created_at": string, "updated_at": string,
                ]),
            "ModelVersion": object(
                [
                    "model": string, "version": integer, "status": ["type": "string", "enum": ["ready", "archived"]] as [String: Any],
                    "format": string,
                    "artifact": artifact, "signature": object(["inputs": array(tensorSpec), "outputs": array(tensorSpec)]),
                    "opsets": map(integer),
                    "lineage": object([
                        "data_digest": string, "source": string, "parameters": map(string), "metrics": map(["type": "number"]),
                        "created_by": string, "created_at": string,
                    ]),
                    "card": string, "reference": object(["artifact": artifact, "format": string, "columns": array(string), "rows": integer]),
                    "example": object(["artifact": artifact, "outputs": array(tensorSpec)]), "tags": map(string), "aliases": array(string),
                ]),
            "ModelList": object(["models": array(ref("RegisteredModel"))]),
            "ModelDetail": object(["model": ref("RegisteredModel"), "versions": array(ref("ModelVersion"))]),
            "VersionList": object(["versions": array(ref("ModelVersion"))]),
            "History": object(
                [
                    "events": array(
                        object(["sequence": integer, "at": string, "actor": string, "kind": string, "version": integer, "detail": map(string)]))
                ]),
            "TagChange": object(["tags": map(string)], required: ["tags"]),
            "AliasSet": object(["model": string, "alias": string, "version": integer, "previous": integer]),
            "AliasDeleted": object(["model": string, "alias": string, "deleted": boolean, "previous": integer]),
            "UploadForm": object(
                [
                    "model": ["type": "string", "format": "binary", "description": "The ONNX file"],
                    "metadata": object(
                        [
                            "description": string, "parameters": map(string), "metrics": map(["type": "number"]), "source": string,
                            "data_digest": string, "tags": map(string), "aliases": array(string),
                        ]),
                    "card": ["type": "string", "description": "Model card (Markdown)"],
                    "reference": ["type": "string", "format": "binary", "description": "Reference dataset: CSV with a header row"],
                ], required: ["model"]),
        ]
    }
}
