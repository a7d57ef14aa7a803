import SlipwayEngine

/// Reductions: the `Reduce*` family (one shared kernel), ArgMax/ArgMin, TopK, CumSum and Einsum.
/// Opset differences (axes attribute vs input, select_last_index, k attribute vs input) are handled
/// inside each operator's initializer.
func registerReductions(into registry: inout OperatorRegistry) {
    registry.register("ReduceSum") { try ReduceSum($0) }
    registry.register("ReduceMean") { try ReduceMean($0) }
    registry.register("ReduceMax") { try ReduceMax($0) }
    registry.register("ReduceMin") { try ReduceMin($0) }
    registry.register("ReduceProd") { try ReduceProd($0) }
    registry.register("ReduceL1") { try ReduceL1($0) }
    registry.register("ReduceL2") { try ReduceL2($0) }
    registry.register("ReduceLogSum") { try ReduceLogSum($0) }
    registry.register("ReduceLogSumExp") { try ReduceLogSumExp($0) }
    registry.register("ReduceSumSquare") { try ReduceSumSquare($0) }
    registry.register("ArgMax") { try ArgMax($0) }
    registry.register("ArgMin") { try ArgMin($0) }
    registry.register("TopK") { try TopK($0) }
    registry.register("CumSum", opsets: 11...Int.max) { try CumSum($0) }
    registry.register("Einsum", opsets: 12...Int.max) { try Einsum($0) }
}
