/// A stored property that `==` and `hash(into:)` pass over, so that a type's synthesized `Hashable` compares the
/// rest: where a definition was written is kept for diagnostics, but two definitions that say the same are equal
/// wherever they stand.
@propertyWrapper
public struct Uncompared<Value>: Hashable {
    /// The value.
    public var wrappedValue: Value

    /// Wraps `wrappedValue`.
    public init(wrappedValue: Value) {
        self.wrappedValue = wrappedValue
    }

    /// Always equal: the value is not compared.
    public static func == (lhs: Self, rhs: Self) -> Bool { true }

    /// Hashes nothing, as `==` compares nothing.
    public func hash(into hasher: inout Hasher) {}
}

extension Uncompared: Sendable where Value: Sendable {}
