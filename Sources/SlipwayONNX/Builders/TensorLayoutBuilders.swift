import SlipwayEngine

func registerTensorLayout(into registry: inout OperatorRegistry) {
}
