import SlipwayEngine

/// Tensor-layout operators: shape manipulation, indexing, padding, resizing (Operators/Layout).
func registerTensorLayout(into registry: inout OperatorRegistry) {
    registry.register("Reshape") { try Reshape($0) }
    registry.register("Flatten") { try Flatten($0) }
    registry.register("Squeeze") { try Squeeze($0) }
    registry.register("Unsqueeze") { try Unsqueeze($0) }
    registry.register("Transpose") { try Transpose($0) }
    registry.register("Concat") { try Concat($0) }
    registry.register("Split") { try Split($0) }
    registry.register("Slice") { try SliceOperator($0) }
    registry.register("Gather") { try Gather($0) }
    registry.register("GatherElements") { try GatherElements($0) }
    registry.register("GatherND") { try GatherND($0) }
    registry.register("ScatterElements") { try ScatterElements($0) }
    // Scatter (opsets 9-10) is ScatterElements under its old name.
    registry.register("Scatter", opsets: 9...10) { try ScatterElements($0) }
    registry.register("ScatterND") { try ScatterND($0) }
    registry.register("Expand") { try Expand($0) }
    registry.register("Tile") { try Tile($0) }
    registry.register("Pad") { try Pad($0) }
    registry.register("Shape") { try ShapeOperator($0) }
    registry.register("Size") { try Size($0) }
    registry.register("Range") { try RangeOperator($0) }
    registry.register("ConstantOfShape") { try ConstantOfShape($0) }
    registry.register("OneHot") { try OneHot($0) }
    registry.register("Trilu") { try Trilu($0) }
    registry.register("DepthToSpace") { try DepthToSpace($0) }
    registry.register("SpaceToDepth") { try SpaceToDepth($0) }
    registry.register("NonZero") { try NonZero($0) }
    registry.register("Resize", opsets: 10...Int.max) { try Resize($0) }
    registry.register("Upsample", opsets: 7...10) { try Upsample($0) }
    registry.register("Dropout") { try Dropout($0) }
}
