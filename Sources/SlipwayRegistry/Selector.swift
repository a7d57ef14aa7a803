/// Which version of a model a caller means: `name` (the newest version that is not archived),
/// `name:3` (version 3) or `name@production` (the version the alias points at).
public struct ModelSelector: Sendable, Hashable, CustomStringConvertible {
    public enum Target: Sendable, Hashable {
        case latest
        case version(Int)
        case alias(String)
    }

    public var model: String
    public var target: Target

    public init(model: String, target: Target = .latest) {
        self.model = model
        self.target = target
    }

    /// Parses `name`, `name:N` or `name@alias`, checking the name, the number and the alias.
    public init(parsing text: String) throws(RegistryError) {
        if let at = text.firstIndex(of: "@") {
            let name = String(text[..<at])
            let alias = String(text[text.index(after: at)...])
            guard !name.contains(":") else {
                throw .invalidArgument("invalid selector '\(text)': use either name:VERSION or name@ALIAS, not both")
            }
            try Self.checkName(name, in: text)
            do {
                try RegistryNames.validateAlias(alias)
            } catch {
                throw .invalidArgument("invalid selector '\(text)': \(error.message)")
            }
            self.init(model: name, target: .alias(alias))
        } else if let colon = text.firstIndex(of: ":") {
            let name = String(text[..<colon])
            let number = String(text[text.index(after: colon)...])
            try Self.checkName(name, in: text)
            guard let version = Int(number), version >= 1, number.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }) else {
                throw .invalidArgument("invalid selector '\(text)': the version '\(number)' must be a positive integer")
            }
            self.init(model: name, target: .version(version))
        } else {
            try Self.checkName(text, in: text)
            self.init(model: text, target: .latest)
        }
    }

    private static func checkName(_ name: String, in text: String) throws(RegistryError) {
        do {
            try RegistryNames.validateModelName(name)
        } catch {
            throw .invalidArgument("invalid selector '\(text)': \(error.message)")
        }
    }

    public var description: String {
        switch target {
        case .latest: model
        case .version(let v): "\(model):\(v)"
        case .alias(let a): "\(model)@\(a)"
        }
    }
}
