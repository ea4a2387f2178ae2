#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Encoding and decoding of varlink messages: calls and replies, each one JSON object.
public enum VarlinkMessage {
    /// What the runtime reads from a call before it knows the method's parameter type.
    public struct CallHeader: Sendable, Hashable {
        /// The fully qualified method name.
        public var method: String
        /// `more`, `oneway`, `upgrade`.
        public var flags: VarlinkCallFlags
        /// Where the `parameters` value lies in the message, when present.
        public var parameters: Range<Int>?
    }

    /// Why a message is not a valid call; the connection that sent it is closed.
    public struct MalformedMessage: Error, Sendable, CustomStringConvertible {
        /// What is wrong.
        public var description: String
    }

    struct RawReplyHeader: Decodable {
        var continues: Bool?
        var error: String?
    }

    /// What a transport needs of a reply to route it: whether more replies to the same call follow, and whether it
    /// is an error. Read from the top level only; throws `MalformedMessage` for anything that is not one JSON
    /// object.
    package static func replyHeader(_ message: [UInt8]) throws(MalformedMessage) -> (continues: Bool, isError: Bool) {
        do {
            let header = try CallScanner.scanReply(message)
            return (header.continues, header.isError)
        } catch {
            throw MalformedMessage(description: "not a varlink reply: \(error.reason)")
        }
    }

    private struct ReplyParameters<R: Decodable>: Decodable {
        var parameters: R?
    }

