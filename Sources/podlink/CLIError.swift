/// A failure of the command line itself, already in a person's words.
struct CLIError: Error, CustomStringConvertible {
    /// What went wrong.
    var message: String

    init(_ message: String) { self.message = message }

    var description: String { message }
}
