/// Collects generated lines with indentation.
struct CodeWriter {
    /// The text so far.
    private(set) var text = ""
    /// The current nesting depth.
    private var level = 0
    /// One level of indentation.
    let unit = "    "

    /// The indentation of the current level.
    var indent: String { String(repeating: unit, count: level) }

    /// Appends a line at the current indentation; an empty line gets no indentation.
    mutating func line(_ line: String = "") {
        text += line.isEmpty ? "\n" : indent + line + "\n"
    }

    /// Appends documentation lines as `///` comments.
    mutating func doc(_ lines: [String]) {
        text += SwiftNames.docComment(lines, indent: indent)
    }

    /// Appends `opener {`, the body one level deeper, and `}`.
    mutating func block(_ opener: String, _ body: (inout CodeWriter) -> Void) {
        line(opener + " {")
        level += 1
        body(&self)
        level -= 1
        line("}")
    }
}
