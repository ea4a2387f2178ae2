import ArgumentParser
import VarlinkGenerator
import VarlinkIDL

#if canImport(Glibc)
import Glibc
#endif

/// `varlink-swift-gen`: validate a varlink interface file, print it as Swift or as a Markdown reference.
@main
struct VarlinkSwiftGen: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "varlink-swift-gen",
        abstract: "Validate varlink interface files and generate Swift and Markdown from them.",
        subcommands: [Check.self, Swift.self, Markdown.self, Format.self])
}

/// Reads and validates a file, printing diagnostics to stderr; exits 1 on errors.
func load(_ path: String) throws -> (InterfaceDefinition, String) {
    let text: String
    do {
        text = try readFile(path)
    } catch {
        printError("\(path):1:1: error: cannot read the file: \(error)")
        throw ExitCode(1)
    }
    let (interface, diagnostics) = InterfaceParser.check(text, file: path)
    for diagnostic in diagnostics { printError(diagnostic.description) }
    guard let interface else { throw ExitCode(1) }
    return (interface, baseName(path))
}

/// Reads and parses a generator configuration, printing what is wrong to stderr; exits 1 on errors.
func loadConfiguration(_ path: String) throws -> GeneratorConfiguration {
    do {
        return try GeneratorConfiguration(parsing: try readFile(path))
    } catch let error as GeneratorConfiguration.ParseError {
        printError("\(path):\(error.line):\(error.column): error: \(error.message)")
        throw ExitCode(1)
    } catch {
        printError("\(path):1:1: error: cannot read the file: \(error)")
        throw ExitCode(1)
    }
}

func baseName(_ path: String) -> String {
    path.split(separator: "/").last.map(String.init) ?? path
}

func printError(_ line: String) {
    var standardError = StandardError()
    print(line, to: &standardError)
}

struct StandardError: TextOutputStream {
    mutating func write(_ string: String) {
        let bytes = Array(string.utf8)
        _ = bytes.withUnsafeBytes { Glibc.write(2, $0.baseAddress, $0.count) }
    }
}

struct ReadError: Error, CustomStringConvertible {
    var description: String
}

func readFile(_ path: String) throws -> String {
    guard let file = fopen(path, "rb") else { throw ReadError(description: String(cString: strerror(errno))) }
    defer { fclose(file) }
    var bytes: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 65536)
    while true {
        let count = fread(&buffer, 1, buffer.count, file)
        if count > 0 { bytes += buffer[0..<count] }
        if count < buffer.count { break }
    }
    if ferror(file) != 0 { throw ReadError(description: "read error") }
    return String(decoding: bytes, as: UTF8.self)
}

/// Writes `text` to `path` only when it differs, so builds stay incremental.
func writeFile(_ text: String, to path: String) throws {
    if let existing = try? readFile(path), existing == text { return }
    guard let file = fopen(path, "wb") else {
        throw ReadError(description: "cannot write \(path): \(String(cString: strerror(errno)))")
    }
    defer { fclose(file) }
    let bytes = Array(text.utf8)
    guard fwrite(bytes, 1, bytes.count, file) == bytes.count else {
        throw ReadError(description: "cannot write \(path)")
    }
}

func emit(_ text: String, output: String?) throws {
    if let output {
        try writeFile(text, to: output)
    } else {
        print(text, terminator: "")
    }
}

extension VarlinkSwiftGen {
    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Validate interface files: exit 0, or 1 with 'file:line:column: message' lines.")
        @Argument(help: "The .varlink files.") var files: [String]

        func run() throws {
            var failed = false
            for file in files {
                do { _ = try load(file) } catch { failed = true }
            }
            if failed { throw ExitCode(1) }
        }
    }

    struct Swift: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print the Swift stubs for an interface file.")
        @Argument(help: "The .varlink file.") var file: String
        @Option(name: .shortAndLong, help: "Write to this file instead of standard output.") var output: String?
        @Flag(help: "Generate into the Varlink runtime module itself (no import).") var insideRuntime = false
        @Option(help: "Read options from this \(GeneratorConfiguration.fileName) (the build plugin passes it).")
        var config: String?

        func run() throws {
            let configuration = try config.map(loadConfiguration) ?? GeneratorConfiguration()
            let (interface, name) = try load(file)
            let generator = SwiftGenerator(
                options: .init(
                    sourceFileName: name, importsRuntime: !(insideRuntime || configuration.insideRuntime)))
            try emit(generator.generate(interface), output: output)
        }
    }

    struct Markdown: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print the Markdown API reference.")
        @Argument(help: "The .varlink file.") var file: String
        @Option(name: .shortAndLong, help: "Write to this file instead of standard output.") var output: String?

        func run() throws {
            let (interface, name) = try load(file)
            try emit(MarkdownGenerator().generate(interface, sourceFileName: name), output: output)
        }
    }

    struct Format: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print the interface in canonical form.")
        @Argument(help: "The .varlink file.") var file: String

        func run() throws {
            let (interface, _) = try load(file)
            print(InterfacePrinter().print(interface), terminator: "")
        }
    }
}
