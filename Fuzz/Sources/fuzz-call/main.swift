import CFuzzDriver
import Varlink

#if canImport(Glibc)
import Glibc
#endif

/// Any bytes as a call, as the server reads one: the header scan, then the parameters decoded strictly as a
/// generated type; and the same bytes as a reply, as the client reads one. Each may refuse; none may crash or hang.
/// (The header scan checks the grammar only: the UTF-8 of strings it skips is checked where they are decoded.)
func fuzzCall(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data else { return 0 }
    let message = Array(UnsafeBufferPointer(start: data, count: size))
    if let header = try? VarlinkMessage.decodeCallHeader(message) {
        _ = try? VarlinkMessage.decodeCallParameters(
            OrgVarlinkService.GetInterfaceDescription.Parameters.self, from: message, range: header.parameters)
    }
    _ = try? VarlinkMessage.decodeReply(OrgVarlinkService.GetInfo.Reply.self, from: message)
    return 0
}

/// The target by the name libFuzzer's runtime looks for.
@_cdecl("LLVMFuzzerTestOneInput")
func testOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt { fuzzCall(data, size) }

// libFuzzer's driver runs the target (SwiftPM makes this file's code the executable's entry point).
var argc = CommandLine.argc
var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
exit(LLVMFuzzerRunDriver(&argc, &argv) { data, size in testOneInput(data, size) })
