import SlipwayEngine

/// The neural-network family: matrix products, convolutions, pools, normalisations, softmax.
func registerNeuralNetwork(into registry: inout OperatorRegistry) {
    registry.register("MatMul") { try MatMul($0) }
    registry.register("Gemm") { try Gemm($0) }
    registry.register("Conv") { try Conv($0) }
    registry.register("ConvTranspose") { try ConvTranspose($0) }
    registry.register("AveragePool") { try AveragePool($0) }
    registry.register("MaxPool") { try MaxPool($0) }
    registry.register("LpPool") { try LpPool($0) }
    registry.register("GlobalAveragePool") { try GlobalAveragePool($0) }
    registry.register("GlobalMaxPool") { try GlobalMaxPool($0) }
    registry.register("GlobalLpPool") { try GlobalLpPool($0) }
    registry.register("BatchNormalization") { try BatchNormalization($0) }
    registry.register("InstanceNormalization") { try InstanceNormalization($0) }
    registry.register("LayerNormalization", opsets: 17...Int.max) { try LayerNormalization($0) }
    registry.register("GroupNormalization", opsets: 18...Int.max) { try GroupNormalization($0) }
    registry.register("Softmax") { try Softmax($0) }
    registry.register("LogSoftmax") { try LogSoftmax($0) }
    registry.register("Hardmax") { try Hardmax($0) }
    registry.register("LpNormalization") { try LpNormalization($0) }
    registry.register("MeanVarianceNormalization", opsets: 9...Int.max) { try MeanVarianceNormalization($0) }
}
