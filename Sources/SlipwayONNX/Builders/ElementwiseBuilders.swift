import SlipwayEngine

func registerElementwise(into registry: inout OperatorRegistry) {
    registry.register("Identity") { try Identity($0) }
}
