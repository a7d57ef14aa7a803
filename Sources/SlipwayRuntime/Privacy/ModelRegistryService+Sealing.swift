public import Foundation
public import SlipwayRegistry

extension ModelRegistryService {
    /// Opens the registry in a data directory with a data key: reference datasets registered from now on
    /// are stored encrypted, and encrypted ones are read back transparently (drift, bundles, verify).
    public static func open(
        dataDirectory: URL, sealer: (any ArtifactSealer)?, cacheCapacityBytes: Int = 1 << 30
    ) throws(InferenceError) -> ModelRegistryService {
        do {
            return ModelRegistryService(
                registry: try Registry.open(dataDirectory: dataDirectory, sealer: sealer), cacheCapacityBytes: cacheCapacityBytes)
        } catch {
            throw InferenceError(error)
        }
    }
}
