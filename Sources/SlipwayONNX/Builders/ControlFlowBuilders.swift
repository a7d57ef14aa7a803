import SlipwayEngine

func registerControlFlow(into registry: inout OperatorRegistry) {
    registry.register("Constant") { try Constant($0) }
}
