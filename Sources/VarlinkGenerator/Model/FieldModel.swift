/// A field of a struct, with its Swift names and its resolved Swift type.
struct FieldModel: Sendable, Hashable {
    /// The varlink name: the JSON key and the raw value of its coding key.
    var name: String
    /// The documentation comment of the property.
    var documentation: [String]
    /// The property name, escaped where Swift needs it (`` `default` ``).
    var property: String
    /// The `CodingKeys` case.
    var codingKey: String
    /// The name as an argument label at a call site, where most keywords need no backticks.
    var label: String
    /// The Swift type.
    var type: SwiftType
}
