extension SwiftRenderer {
    /// The typed client: per method, a call with one reply, a `more` stream, a `oneway` send and an `upgrade`.
    func write(_ client: ClientModel, to w: inout CodeWriter) {
        let property = client.connectionProperty
        w.line("/// A typed client of `\(client.interfaceName)`.")
        w.block("public struct \(client.name): Swift.Sendable") { w in
            w.line("/// The untyped client the calls go through.")
            w.line("public let \(property): Varlink.VarlinkClient")
            w.line()
            w.line("/// Creates a client over an untyped client.")
            w.line("public init(_ client: Varlink.VarlinkClient) { self.\(property) = client }")
            w.line()
            w.line("/// Creates a client over a transport.")
            w.line(
                "public init(transport: any Varlink.VarlinkTransport) { self.\(property) = Varlink.VarlinkClient(transport: transport) }"
            )
            for call in client.calls { write(call, connection: property, to: &w) }
        }
    }

    /// The four functions of one method in the client: a call with one reply, then the `more`, `oneway` and `upgrade`
    /// forms, each with its extra argument, its note in the documentation, its result and the client's function.
    private func write(_ call: EndpointEntryModel, connection property: String, to w: inout CodeWriter) {
        let type = call.type
        let fields = call.fields
        let arguments = fields.map { "\($0.property): \($0.type.swift)\($0.type.isOptional ? " = nil" : "")" }
        let build = "\(type).Parameters(\(fields.map { "\($0.label): \($0.property)" }.joined(separator: ", ")))"
        let forms: [(argument: String?, note: String?, result: String, function: String)] = [
            (nil, nil, "async throws -> \(type).Reply", "try await \(property).call"),
            (
                "_ more: Varlink.VarlinkMore", "Asks for `more`: the replies come as a stream.",
                "-> Swift.AsyncThrowingStream<\(type).Reply, any Swift.Error>", "\(property).stream"
            ),
            (
                "_ oneway: Varlink.VarlinkOneway", "Sends the call `oneway`: no reply comes back.", "async throws",
                "try await \(property).send"
            ),
            (
                "_ upgrade: Varlink.VarlinkUpgrade",
                "Asks to `upgrade`: after the reply, the connection is the caller's.",
                "async throws -> (\(type).Reply, any Varlink.VarlinkUpgradedConnection)",
                "try await \(property).upgrade"
            ),
        ]
        for form in forms {
            let signature = (arguments + (form.argument.map { [$0] } ?? [])).joined(separator: ", ")
            w.line()
            w.doc(call.documentation + (form.note.map { ["", $0] } ?? []))
            w.block("public func \(call.name)(\(signature)) \(form.result)") { w in
                w.line("\(form.function)(\(type).self, \(build))")
            }
        }
    }
}
