import SlipwayEngine

func registerClassicalML(into registry: inout OperatorRegistry) {
}
