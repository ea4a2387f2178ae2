extension KeyedDecodingContainer {
    /// Decodes a field. Errors that lost their position (a number that does not fit its type is reported by the
    /// JSON decoder without one) are reported at this field, so `InvalidParameter` can name it.
    public func varlinkDecode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
        do {
            return try decode(type, forKey: key)
        } catch {
            throw positioned(error, key)
        }
    }

    /// Decodes an optional field (absent or null is nil), positioning errors as `varlinkDecode` does.
    public func varlinkDecodeIfPresent<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T? {
        do {
            return try decodeIfPresent(type, forKey: key)
        } catch {
            throw positioned(error, key)
        }
    }

    private func positioned(_ error: any Error, _ key: Key) -> any Error {
        switch error {
        case DecodingError.dataCorrupted(let context) where context.codingPath.isEmpty:
            return DecodingError.dataCorrupted(
                DecodingError.Context(
                    codingPath: codingPath + [key], debugDescription: context.debugDescription,
                    underlyingError: context.underlyingError))
        case is DecodingError:
            return error
        default:
            return DecodingError.dataCorrupted(
                DecodingError.Context(
                    codingPath: codingPath + [key], debugDescription: "invalid value: \(error)", underlyingError: error)
            )
        }
    }
}
