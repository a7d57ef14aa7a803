import Foundation
public import SlipwayEngine
public import SlipwayMonitoring
public import SlipwayTensor

extension LoggedTensor {
    /// The tensor's V2 datatype, shape and little-endian bytes (strings kept as a list).
    public init(name: String, tensor: Tensor) {
        if case .string(let strings) = tensor.storage {
            self.init(name: name, datatype: tensor.dataType.v2Name, shape: tensor.shape, data: [], strings: strings)
        } else {
            var bytes: [UInt8] = []
            bytes.reserveCapacity(tensor.count * 4)
            BinaryTensorData.append(tensor, to: &bytes)
            self.init(name: name, datatype: tensor.dataType.v2Name, shape: tensor.shape, data: bytes)
        }
    }

    /// The tensors among named values (sequences and maps are not logged).
    static func tensors(_ values: [(name: String, value: Value)]?, excluding: Set<String> = []) -> [LoggedTensor] {
        guard let values else { return [] }
        return values.compactMap { item in
            guard !excluding.contains(item.name), let tensor = item.value.tensor else { return nil }
            return LoggedTensor(name: item.name, tensor: tensor)
        }
    }
}

extension TensorBlob {
    /// The ``TensorBlob`` of the tensors among named values, encoded straight from the tensors into one buffer
    /// (sequences and maps are not logged; names in `excluding` are left out). Byte for byte what
    /// `encode(tensors(values, excluding:))` gives, without a ``LoggedTensor`` per tensor.
    static func encode(_ values: [(name: String, value: Value)]?, excluding: Set<String> = []) -> [UInt8] {
        guard let values else { return TensorBlobWriter(capacity: 4).finish() }
        // `isEmpty` first: the usual empty set then costs no hashing of every name.
        func kept(_ name: String) -> Bool { excluding.isEmpty || !excluding.contains(name) }
        var capacity = 4
        for item in values {
            guard kept(item.name), let tensor = item.value.tensor else { continue }
            capacity += 20 + item.name.utf8.count + 8 * tensor.shape.count + tensor.count * (tensor.dataType.byteWidth ?? 8)
        }
        var writer = TensorBlobWriter(capacity: capacity)
        for item in values {
            guard kept(item.name), let tensor = item.value.tensor else { continue }
            if case .string(let strings) = tensor.storage {
                writer.append(name: item.name, datatype: tensor.dataType.v2Name, shape: tensor.shape, strings: strings)
            } else {
                writer.append(
                    name: item.name, datatype: tensor.dataType.v2Name, shape: tensor.shape,
                    byteCount: tensor.dataType.byteWidth.map { tensor.count * $0 }
                ) { BinaryTensorData.append(tensor, to: &$0) }
            }
        }
        return writer.finish()
    }

    /// Examples in a logged request, as ``PredictionEntry/rows`` counts them: the first dimension of the first
    /// logged input, else of the first output (1 for a scalar), 0 when nothing is logged.
    static func rows(inputs: [(name: String, value: Value)]?, excluding: Set<String>, outputs: [(name: String, value: Value)]?) -> Int {
        let input = inputs?.lazy.filter { !excluding.contains($0.name) }.compactMap(\.value.tensor).first
        guard let tensor = input ?? outputs?.lazy.compactMap(\.value.tensor).first else { return 0 }
        return tensor.shape.first ?? 1
    }
}
