import Foundation
import Testing
import Varlink

/// The byte-level coders generated beside the `Codable` ones must agree with them: the same bytes out, the same
/// values in, and the same field named when a call's parameters are wrong.
@Suite("Generated stubs: byte-level coders agree with Codable")
struct JSONCodingTests {
    typealias E = OrgExampleEverything

    static func written(_ value: some VarlinkJSONEncodable) -> String {
        var writer = VarlinkJSONWriter()
        value.encodeJSON(to: &writer)
        return String(decoding: writer.bytes, as: UTF8.self)
    }

    static func foundation(_ value: some Encodable) throws -> String {
        String(decoding: try VarlinkJSON.encode(value), as: UTF8.self)
    }

    @Test func everyWrapperIsWrittenAsFoundationWritesIt() throws {
        for value in [StubCodingTests.fullWrappers, StubCodingTests.emptyWrappers] {
            #expect(Self.written(value) == (try Self.foundation(value)))
            let read = try VarlinkJSONReader.decode(
                E.Wrappers.self, from: Array(Self.written(value).utf8), strict: true)
            #expect(read == value)
        }
    }

    @Test func randomValuesAgreeBothWays() throws {
        let seed =
            ProcessInfo.processInfo.environment["PODLINK_TEST_SEED"].flatMap(UInt64.init) ?? .random(in: 0...(.max))
        print("randomValuesAgreeBothWays: PODLINK_TEST_SEED=\(seed)")
        var generator = StubRandom(seed: seed)
        for _ in 0..<300 {
            let value = generator.basics()
            let bytes = Self.written(value)
            #expect(bytes == (try Self.foundation(value)), "seed \(seed)")
            let fast = try VarlinkJSONReader.decode(E.Basics.self, from: Array(bytes.utf8), strict: true)
            let slow = try VarlinkJSON.decode(E.Basics.self, from: Array(bytes.utf8), strict: true)
            #expect(fast == slow, "seed \(seed): \(bytes)")
        }
    }

