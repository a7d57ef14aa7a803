import SlipwayEngine

func registerSequences(into registry: inout OperatorRegistry) {
}
