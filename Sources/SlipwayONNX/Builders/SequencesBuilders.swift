import SlipwayEngine

func registerSequences(into registry: inout OperatorRegistry) {
    registry.register("SequenceEmpty", opsets: 11...Int.max) { try SequenceEmpty($0) }
    registry.register("SequenceConstruct", opsets: 11...Int.max) { try SequenceConstruct($0) }
    registry.register("SequenceInsert", opsets: 11...Int.max) { try SequenceInsert($0) }
    registry.register("SequenceAt", opsets: 11...Int.max) { try SequenceAt($0) }
    registry.register("SequenceErase", opsets: 11...Int.max) { try SequenceErase($0) }
    registry.register("SequenceLength", opsets: 11...Int.max) { try SequenceLength($0) }
    registry.register("SplitToSequence", opsets: 11...Int.max) { try SplitToSequence($0) }
    registry.register("ConcatFromSequence", opsets: 11...Int.max) { try ConcatFromSequence($0) }
    registry.register("Optional", opsets: 15...Int.max) { try OptionalConstruct($0) }
    registry.register("OptionalHasElement", opsets: 15...Int.max) { try OptionalHasElement($0) }
    registry.register("OptionalGetElement", opsets: 15...Int.max) { try OptionalGetElement($0) }
}
