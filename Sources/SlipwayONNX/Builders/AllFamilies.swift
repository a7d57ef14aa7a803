import SlipwayEngine

/// Registers every operator family. Each family lives in its own `Builders/<Family>Builders.swift`.
func registerAllFamilies(into registry: inout OperatorRegistry) {
    registerControlFlow(into: &registry)
    registerElementwise(into: &registry)
    registerTensorLayout(into: &registry)
    registerNeuralNetwork(into: &registry)
    registerReductions(into: &registry)
    registerSequences(into: &registry)
    registerClassicalML(into: &registry)
}
