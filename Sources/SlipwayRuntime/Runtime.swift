/// SlipwayRuntime: the transport-free serving core (requests, responses, loaded models).
public enum SlipwayRuntime {
    public static let version = "0.1.0"
}
