import SlipwayEngine

/// Elementwise operators: arithmetic, comparison, logic, bitwise, unary math, activations, Clip,
/// Where and Cast. Each builder handles its opset differences inside the operator's initializer;
/// an operator is registered from the opset that introduced it.
func registerElementwise(into registry: inout OperatorRegistry) {
    registry.register("Identity") { try Identity($0) }
    registry.register("Add") { try Add($0) }
    registry.register("Sub") { try Sub($0) }
    registry.register("Mul") { try Mul($0) }
    registry.register("Div") { try Div($0) }
    registry.register("Pow") { try Pow($0) }
    registry.register("Mod", opsets: 10...Int.max) { try Mod($0) }
    registry.register("PRelu") { try PRelu($0) }
    registry.register("Equal") { try Equal($0) }
    registry.register("Greater") { try Greater($0) }
    registry.register("Less") { try Less($0) }
    registry.register("GreaterOrEqual", opsets: 12...Int.max) { try GreaterOrEqual($0) }
    registry.register("LessOrEqual", opsets: 12...Int.max) { try LessOrEqual($0) }
    registry.register("And") { try And($0) }
    registry.register("Or") { try Or($0) }
    registry.register("Xor") { try Xor($0) }
    registry.register("Not") { try Not($0) }
    registry.register("BitShift", opsets: 11...Int.max) { try BitShift($0) }
    registry.register("BitwiseAnd", opsets: 18...Int.max) { try BitwiseAnd($0) }
    registry.register("BitwiseOr", opsets: 18...Int.max) { try BitwiseOr($0) }
    registry.register("BitwiseXor", opsets: 18...Int.max) { try BitwiseXor($0) }
    registry.register("BitwiseNot", opsets: 18...Int.max) { try BitwiseNot($0) }
    registry.register("Max") { try Max($0) }
    registry.register("Min") { try Min($0) }
    registry.register("Mean") { try Mean($0) }
    registry.register("Sum") { try Sum($0) }
    registry.register("Abs") { try Abs($0) }
    registry.register("Neg") { try Neg($0) }
    registry.register("Ceil") { try Ceil($0) }
    registry.register("Floor") { try Floor($0) }
    registry.register("Round", opsets: 11...Int.max) { try Round($0) }
    registry.register("Sqrt") { try Sqrt($0) }
    registry.register("Exp") { try Exp($0) }
    registry.register("Log") { try Log($0) }
    registry.register("Reciprocal") { try Reciprocal($0) }
    registry.register("Sign", opsets: 9...Int.max) { try Sign($0) }
    registry.register("Erf", opsets: 9...Int.max) { try Erf($0) }
    registry.register("Sin", opsets: 7...Int.max) { try Sin($0) }
    registry.register("Cos", opsets: 7...Int.max) { try Cos($0) }
    registry.register("Tan", opsets: 7...Int.max) { try Tan($0) }
    registry.register("Asin", opsets: 7...Int.max) { try Asin($0) }
    registry.register("Acos", opsets: 7...Int.max) { try Acos($0) }
    registry.register("Atan", opsets: 7...Int.max) { try Atan($0) }
    registry.register("Sinh", opsets: 9...Int.max) { try Sinh($0) }
    registry.register("Cosh", opsets: 9...Int.max) { try Cosh($0) }
    registry.register("Asinh", opsets: 9...Int.max) { try Asinh($0) }
    registry.register("Acosh", opsets: 9...Int.max) { try Acosh($0) }
    registry.register("Atanh", opsets: 9...Int.max) { try Atanh($0) }
    registry.register("Softsign") { try Softsign($0) }
    registry.register("IsNaN", opsets: 9...Int.max) { try IsNaN($0) }
    registry.register("IsInf", opsets: 10...Int.max) { try IsInf($0) }
    registry.register("Relu") { try Relu($0) }
    registry.register("LeakyRelu") { try LeakyRelu($0) }
    registry.register("Elu") { try Elu($0) }
    registry.register("Selu") { try Selu($0) }
    registry.register("Celu", opsets: 12...Int.max) { try Celu($0) }
    registry.register("Sigmoid") { try Sigmoid($0) }
    registry.register("HardSigmoid") { try HardSigmoid($0) }
    registry.register("HardSwish", opsets: 14...Int.max) { try HardSwish($0) }
    registry.register("Softplus") { try Softplus($0) }
    registry.register("Tanh") { try Tanh($0) }
    registry.register("Mish", opsets: 18...Int.max) { try Mish($0) }
    registry.register("Gelu", opsets: 20...Int.max) { try Gelu($0) }
    registry.register("ThresholdedRelu", opsets: 10...Int.max) { try ThresholdedRelu($0) }
    registry.register("Shrink", opsets: 9...Int.max) { try Shrink($0) }
    registry.register("Clip") { try Clip($0) }
    registry.register("Where", opsets: 9...Int.max) { try Where($0) }
    registry.register("Cast") { try Cast($0) }
    registry.register("CastLike", opsets: 15...Int.max) { try CastLike($0) }
}