    /// Both paths through the runtime's call decoding: the field `InvalidParameter` names is the same.
    @Test(arguments: [
        (
            #"{"basics":{"flag":true,"count":1,"ratio":1,"text":"t","anything":{},"extra":1},"color":"red","wrappers":{}}"#,
            "basics.extra"
        ),
        (#"{"basics":{"flag":true,"count":1.5,"ratio":1,"text":"t","anything":{}},"color":"red"}"#, "basics.count"),
        (#"{"basics":{"flag":true,"ratio":1,"text":"t","anything":{}},"color":"red"}"#, "basics.count"),
        (#"{"basics":{"flag":"yes","count":1,"ratio":1,"text":"t","anything":{}},"color":"red"}"#, "basics.flag"),
        (#"{"basics":{"flag":true,"count":1,"ratio":1,"text":"t","anything":{}},"color":"purple"}"#, "color"),
        (#"{"basics":{"flag":true,"count":99999999999999999999,"ratio":1,"text":"t","anything":{}}}"#, "basics.count"),
        (#"[1]"#, "parameters"),
    ])
    func invalidParametersNameTheSameField(parameters: String, field: String) throws {
        let message =
            Array(#"{"method":"org.example.everything.Echo","parameters":"#.utf8) + Array(parameters.utf8)
            + [UInt8(ascii: "}")]
        let range = (message.count - 1 - parameters.utf8.count)..<(message.count - 1)
        #expect(throws: VarlinkError.invalidParameter(field)) {
            try VarlinkMessage.decodeCallParameters(E.Echo.Parameters.self, from: message, range: range)
        }
        // Foundation's path, by a type without the byte-level coders that decodes the same way.
        #expect(throws: VarlinkError.invalidParameter(field)) {
            try VarlinkMessage.decodeCallParameters(CodableOnly<E.Echo.Parameters>.self, from: message, range: range)
        }
    }

    @Test func stringsWithEscapesAndControlCharactersRoundTrip() throws {
        let text = "q\"\\/\u{1}\u{8}\u{c}\n\r\té😀\u{7f}"
        let value = E.Basics(flag: true, count: Int.min, ratio: -0.0, text: text, anything: ["k": [nil, 1e300]])
        #expect(Self.written(value) == (try Self.foundation(value)))
        let escaped = Array(#"{"flag":true,"count":0,"ratio":0,"text":"\ud83d\ude00\u00e9\/","anything":null}"#.utf8)
        #expect(try VarlinkJSONReader.decode(E.Basics.self, from: escaped, strict: true).text == "😀é/")
        for bad in [#""\ud83d""#, #""\udc00x""#, #""\x""#, "\"\u{1}\""] {
            #expect(throws: VarlinkJSONError.self) {
                try VarlinkJSONReader.decode(String.self, from: Array(bad.utf8), strict: true)
            }
        }
        #expect(throws: VarlinkJSONError.self) {
            try VarlinkJSONReader.decode(String.self, from: [0x22, 0xFF, 0x22], strict: true)
        }
    }

    @Test func numbersFollowTheGrammarAndFit() throws {
        for (text, value) in [("5", 5), ("5.0", 5), ("5e0", 5), ("-0", 0), ("1e2", 100)] {
            #expect(try VarlinkJSONReader.decode(Int.self, from: Array(text.utf8), strict: true) == value)
        }
        for bad in ["5.5", "01", "1.", ".5", "-", "1e", "9223372036854775808", "1e19", "+1", "0x10"] {
            #expect(throws: VarlinkJSONError.self, "\(bad)") {
                try VarlinkJSONReader.decode(Int.self, from: Array(bad.utf8), strict: true)
            }
        }
        #expect(try VarlinkJSONReader.decode(Int.self, from: Array("-9223372036854775808".utf8), strict: true) == .min)
    }

    @Test func deepNestingIsRefusedNotACrash() {
        let deep = Array((String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)).utf8)
        #expect(throws: VarlinkJSONError.self) {
            try VarlinkJSONReader.decode(JSONValue.self, from: deep, strict: true)
        }
    }
}

/// A type that decodes as `Wrapped` does through `Codable` only, so the runtime takes Foundation's path.
struct CodableOnly<Wrapped: Decodable>: Decodable {
    var value: Wrapped
    init(from decoder: any Decoder) throws { value = try Wrapped(from: decoder) }
}

/// Random `Basics` values from a seeded SplitMix64, so a failing run can be replayed.
struct StubRandom {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    mutating func text() -> String {
        let pieces = ["a", "Z", " ", "\"", "\\", "/", "\n", "\u{1}", "é", "😀", "\u{7f}", "{", "}"]
        return (0..<Int(next() % 12)).map { _ in pieces[Int(next() % UInt64(pieces.count))] }.joined()
    }

    mutating func double() -> Double {
        switch next() % 4 {
        case 0: Double(Int64(bitPattern: next()) % 1000)
        case 1: Double(bitPattern: next() & 0x7FEF_FFFF_FFFF_FFFF) * (next() % 2 == 0 ? 1 : -1)
        case 2: Double(next() % 1_000_000) / 1000
        default: 1e-7 * Double(next() % 100)
        }
    }

    mutating func value(depth: Int = 0) -> JSONValue {
        switch next() % (depth > 2 ? 5 : 7) {
        case 0: .null
        case 1: .bool(next() % 2 == 0)
        case 2: .int(Int(Int64(bitPattern: next())))
        case 3: .double(double())
        case 4: .string(text())
        case 5: .array((0..<Int(next() % 4)).map { _ in value(depth: depth + 1) })
        default:
            .object(
                Dictionary((0..<Int(next() % 4)).map { _ in (text(), value(depth: depth + 1)) }) { first, _ in first })
        }
    }

    mutating func basics() -> OrgExampleEverything.Basics {
        .init(
            flag: next() % 2 == 0, count: Int(Int64(bitPattern: next())), ratio: double(), text: text(),
            anything: value())
    }
}
