import Foundation
import Testing
import VarlinkIDL

/// Each invalid input gives an error at a precise position that says what was expected.
@Suite("Invalid interfaces")
struct InvalidInterfaceTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var text: String
        var line: Int
        var column: Int
        var message: String
        var testDescription: String { message }
    }

    static let cases: [Case] = [
        Case(text: "", line: 1, column: 1, message: "expected 'interface' at the start of the file"),
        Case(text: "method A() -> ()", line: 1, column: 1, message: "expected 'interface' at the start of the file"),
        Case(text: "interface", line: 1, column: 10, message: "expected an interface name after 'interface'"),
        Case(text: "interface org\nmethod A() -> ()", line: 1, column: 11, message: "invalid interface name 'org'"),
        Case(
            text: "interface org.x\nfunc A() -> ()", line: 2, column: 1,
            message: "expected 'type', 'method' or 'error', found 'func'"),
        Case(
            text: "interface org.x\nmethod A(a: int) (b: int)", line: 2, column: 18,
            message: "expected '->' after the input of method 'A', found '('"),
        Case(
            text: "interface org.x\nmethod A -> ()", line: 2, column: 10,
            message: "expected '(' as the input of method 'A', found '-'"),
        Case(
            text: "interface org.x\nmethod A(a: int -> ()", line: 2, column: 17,
            message: "expected ',' or ')' after 'a', found '-'"),
        Case(
            text: "interface org.x\nmethod A(a, b) -> ()", line: 2, column: 9,
            message: "expected a struct as the input of method 'A', found an enum"),
        Case(
            text: "interface org.x\nmethod A(a: int, b) -> ()", line: 2, column: 19,
            message: "expected ':' and a type after field 'b', found ')'"),
        Case(
            text: "interface org.x\ntype T (a, b: int)\nmethod A() -> ()", line: 2, column: 13,
            message: "expected ',' or ')' after enum value 'b'; enum values have no type"),
        Case(
            text: "interface org.x\nmethod A(a: integer) -> ()", line: 2, column: 13,
            message:
                "expected a type (bool, int, float, string, object, any, a type name, '(', '?' or '['), found 'integer'"
        ),
        Case(
            text: "interface org.x\nmethod A(a: ??int) -> ()", line: 2, column: 13,
            message: "'?' cannot apply to an optional type ('??' is not allowed)"),
        Case(
            text: "interface org.x\nmethod A(a: " + String(repeating: "?", count: 5000) + "int) -> ()", line: 2,
            column: 13, message: "'?' cannot apply to an optional type ('??' is not allowed)"),
        Case(
            text: "interface org.x\nmethod A(a: " + String(repeating: "[]", count: 5000) + "int) -> ()", line: 2,
            column: 13 + 64 * 2, message: "types nest deeper than 64 levels"),
        Case(
            text: "interface org.x\nmethod A(a: " + String(repeating: "(a: ", count: 5000) + "int"
                + String(repeating: ")", count: 5000) + ") -> ()", line: 2, column: 13 + 64 * 4,
            message: "types nest deeper than 64 levels"),
        Case(
            text: "interface org.x\nmethod A(a: [int]string) -> ()", line: 2, column: 14,
            message: "expected ']' or 'string]' after '[' (only string keys are allowed)"),
        Case(
            text: "interface org.x\nmethod A(a: Missing) -> ()", line: 2, column: 13,
            message: "unknown type 'Missing' in field 'a' of the input of method 'A'"),
        Case(
            text: "interface org.x\nmethod A() -> ()\nerror A ()", line: 3, column: 7,
            message: "'A' is defined more than once (first defined at 2:8)"),
        Case(
            text: "interface org.x\nmethod A(a: int, a: string) -> ()", line: 2, column: 18,
            message: "duplicate field 'a' in the input of method 'A'"),
        Case(
            text: "interface org.x\ntype E (x, y, x)\nmethod A() -> ()", line: 2, column: 15,
            message: "duplicate enum value 'x' in type 'E'"),
        Case(
            text: "interface org.x\nmethod lower() -> ()", line: 2, column: 8,
            message: "invalid name 'lower': expected an uppercase letter followed by letters and digits"),
        Case(
            text: "interface org.x\nmethod A(bad__name: int) -> ()", line: 2, column: 10,
            message: "invalid field name 'bad__name' in the input of method 'A'"),
        Case(
            text: "interface org.x\nerror E", line: 2, column: 8,
            message: "expected '(' as the parameters of error 'E', found end of file"),
        Case(
            text: "interface org.x\nmethod A() -> (\n  a: (b: [](c: ?Nope))\n)", line: 3, column: 17,
            message: "unknown type 'Nope' in field 'c' of field 'b' of field 'a' of the output of method 'A'"),
        Case(
            text: "interface org.x\nmethod A(é: int) -> ()", line: 2, column: 10,
            message: "expected a field name or an enum value, found 'é'"),
        Case(
            text: "interface org.x\r\nmethod A(a: int,\r\n  b: flot) -> ()", line: 3, column: 6,
            message:
                "expected a type (bool, int, float, string, object, any, a type name, '(', '?' or '['), found 'flot'"),
        Case(
            text: "interface org.x\nmethod A(a: Any) -> ()", line: 2, column: 13,
            message: "unknown type 'Any' in field 'a' of the input of method 'A'"),
        Case(
            text: "interface org.x\ntype any (a: int)\nmethod A() -> ()", line: 2, column: 6,
            message: "invalid name 'any': expected an uppercase letter followed by letters and digits"),
    ]

    @Test(arguments: cases)
    func reportsPositionAndExpectation(_ c: Case) {
        do {
            _ = try InterfaceParser.parse(c.text, file: "test.varlink")
            Issue.record("parsed: \(c.text)")
        } catch {
            let first = error.diagnostics.first
            #expect(first?.location.line == c.line, "\(error)")
            #expect(first?.location.column == c.column, "\(error)")
            #expect(first?.message.hasPrefix(c.message) == true, "\(error)")
            #expect(first?.description.hasPrefix("test.varlink:\(c.line):\(c.column): error: ") == true)
        }
    }

    @Test func collectsEveryValidationError() {
        let text = "interface org.x\nmethod A(a: X) -> ()\nmethod A(b: Y) -> ()\n"
        #expect(throws: InterfaceDefinitionError.self) { try InterfaceParser.parse(text) }
        let diagnostics = InterfaceParser.check(text).diagnostics
        #expect(diagnostics.filter { $0.severity == .error }.count == 3)
    }

    /// Random text from a seeded generator: `PODLINK_TEST_SEED=N` replays a run, whose seed is printed first (a
    /// crash ends the process before any test report).
    @Test func garbageNeverCrashes() {
        let seed =
            ProcessInfo.processInfo.environment["PODLINK_TEST_SEED"].flatMap(UInt64.init) ?? .random(in: 0...(.max))
        print("garbageNeverCrashes: PODLINK_TEST_SEED=\(seed)")
        var generator = SplitMix64(seed: seed)
        let alphabet = Array(
            "interface org.x method type error A B a b ( ) : , ? [ ] string int any -> # \n\r\t é".utf8)
        for _ in 0..<2000 {
            let length = Int.random(in: 0..<80, using: &generator)
            let bytes = (0..<length).map { _ in alphabet.randomElement(using: &generator)! }
            _ = InterfaceParser.check(String(decoding: bytes, as: UTF8.self))
            _ = InterfaceParser.check("interface org.x\n" + String(decoding: bytes, as: UTF8.self))
        }
    }

    @Test func peerCompatibilityWarnings() throws {
        let text = "interface Org.Example1\ntype T (only)\ntype U (Field: int)\n"
        let (interface, diagnostics) = InterfaceParser.check(text)
        #expect(interface != nil)
        let messages = diagnostics.map(\.description)
        #expect(
            messages.contains(
                "<input>:1:11: warning: interface name 'Org.Example1' has uppercase letters; Go's varlink rejects it"))
        #expect(
            messages.contains("<input>:1:11: warning: interface 'Org.Example1' has no methods; Go's varlink rejects it")
        )
        #expect(messages.contains("<input>:2:9: warning: an enum with a single value; python's varlink rejects it"))
        #expect(
            messages.contains(
                "<input>:3:9: warning: field name 'Field' starts with an uppercase letter; Go's varlink rejects it"))
        let digits = InterfaceParser.check("interface org1.x\nmethod A() -> ()").diagnostics.map(\.message)
        #expect(digits == ["the first part of interface name 'org1.x' has digits or '-'; python's varlink rejects it"])
    }

    /// `any` is valid varlink (UAPI.20), `?any` included (`any` excludes `null`, `?` adds it), so only a warning:
    /// python's and Go's varlink do not know the type.
    @Test func anyIsValidButOlderPeersRejectIt() throws {
        let text = "interface org.x\nmethod A(a: ?any) -> (b: []any)\ntype T (c: (d: [string]any))\n"
        let (interface, diagnostics) = InterfaceParser.check(text)
        #expect(interface != nil)
        #expect(diagnostics.allSatisfy { $0.severity == .warning })
        let rejected = "; python's and Go's varlink reject it"
        #expect(
            diagnostics.map(\.description) == [
                "<input>:2:10: warning: type 'any' in field 'a' of the input of method 'A'" + rejected,
                "<input>:2:23: warning: type 'any' in field 'b' of the output of method 'A'" + rejected,
                "<input>:3:13: warning: type 'any' in field 'd' of field 'c' of type 'T'" + rejected,
            ])
    }
}

/// SplitMix64: a small generator whose whole sequence follows from its seed, so a failing run can be replayed.
struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
