import Foundation
import Testing
import VarlinkIDL

let interfacesDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("interfaces")

func interfaceText(_ name: String) throws -> String {
    try String(contentsOf: interfacesDirectory.appendingPathComponent(name), encoding: .utf8)
}

@Suite("Parsing valid interfaces")
struct ParserTests {
    @Test func parsesEveryConstruct() throws {
        let interface = try InterfaceParser.parse(try interfaceText("org.example.everything.varlink"))
        #expect(interface.name == "org.example.everything")
        #expect(
            interface.documentation == [
                "Every construct of the varlink interface language, for the generator's tests.", "",
                "A blank documentation line above.",
            ])
        let basics = try #require(interface.type(named: "Basics"))
        #expect(basics.documentation == ["A named struct using every base type."])
        guard case .structure(let fields) = basics.type else { Issue.record("Basics is not a struct"); return }
        #expect(fields.map(\.type) == [.bool, .int, .float, .string, .object])
        #expect(fields[0].documentation == ["A boolean."])
        #expect(fields[1].documentation == [])

        let color = try #require(interface.type(named: "Color"))
        guard case .enumeration(let values) = color.type else { Issue.record("Color is not an enum"); return }
        #expect(values.map(\.name) == ["red", "green", "blue_ish"])
        #expect(values[0].documentation == ["The first color."])

