import CFuzzDriver
import VarlinkIDL

#if canImport(Glibc)
import Glibc
#endif

/// Parses any text as an interface; what parses must print and parse back to the same tree.
func fuzzIDL(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data else { return 0 }
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    guard let interface = try? InterfaceParser.parse(text) else { return 0 }
    let printed = InterfacePrinter().print(interface)
    guard let again = try? InterfaceParser.parse(printed), again == interface else {
        fatalError("the printed interface does not parse back to the same tree:\n\(printed)")
    }
    return 0
}

/// The target by the name libFuzzer's runtime looks for.
@_cdecl("LLVMFuzzerTestOneInput")
func testOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt { fuzzIDL(data, size) }

// libFuzzer's driver runs the target (SwiftPM makes this file's code the executable's entry point).
var argc = CommandLine.argc
var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
exit(LLVMFuzzerRunDriver(&argc, &argv) { data, size in testOneInput(data, size) })
