import CFuzzDriver
import Varlink

#if canImport(Glibc)
import Glibc
#endif

/// Any bytes as JSON: what the reader accepts must be written back and read again to the same value, and the
/// writer's text must read back (a round trip through both directions of the byte-level coders).
func fuzzJSON(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data else { return 0 }
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    guard let value = try? VarlinkJSONReader.decode(JSONValue.self, from: bytes, strict: true) else { return 0 }
    var writer = VarlinkJSONWriter()
    value.encodeJSON(to: &writer)
    guard let again = try? VarlinkJSONReader.decode(JSONValue.self, from: writer.bytes, strict: true),
        again.isJSONEqual(to: value) || !finite(value)
    else {
        fatalError("written JSON does not read back: \(String(decoding: writer.bytes, as: UTF8.self))")
    }
    return 0
}

/// Whether every number in the value is finite (JSON's infinities are written as null).
private func finite(_ value: JSONValue) -> Bool {
    switch value {
    case .double(let number): number.isFinite
    case .array(let elements): elements.allSatisfy(finite)
    case .object(let members): members.values.allSatisfy(finite)
    default: true
    }
}

/// The target by the name libFuzzer's runtime looks for.
@_cdecl("LLVMFuzzerTestOneInput")
func testOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt { fuzzJSON(data, size) }

// libFuzzer's driver runs the target (SwiftPM makes this file's code the executable's entry point).
var argc = CommandLine.argc
var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
exit(LLVMFuzzerRunDriver(&argc, &argv) { data, size in testOneInput(data, size) })