        #expect(interface.type(named: "Palette")?.type == .array(.reference(TypeReference(name: "Color"))))
        #expect(
            interface.type(named: "Index")?.type
                == .map(
                    .structure([
                        FieldDefinition(name: "position", type: .int),
                        FieldDefinition(name: "label", type: .optional(.string)),
                    ])))

        let wrappers = try #require(interface.type(named: "Wrappers"))
        guard case .structure(let wrapped) = wrappers.type else { Issue.record("not a struct"); return }
        let byName = Dictionary(uniqueKeysWithValues: wrapped.map { ($0.name, $0.type) })
        #expect(byName["opt_set"] == .optional(.set))
        #expect(byName["opt_enum"] == .optional(.enumeration([.init(name: "up"), .init(name: "down")])))
        #expect(byName["array_set"] == .array(.set))
        #expect(byName["array_opt"] == .array(.optional(.int)))
        #expect(byName["map_map"] == .map(.map(.bool)))
        #expect(byName["map_set"] == .map(.set))
        #expect(byName["set"] == .set)

        let method = try #require(interface.methods.first { $0.name == "Echo" })
        #expect(method.documentation == ["Echoes its input."])
        #expect(method.input.map(\.name) == ["basics", "color", "wrappers"])
        #expect(interface.methods.first { $0.name == "Nothing" }?.output == [])

        let notFound = try #require(interface.errors.first { $0.name == "NotFound" })
        #expect(notFound.parameters.first?.documentation == ["What was looked for."])
        #expect(interface.errors.map(\.name) == ["NotFound", "Unavailable", "Complex"])
    }

    @Test func parsesDeepNesting() throws {
        let interface = try InterfaceParser.parse(try interfaceText("org.example.everything.varlink"))
        guard case .structure(let fields) = try #require(interface.type(named: "Deep")).type,
            case .optional(.array(.structure(let level1))) = fields.first?.type,
            case .map(.optional(.structure(let level2))) = level1.first?.type,
            case .array(.map(.structure(let level3))) = level2.first?.type
        else {
            Issue.record("unexpected shape")
            return
        }
        #expect(level3.first?.documentation == ["The innermost field."])
        #expect(
            level3.first?.type
                == .optional(.array(.optional(.map(.enumeration([.init(name: "yes"), .init(name: "no")]))))))
    }

    @Test(arguments: ["org.varlink.certification.varlink", "org.example.everything.varlink", "io.podlink.varlink"])
    func printedInterfacesParseBackToTheSameTree(file: String) throws {
        guard let text = try? interfaceText(file) else { return }
        let interface = try InterfaceParser.parse(text)
        let printed = InterfacePrinter().print(interface)
        #expect(try InterfaceParser.parse(printed) == interface)
        #expect(InterfacePrinter().print(try InterfaceParser.parse(printed)) == printed)
        let narrow = InterfacePrinter(lineWidth: 20, indentation: "\t").print(interface)
        #expect(try InterfaceParser.parse(narrow) == interface)
    }

    @Test func everyTypeInsideEveryWrapper() throws {
        let bases = ["bool", "int", "float", "string", "object", "any", "T", "(a: int)", "(x, y)", "[string]()"]
        var text = "interface org.example.wrap\ntype T (a: int)\n"
        var index = 0
        for base in bases {
            for wrapper in ["?", "[]", "[string]", "?[]", "[]?", "[string]?", "?[string]", "[][]", "[string][string]"] {
                text += "type W\(index) (f: \(wrapper)\(base))\n"
                index += 1
            }
        }
        text += "method M() -> ()\n"
        let interface = try InterfaceParser.parse(text)
        #expect(interface.types.count == index + 1)
        #expect(try InterfaceParser.parse(InterfacePrinter().print(interface)) == interface)
    }

    /// `any` (UAPI.20) is a base type like `object`: a field's type, the element of an array or a map, nullable
    /// (`?any` adds `null`, which `any` alone excludes), and in the parameters of methods and errors.
    @Test func anyIsABaseTypeWhereverATypeMayBe() throws {
        let text = """
            interface org.example.any

            type Dynamic (
              value: any,
              maybe: ?any,
              list: []any,
              map: [string]any,
              maybe_list: ?[]any,
              list_of_maybe: []?any,
              nested: (inner: any),
              any: any
            )

            method Put(value: any, maybe: ?any) -> (previous: ?any)

            error Rejected (value: any)
            """
        let interface = try InterfaceParser.parse(text)
        let dynamic = try #require(interface.type(named: "Dynamic"))
        guard case .structure(let fields) = dynamic.type else { Issue.record("Dynamic is not a struct"); return }
        #expect(
            fields.map(\.type) == [
                .any, .optional(.any), .array(.any), .map(.any), .optional(.array(.any)), .array(.optional(.any)),
                .structure([FieldDefinition(name: "inner", type: .any)]), .any,
            ])
        #expect(fields.last?.name == "any")
        #expect(TypeExpression.any != .object)
        let put = try #require(interface.methods.first { $0.name == "Put" })
        #expect(put.input.map(\.type) == [.any, .optional(.any)])
        #expect(put.output.map(\.type) == [.optional(.any)])
        #expect(interface.errors.first?.parameters.map(\.type) == [.any])
    }

    @Test func anyPrintsBackAsWritten() throws {
        let text = """
            interface org.example.any

            type T (
              a: any,
              b: ?any,
              c: []any,
              d: [string]?any
            )

            method M(x: any) -> (y: ?[]any)

            """
        let interface = try InterfaceParser.parse(text)
        let printed = InterfacePrinter().print(interface)
        #expect(printed == text)
        #expect(try InterfaceParser.parse(printed) == interface)
        #expect(InterfacePrinter().type(.optional(.any)) == "?any")
        #expect(InterfacePrinter().type(.map(.array(.any))) == "[string][]any")
    }

    @Test func locationsAreKeptButNotCompared() throws {
        let text = "interface org.example.where\n\nmethod Ping(a: int) -> (b: Pong)\n\ntype Pong (c, d)\n"
        let here = try InterfaceParser.parse(text)
        let there = try InterfaceParser.parse("\n\n" + text)
        #expect(here == there)
        #expect(here.hashValue == there.hashValue)
        #expect(here.location?.line == 1 && there.location?.line == 3)
        let (ping, pingThere) = (here.methods[0], there.methods[0])
        #expect(ping.input[0].location?.line == 3 && pingThere.input[0].location?.line == 5)
        guard case .reference(let pong) = ping.output[0].type else { Issue.record("b is not a reference"); return }
        #expect(pong.location?.column == 28)
    }

    @Test func acceptsCRLFAndTabs() throws {
        let text = "# doc\r\ninterface org.example.crlf\r\n\r\n# method doc\r\nmethod\tPing(a: int) -> (b: int)\r\n"
        let interface = try InterfaceParser.parse(text)
        #expect(interface.documentation == ["doc"])
        #expect(interface.methods.first?.documentation == ["method doc"])
    }

    @Test func documentationNeedsToTouchItsMember() throws {
        let text = """
            interface org.example.docs

            # detached comment

            # attached
            method A() -> () # trailing, ignored
            # on B
            method B(
              # on x
              x: int, # trailing
              y: int
            ) -> ()
            """
        let interface = try InterfaceParser.parse(text)
        #expect(interface.documentation == [])
        #expect(interface.methods.map(\.documentation) == [["attached"], ["on B"]])
        #expect(interface.methods[1].input.map(\.documentation) == [["on x"], []])
    }

    @Test func namesFollowTheLanguageRules() {
        #expect(NameRules.isInterfaceName("org.varlink.service"))
        #expect(NameRules.isInterfaceName("io.podlink"))
        #expect(NameRules.isInterfaceName("com.example-co.api2"))
        #expect(NameRules.isInterfaceName("a.0b"))
        #expect(!NameRules.isInterfaceName("org"))
        #expect(!NameRules.isInterfaceName("org..x"))
        #expect(!NameRules.isInterfaceName("1org.x"))
        #expect(!NameRules.isInterfaceName("org.x-"))
        #expect(!NameRules.isInterfaceName("org.x_y"))
        #expect(NameRules.isMemberName("GetInfo") && NameRules.isMemberName("A1"))
        #expect(!NameRules.isMemberName("getInfo") && !NameRules.isMemberName("Get_Info"))
        #expect(NameRules.isFieldName("client_id") && NameRules.isFieldName("A") && NameRules.isFieldName("a1_b2"))
        #expect(
            !NameRules.isFieldName("_a") && !NameRules.isFieldName("a__b") && !NameRules.isFieldName("a_")
                && !NameRules.isFieldName("1a") && !NameRules.isFieldName("a-b"))
    }

    /// Found by fuzz-idl: a comment whose text starts with a combining mark (U+07AC) after the margin's space.
    @Test func aCommentStartingWithACombiningMarkPrintsBackTheSame() throws {
        let text = "#\u{07AC}x\ninterface org.example.mark\n# \u{07AC}y\nmethod A() -> ()\n"
        let interface = try InterfaceParser.parse(text)
        #expect(interface.documentation == ["\u{07AC}x"])
        let printed = InterfacePrinter().print(interface)
        #expect(try InterfaceParser.parse(printed) == interface)
    }

    /// Found by fuzz-idl: a comment line ending in several CRs lost one at each print and parse.
    @Test func aCommentEndingInCarriageReturnsPrintsBackTheSame() throws {
        let text = "# a\r\r\r\ninterface org.example.cr\n# b\r\rc\r\nmethod A() -> ()\n"
        let interface = try InterfaceParser.parse(text)
        #expect(interface.documentation == ["a"])
        let printed = InterfacePrinter().print(interface)
        #expect(try InterfaceParser.parse(printed) == interface)
    }
}
