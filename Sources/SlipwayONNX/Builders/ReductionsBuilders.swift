import SlipwayEngine

func registerReductions(into registry: inout OperatorRegistry) {
}
