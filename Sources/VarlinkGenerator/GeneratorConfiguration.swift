/// The options a target sets for the generator in a `varlink-generator.json` beside its sources: a JSON object whose
/// keys are options, `{ "insideRuntime": true }`. The build plugin hands the file to `varlink-swift-gen swift
/// --config`, which reads it each time it runs, so an edit to the file takes effect on the next build.
public struct GeneratorConfiguration: Sendable, Hashable {
    /// The name of the file the build plugin looks for among a target's files.
    public static let fileName = "varlink-generator.json"

    /// The options the file may set; each is `true` or `false`.
    public static let optionNames = ["insideRuntime"]

    /// `insideRuntime`: the target is the `Varlink` runtime module itself, so the generated Swift does not import it.
    public var insideRuntime: Bool

    /// Creates a configuration; what is not given has its default.
    public init(insideRuntime: Bool = false) {
        self.insideRuntime = insideRuntime
    }

    /// Parses the text of the file. An option that is not known, one given twice, a value that is not `true` or
    /// `false`, or text that is not a JSON object is an error naming the line and column.
    public init(parsing text: String) throws(ParseError) {
        var parser = Parser(text)
        self.init()
        for option in try parser.parseObject() {
            switch option.name {
            case "insideRuntime": insideRuntime = option.value
            default:
                let known = Self.optionNames.joined(separator: ", ")
                throw parser.error("unknown option '\(option.name)'; the options are \(known)", at: option.position)
            }
        }
    }

    /// What is wrong with a configuration file, and where.
    public struct ParseError: Error, Sendable, Hashable, CustomStringConvertible {
        /// The line, from 1.
        public var line: Int
        /// The column in bytes, from 1.
        public var column: Int
        /// What is wrong.
        public var message: String

        /// Creates an error.
        public init(line: Int, column: Int, message: String) {
            self.line = line
            self.column = column
            self.message = message
        }

        /// `line:column: message`
        public var description: String { "\(line):\(column): \(message)" }
    }
}
