/// A varlink type resolved for generated Swift: references and inline structs and enums replaced by the qualified
/// names of their generated types.
indirect enum SwiftType: Sendable, Hashable {
    /// `Swift.Bool`
    case bool
    /// `Swift.Int`
    case int
    /// `Swift.Double`
    case float
    /// `Swift.String`
    case string
    /// `Varlink.JSONValue`, for `object`.
    case object
    /// `Varlink.JSONValue`, for `any`: any JSON value but `null` (`?any` is `Varlink.JSONValue?`).
    case any
    /// `Swift.Set<Swift.String>`, encoded as `Varlink.VarlinkStringSet`.
    case set
    /// A generated type, by its qualified name: `OrgVarlinkService.InterfaceInfo`.
    case named(String)
    /// An optional.
    case optional(SwiftType)
    /// An array.
    case array(SwiftType)
    /// A dictionary with string keys.
    case map(SwiftType)

    /// The type as the generated API exposes it.
    var swift: String { spelled(setType: "Swift.Set<Swift.String>") }

    /// The type as it is encoded (sets as `VarlinkStringSet`).
    var wire: String { spelled(setType: "Varlink.VarlinkStringSet") }

    private func spelled(setType: String) -> String {
        switch self {
        case .bool: "Swift.Bool"
        case .int: "Swift.Int"
        case .float: "Swift.Double"
        case .string: "Swift.String"
        case .object, .any: "Varlink.JSONValue"
        case .set: setType
        case .named(let name): name
        case .optional(let inner): inner.spelled(setType: setType) + "?"
        case .array(let inner): "[\(inner.spelled(setType: setType))]"
        case .map(let inner): "[Swift.String: \(inner.spelled(setType: setType))]"
        }
    }

    /// Whether the type is an optional (the field may be absent).
    var isOptional: Bool {
        if case .optional = self { true } else { false }
    }

    /// Whether a set occurs in the type, so that it differs between the API and the wire.
    var containsSet: Bool {
        switch self {
        case .set: true
        case .optional(let inner), .array(let inner), .map(let inner): inner.containsSet
        default: false
        }
    }

    /// An expression converting `expression` (of the API type) to the wire type.
    func toWire(_ expression: String) -> String {
        converted(expression) { "Varlink.VarlinkStringSet(\($0))" }
    }

    /// An expression converting `expression` (of the wire type) to the API type.
    func fromWire(_ expression: String) -> String {
        converted(expression) { "\($0).values" }
    }

    /// An expression converting `expression` where this type's sets differ between the API and the wire: each set
    /// by `convertSet`, and optionals, arrays and dictionaries through `map` or `mapValues` around what they hold.
    private func converted(_ expression: String, convertSet: (String) -> String) -> String {
        guard containsSet else { return expression }
        switch self {
        case .set: return convertSet(expression)
        case .optional(let inner), .array(let inner):
            return "\(expression).map { \(inner.converted("$0", convertSet: convertSet)) }"
        case .map(let inner): return "\(expression).mapValues { \(inner.converted("$0", convertSet: convertSet)) }"
        default: return expression
        }
    }
}
