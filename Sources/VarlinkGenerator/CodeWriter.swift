/// Collects generated lines with indentation.
struct CodeWriter {
    private(set) var text = ""
    private var level = 0
    let unit = "    "

    var indent: String { String(repeating: unit, count: level) }

    mutating func line(_ line: String = "") {
        text += line.isEmpty ? "\n" : indent + line + "\n"
    }

    mutating func doc(_ lines: [String]) {
        text += SwiftNames.docComment(lines, indent: indent)
    }

    mutating func block(_ opener: String, _ body: (inout CodeWriter) -> Void) {
        line(opener + " {")
        level += 1
        body(&self)
        level -= 1
        line("}")
    }
}
