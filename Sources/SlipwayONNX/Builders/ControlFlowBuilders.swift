import SlipwayEngine

func registerControlFlow(into registry: inout OperatorRegistry) {
    registry.register("Constant") { try Constant($0) }
    registry.register("If") { try If($0) }
    registry.register("Loop") { try Loop($0) }
    registry.register("Scan", opsets: 8...Int.max) { try Scan($0) }
}
