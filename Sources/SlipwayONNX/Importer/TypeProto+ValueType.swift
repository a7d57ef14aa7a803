public import Foundation
public import SlipwayEngine
import SlipwayTensor
import SwiftProtobuf

extension ValueType {
    /// Converts an ONNX `TypeProto`; nil when the type is absent or not supported (sparse, opaque).
    public init?(proto: Onnx_TypeProto) {
        switch proto.value {
        case .tensorType(let t)?:
            guard let d = DataType(onnxCode: Int(t.elemType)) else { return nil }
            self = .tensor(d)
        case .sequenceType(let s)?:
            guard let e = ValueType(proto: s.elemType) else { return nil }
            self = .sequence(e)
        case .mapType(let m)?:
            guard let k = DataType(onnxCode: Int(m.keyType)), let v = ValueType(proto: m.valueType) else { return nil }
            self = .map(key: k, value: v)
        case .optionalType(let o)?:
            guard let e = ValueType(proto: o.elemType) else { return nil }
            self = .optional(e)
        default:
            return nil
        }
    }
}

extension ValueInfo {
    /// Converts a graph input/output declaration. Tensor dimensions become fixed, symbolic or unknown.
    init(proto: Onnx_ValueInfoProto) throws {
        var shape: [Dim]? = nil
        let type: ValueType?
        if proto.hasType {
            guard let converted = ValueType(proto: proto.type) else {
                throw EngineError(.unsupportedOperator, "value '\(proto.name)' has an unsupported type")
            }
            type = converted
            if case .tensorType(let t)? = proto.type.value, t.hasShape {
                shape = t.shape.dim.map { d in
                    switch d.value {
                    case .dimValue(let v)?: v >= 0 ? .fixed(Int(v)) : .unknown
                    case .dimParam(let p)?: p.isEmpty ? .unknown : .symbol(p)
                    case nil: .unknown
                    }
                }
            }
        } else {
            type = nil
        }
        self.init(name: proto.name, type: type, shape: shape)
    }
}

extension Value {
    /// Decodes a serialized value as found in ONNX test data: a tensor, sequence, map or optional.
    public init(sequence proto: Onnx_SequenceProto) throws {
        var elements: [Value] = []
        var elementType: ValueType? = nil
        switch proto.elemType {
        case 1:
            for t in proto.tensorValues {
                let tensor = try Tensor(proto: t)
                elementType = .tensor(tensor.dataType)
                elements.append(.tensor(tensor))
            }
        case 3:
            for s in proto.sequenceValues {
                let v = try Value(sequence: s)
                elementType = v.type
                elements.append(v)
            }
        case 4:
            for m in proto.mapValues {
                let v = try Value(map: m)
                elementType = v.type
                elements.append(v)
            }
        case 5:
            for o in proto.optionalValues {
                let v = try Value(optional: o)
                elementType = v.type
                elements.append(v)
            }
        default:
            throw EngineError.invalidInput("sequence '\(proto.name)' has an unsupported element kind \(proto.elemType)")
        }
        self = .sequence(SequenceValue(elementType: elementType ?? .tensor(.float32), elements: elements))
    }

    public init(map proto: Onnx_MapProto) throws {
        let valuesSeq = try Value(sequence: proto.values)
        guard case .sequence(let seq) = valuesSeq else { throw EngineError.invalidInput("map values must be a sequence") }
        let scalars = seq.elements.compactMap(\.tensor)
        let values: Tensor
        if let first = scalars.first {
            values = try ConcatScalars.concat(scalars, dataType: first.dataType)
        } else {
            values = Tensor(vector: [Float]())
        }
        let keys: MapValue.Keys =
            proto.keyType == 8
            ? .string(proto.stringKeys.map { String(decoding: $0, as: UTF8.self) }) : .int64(proto.keys)
        self = .map(MapValue(keys: keys, values: values))
    }

    public init(optional proto: Onnx_OptionalProto) throws {
        switch proto.elemType {
        case 1:
            let t = try Tensor(proto: proto.tensorValue)
            self = .optional(.tensor(t), .tensor(t.dataType))
        case 3:
            let s = try Value(sequence: proto.sequenceValue)
            self = .optional(s, s.type)
        case 0:
            self = .optional(nil, .tensor(.float32))
        default:
            throw EngineError.invalidInput("optional '\(proto.name)' has an unsupported element kind \(proto.elemType)")
        }
    }
}

/// Joins rank-0 or rank-1 tensors of one type into one vector.
enum ConcatScalars {
    static func concat(_ tensors: [Tensor], dataType: DataType) throws -> Tensor {
        var doubles: [Double] = []
        var strings: [String] = []
        for t in tensors {
            if let s = t.elements(as: String.self) {
                strings += s
            } else if let d = t.doubles() {
                doubles += d
            }
        }
        if dataType == .string { return Tensor(vector: strings) }
        return try Tensor.fromDoubles(doubles, shape: [doubles.count], as: dataType)
    }
}

extension Value {
    /// Decodes a serialized ONNX value: `kind` is the ONNX type text (`tensor(float)`, `seq(...)`,
    /// `optional(...)`, `map(...)`) that says which message the bytes hold.
    public init(serialized bytes: Data, kind: String) throws {
        if kind.hasPrefix("seq") {
            self = try Value(sequence: Onnx_SequenceProto(serializedBytes: bytes))
        } else if kind.hasPrefix("optional") {
            self = try Value(optional: Onnx_OptionalProto(serializedBytes: bytes))
        } else if kind.hasPrefix("map") {
            self = try Value(map: Onnx_MapProto(serializedBytes: bytes))
        } else {
            self = .tensor(try Tensor(proto: Onnx_TensorProto(serializedBytes: bytes)))
        }
    }
}