    private static let emptyObject: [UInt8] = Array("{}".utf8)
    private static let replyPrefix: [UInt8] = Array(#"{"parameters":"#.utf8)
    private static let continuesSuffix: [UInt8] = Array(#","continues":true"#.utf8)

    /// Encodes a call. Flags that are not set and empty parameters are left out (peers compare calls exactly).
    public static func encodeCall(
        method: String, parameters: some Encodable, flags: VarlinkCallFlags = []
    )
        throws -> [UInt8]
    {
        var writer = VarlinkJSONWriter(bytes: Array(#"{"method":"#.utf8))
        writer.write(method)
        var out = writer.bytes
        let encodedParameters: [UInt8]
        if let coded = parameters as? any VarlinkJSONEncodable {
            var parametersWriter = VarlinkJSONWriter()
            coded.encodeJSON(to: &parametersWriter)
            encodedParameters = parametersWriter.bytes
        } else {
            encodedParameters = Array(try VarlinkJSON.encoder().encode(parameters))
        }
        if encodedParameters != emptyObject {
            out += Array(#","parameters":"#.utf8)
            out += encodedParameters
        }
        if flags.contains(.more) { out += Array(#","more":true"#.utf8) }
        if flags.contains(.oneway) { out += Array(#","oneway":true"#.utf8) }
        if flags.contains(.upgrade) { out += Array(#","upgrade":true"#.utf8) }
        out.append(UInt8(ascii: "}"))
        return out
    }

    /// Reads the method name, flags and the place of the parameters of a call in one pass; throws
    /// `MalformedMessage` for anything that is not a call (invalid JSON, not an object, no string `method`).
    public static func decodeCallHeader(_ message: [UInt8]) throws(MalformedMessage) -> CallHeader {
        do {
            let result = try CallScanner.scan(message)
            return CallHeader(method: result.method, flags: result.flags, parameters: result.parameters)
        } catch {
            throw MalformedMessage(description: "not a varlink call: \(error.reason)")
        }
    }

    /// Decodes a call's parameters strictly (unknown fields rejected); absent or null parameters read as `{}`.
    /// Throws `org.varlink.service.InvalidParameter` naming the offending field.
    public static func decodeCallParameters<P: Decodable>(
        _ type: P.Type, from message: [UInt8]
    )
        throws(VarlinkError) -> P
    {
        let range: Range<Int>?
        do {
            range = try CallScanner.scan(message).parameters
        } catch {
            throw VarlinkError.invalidParameter("parameters")
        }
        return try decodeCallParameters(type, from: message, range: range)
    }

    /// Decodes parameters found by `decodeCallHeader`.
    public static func decodeCallParameters<P: Decodable>(
        _ type: P.Type, from message: [UInt8], range: Range<Int>?
    ) throws(VarlinkError) -> P {
        if let coded = P.self as? any VarlinkJSONDecodable.Type {
            let present = range.flatMap { message[$0].elementsEqual("null".utf8) ? nil : $0 }
            do {
                if let present {
                    return try VarlinkJSONReader.decode(coded, from: message, range: present, strict: true) as! P
                }
                return try VarlinkJSONReader.decode(coded, from: emptyObject, strict: true) as! P
            } catch {
                throw VarlinkError.invalidParameter(error.dottedPath ?? "parameters")
            }
        }
        do {
            if let range, !message[range].elementsEqual("null".utf8) {
                return try VarlinkJSON.decode(P.self, from: message[range], strict: true)
            }
            return try VarlinkJSON.decode(P.self, from: emptyObject, strict: true)
        } catch let error as DecodingError {
            throw VarlinkError.invalidParameter(VarlinkJSON.fieldPath(of: error) ?? "parameters")
        } catch {
            throw VarlinkError.invalidParameter("parameters")
        }
    }

    /// Encodes a reply; `continues` marks one that more replies follow.
    public static func encodeReply(_ parameters: some Encodable, continues: Bool = false) throws -> [UInt8] {
        if let coded = parameters as? any VarlinkJSONEncodable {
            var writer = VarlinkJSONWriter(bytes: replyPrefix)
            writer.bytes.reserveCapacity(256)
            coded.encodeJSON(to: &writer)
            if continues { writer.bytes += continuesSuffix }
            writer.bytes.append(UInt8(ascii: "}"))
            return writer.bytes
        }
        var out: [UInt8] = Array(#"{"parameters":"#.utf8)
        out += try VarlinkJSON.encoder().encode(parameters)
        if continues { out += Array(#","continues":true"#.utf8) }
        out.append(UInt8(ascii: "}"))
        return out
    }

    /// Encodes an error reply.
    public static func encodeError(_ error: VarlinkError) throws -> [UInt8] {
        let encoder = VarlinkJSON.encoder()
        var out: [UInt8] = Array(#"{"error":"#.utf8)
        out += try encoder.encode(error.name)
        out += Array(#","parameters":"#.utf8)
        out += try encoder.encode(error.parameters)
        out.append(UInt8(ascii: "}"))
        return out
    }

    /// A decoded reply: its parameters or its error, and whether more replies follow.
    public enum Reply<R: Sendable>: Sendable {
        /// A successful reply.
        case parameters(R, continues: Bool)
        /// An error reply.
        case error(VarlinkError)
    }

    /// Decodes a reply leniently (unknown fields ignored).
    public static func decodeReply<R: Decodable>(_ type: R.Type, from message: [UInt8]) throws -> Reply<R> {
        if let coded = R.self as? any VarlinkJSONDecodable.Type {
            return try decodeCodedReply(coded, from: message)
        }
        let header = try VarlinkJSON.decode(RawReplyHeader.self, from: message)
        if let name = header.error {
            let parameters = try VarlinkJSON.decode(ReplyParameters<JSONValue>.self, from: message).parameters
            return .error(VarlinkError(name: name, parameters: parameters?.objectValue ?? [:]))
        }
        let decoded = try VarlinkJSON.decode(ReplyParameters<R>.self, from: message).parameters
        let parameters = try decoded ?? VarlinkJSON.decode(R.self, from: emptyObject)
        return .parameters(parameters, continues: header.continues == true)
    }

    /// `decodeReply` for a type with byte-level coders: the top level is read once, the parameters from their own
    /// bytes, leniently.
    private static func decodeCodedReply<R>(
        _ coded: any VarlinkJSONDecodable.Type, from message: [UInt8]
    ) throws(VarlinkJSONError) -> Reply<R> {
        var reader = VarlinkJSONReader(bytes: message, strict: false)
        var parameters: Range<Int>?
        var error: String?
        var continues = false
        try reader.beginObject()
        var first = true
        while let key = try reader.nextKey(&first) {
            switch key {
            case "parameters": parameters = try reader.skipValueRange()
            case "error": error = reader.readNull() ? nil : try reader.readString()
            case "continues": continues = reader.readNull() ? false : try reader.readBool()
            default: try reader.skipValue()
            }
        }
        let present = parameters.flatMap { message[$0].elementsEqual("null".utf8) ? nil : $0 }
        if let error {
            let value = try present.map { range throws(VarlinkJSONError) in
                try VarlinkJSONReader.decode(JSONValue.self, from: message, range: range, strict: false)
            }
            return .error(VarlinkError(name: error, parameters: value?.objectValue ?? [:]))
        }
        let value =
            if let present {
                try VarlinkJSONReader.decode(coded, from: message, range: present, strict: false)
            } else {
                try VarlinkJSONReader.decode(coded, from: emptyObject, strict: false)
            }
        return .parameters(value as! R, continues: continues)
    }
}
