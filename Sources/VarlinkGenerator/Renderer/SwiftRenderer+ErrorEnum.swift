extension SwiftRenderer {
    /// The interface's error enum, with its conversions from and to the wire form.
    func write(_ errorEnum: ErrorEnumModel, to w: inout CodeWriter) {
        let cases = errorEnum.cases
        w.line("/// The errors `\(errorEnum.interfaceName)` declares, with their typed parameters.")
        w.block("public enum \(errorEnum.name): Varlink.VarlinkTypedError, Swift.Hashable") { w in
            for entry in cases {
                w.doc(entry.documentation)
                if entry.fields.isEmpty {
                    w.line("case \(entry.name)")
                } else {
                    let associated = entry.fields.map { "\($0.property): \($0.type.swift)" }.joined(separator: ", ")
                    w.line("case \(entry.name)(\(associated))")
                }
            }
            w.line()
            w.line("/// The interface that declares these errors.")
            w.line("public static var interfaceName: Swift.String { \(errorEnum.namespace).interfaceName }")
            w.line()
            w.line("/// The wire form of the error.")
            w.block("public var varlinkError: Varlink.VarlinkError") { w in
                if cases.isEmpty {
                    w.line("switch self {}")
                    return
                }
                w.block("switch self") { w in
                    for entry in cases {
                        let type = entry.type
                        let bindings = entry.fields.map { "let \($0.property)" }.joined(separator: ", ")
                        let arguments = entry.fields.map { "\($0.label): \($0.property)" }.joined(separator: ", ")
                        w.line("case .\(entry.name)\(entry.fields.isEmpty ? "" : "(\(bindings))"):")
                        w.line(
                            "    return Varlink.VarlinkError(name: \(type).errorName, encoding: \(type).Parameters(\(arguments)))"
                        )
                    }
                }
            }
            w.line()
            w.line("/// The typed form of `error`, or nil when it is not one of this interface's errors.")
            w.block("public init?(varlinkError error: Varlink.VarlinkError) throws") { w in
                w.block("switch error.name") { w in
                    for entry in cases {
                        w.line("case \(entry.type).errorName:")
                        if entry.fields.isEmpty {
                            w.line("    self = .\(entry.name)")
                        } else {
                            w.line(
                                "    let parameters = try error.decodeParameters(\(entry.type).Parameters.self)")
                            let arguments = entry.fields.map { "\($0.label): parameters.\($0.property)" }
                            w.line("    self = .\(entry.name)(\(arguments.joined(separator: ", ")))")
                        }
                    }
                    w.line("default:")
                    w.line("    return nil")
                }
            }
        }
    }
}
