/// Everything an operator's initializer may read from its node: attributes, opset, arity.
public struct OperatorConfiguration: Sendable {
    public var nodeName: String
    public var opType: String
    /// `""` for the default ONNX domain, `ai.onnx.ml`, ...
    public var domain: String
    /// The opset version the model imports for the node's domain.
    public var opsetVersion: Int
    public var attributes: Attributes
    public var inputCount: Int
    public var outputCount: Int

    public init(
        nodeName: String = "", opType: String, domain: String = "", opsetVersion: Int, attributes: Attributes = Attributes(),
        inputCount: Int, outputCount: Int
    ) {
        self.nodeName = nodeName
        self.opType = opType
        self.domain = domain
        self.opsetVersion = opsetVersion
        self.attributes = attributes
        self.inputCount = inputCount
        self.outputCount = outputCount
    }
}
