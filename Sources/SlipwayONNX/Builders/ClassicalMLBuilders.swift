import SlipwayEngine

/// The ai.onnx.ml operators (opsets 1-5). Opset differences are handled inside each operator.
func registerClassicalML(into registry: inout OperatorRegistry) {
    let ml = "ai.onnx.ml"
    registry.register("ArrayFeatureExtractor", domain: ml) { try ArrayFeatureExtractor($0) }
    registry.register("Binarizer", domain: ml) { try Binarizer($0) }
    registry.register("CastMap", domain: ml) { try CastMap($0) }
    registry.register("CategoryMapper", domain: ml) { try CategoryMapper($0) }
    registry.register("DictVectorizer", domain: ml) { try DictVectorizer($0) }
    registry.register("FeatureVectorizer", domain: ml) { try FeatureVectorizer($0) }
    registry.register("Imputer", domain: ml) { try Imputer($0) }
    registry.register("LabelEncoder", domain: ml) { try LabelEncoder($0) }
    registry.register("LinearClassifier", domain: ml) { try LinearClassifier($0) }
    registry.register("LinearRegressor", domain: ml) { try LinearRegressor($0) }
    registry.register("Normalizer", domain: ml) { try Normalizer($0) }
    registry.register("OneHotEncoder", domain: ml) { try OneHotEncoder($0) }
    registry.register("Scaler", domain: ml) { try Scaler($0) }
    registry.register("SVMClassifier", domain: ml) { try SVMClassifier($0) }
    registry.register("SVMRegressor", domain: ml) { try SVMRegressor($0) }
    registry.register("TreeEnsemble", domain: ml, opsets: 5...Int.max) { try TreeEnsemble($0) }
    registry.register("TreeEnsembleClassifier", domain: ml) { try TreeEnsembleClassifier($0) }
    registry.register("TreeEnsembleRegressor", domain: ml) { try TreeEnsembleRegressor($0) }
    registry.register("ZipMap", domain: ml) { try ZipMap($0) }
}
