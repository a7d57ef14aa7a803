import SlipwayEngine

func registerNeuralNetwork(into registry: inout OperatorRegistry) {
}
