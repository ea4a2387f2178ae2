import Testing

@testable import VarlinkGenerator

/// The render stage, one type at a time: small interfaces, each checked against the snippet it prints for one
/// declaration. The whole-file references in `Fixtures` check the same output in context.
@Suite("Rendered snippets: types")
struct TypeSnippetTests {
    @Test func aStructWithAnOptionalAndAnArrayField() throws {
        let model = try translated("type Pet (name: string, nickname: ?string, tags: []string)\n")
        let expected = #"""
            /// `Pet`
            public struct Pet: Swift.Codable, Swift.Sendable, Swift.Hashable {
                /// `name`
                public var name: Swift.String
                /// `nickname`
                public var nickname: Swift.String?
                /// `tags`
                public var tags: [Swift.String]

                /// Creates a value from its fields.
                public init(name: Swift.String, nickname: Swift.String? = nil, tags: [Swift.String]) {
                    self.name = name
                    self.nickname = nickname
                    self.tags = tags
                }

                private enum CodingKeys: Swift.String, Swift.CodingKey {
                    case name = "name"
                    case nickname = "nickname"
                    case tags = "tags"
                }

                /// Decodes the value; in strict mode (call parameters) unknown fields are rejected.
                public init(from decoder: any Swift.Decoder) throws {
                    try Varlink.VarlinkJSON.checkKnownKeys(decoder, ["name", "nickname", "tags"])
                    let container = try decoder.container(keyedBy: CodingKeys.self)
                    self.name = try container.varlinkDecode(Swift.String.self, forKey: .name)
                    self.nickname = try container.varlinkDecodeIfPresent(Swift.String.self, forKey: .nickname)
                    self.tags = try container.varlinkDecode([Swift.String].self, forKey: .tags)
                }

                /// Encodes the value; absent optional fields are left out.
                public func encode(to encoder: any Swift.Encoder) throws {
                    var container = encoder.container(keyedBy: CodingKeys.self)
                    try container.encode(self.name, forKey: .name)
                    try container.encodeIfPresent(self.nickname, forKey: .nickname)
                    try container.encode(self.tags, forKey: .tags)
                }
            }
            """#
        #expect(try rendered(model, member: "Pet") == expected + "\n")
    }

    @Test func anEnumWhoseDecoderListsTheAllowedValues() throws {
        let model = try translated("type Color (red, dark_blue)\n")
        let expected = #"""
            /// `Color`
            public enum Color: Swift.String, Swift.Codable, Swift.Sendable, Swift.Hashable, Swift.CaseIterable {
                /// `red`
                case red = "red"
                /// `dark_blue`
                case darkBlue = "dark_blue"

                /// Decodes a value; an unknown one is an error that lists the allowed values.
                public init(from decoder: any Swift.Decoder) throws {
                    let container = try decoder.singleValueContainer()
                    let raw = try container.decode(Swift.String.self)
                    guard let value = Self(rawValue: raw) else {
                        throw Swift.DecodingError.dataCorruptedError(
                            in: container, debugDescription: "unknown value '\(raw)' for enum Color; expected one of: red, dark_blue")
                    }
                    self = value
                }
            }
            """#
        #expect(try rendered(model, member: "Color") == expected + "\n")
    }

    @Test func aNestedAnonymousStruct() throws {
        let model = try translated("type Box (size: (width: int))\n")
        let expected = #"""
            /// `Box`
            public struct Box: Swift.Codable, Swift.Sendable, Swift.Hashable {
                /// `size`
                public var size: OrgExampleSnippets.Box.Size

                /// Creates a value from its fields.
                public init(size: OrgExampleSnippets.Box.Size) {
                    self.size = size
                }

                private enum CodingKeys: Swift.String, Swift.CodingKey {
                    case size = "size"
                }

                /// Decodes the value; in strict mode (call parameters) unknown fields are rejected.
                public init(from decoder: any Swift.Decoder) throws {
                    try Varlink.VarlinkJSON.checkKnownKeys(decoder, ["size"])
                    let container = try decoder.container(keyedBy: CodingKeys.self)
                    self.size = try container.varlinkDecode(OrgExampleSnippets.Box.Size.self, forKey: .size)
                }

                /// Encodes the value; absent optional fields are left out.
                public func encode(to encoder: any Swift.Encoder) throws {
                    var container = encoder.container(keyedBy: CodingKeys.self)
                    try container.encode(self.size, forKey: .size)
                }

                /// The type of `size`.
                public struct Size: Swift.Codable, Swift.Sendable, Swift.Hashable {
                    /// `width`
                    public var width: Swift.Int

                    /// Creates a value from its fields.
                    public init(width: Swift.Int) {
                        self.width = width
                    }

                    private enum CodingKeys: Swift.String, Swift.CodingKey {
                        case width = "width"
                    }

                    /// Decodes the value; in strict mode (call parameters) unknown fields are rejected.
                    public init(from decoder: any Swift.Decoder) throws {
                        try Varlink.VarlinkJSON.checkKnownKeys(decoder, ["width"])
                        let container = try decoder.container(keyedBy: CodingKeys.self)
                        self.width = try container.varlinkDecode(Swift.Int.self, forKey: .width)
                    }

                    /// Encodes the value; absent optional fields are left out.
                    public func encode(to encoder: any Swift.Encoder) throws {
                        var container = encoder.container(keyedBy: CodingKeys.self)
                        try container.encode(self.width, forKey: .width)
                    }
                }
            }
            """#
        #expect(try rendered(model, member: "Box") == expected + "\n")
    }

    @Test func keywordNamedFieldsNeedBackticksOrATrailingUnderscore() throws {
        let model = try translated("type Options (default: bool, in: ?string, self: int)\n")
        let expected = #"""
            /// `Options`
            public struct Options: Swift.Codable, Swift.Sendable, Swift.Hashable {
                /// `default`
                public var `default`: Swift.Bool
                /// `in`
                public var `in`: Swift.String?
                /// `self`
                public var self_: Swift.Int

                /// Creates a value from its fields.
                public init(`default`: Swift.Bool, `in`: Swift.String? = nil, self_: Swift.Int) {
                    self.`default` = `default`
                    self.`in` = `in`
                    self.self_ = self_
                }

                private enum CodingKeys: Swift.String, Swift.CodingKey {
                    case `default` = "default"
                    case `in` = "in"
                    case self_ = "self"
                }

                /// Decodes the value; in strict mode (call parameters) unknown fields are rejected.
                public init(from decoder: any Swift.Decoder) throws {
                    try Varlink.VarlinkJSON.checkKnownKeys(decoder, ["default", "in", "self"])
                    let container = try decoder.container(keyedBy: CodingKeys.self)
                    self.`default` = try container.varlinkDecode(Swift.Bool.self, forKey: .`default`)
                    self.`in` = try container.varlinkDecodeIfPresent(Swift.String.self, forKey: .`in`)
                    self.self_ = try container.varlinkDecode(Swift.Int.self, forKey: .self_)
                }

                /// Encodes the value; absent optional fields are left out.
                public func encode(to encoder: any Swift.Encoder) throws {
                    var container = encoder.container(keyedBy: CodingKeys.self)
                    try container.encode(self.`default`, forKey: .`default`)
                    try container.encodeIfPresent(self.`in`, forKey: .`in`)
                    try container.encode(self.self_, forKey: .self_)
                }
            }
            """#
        #expect(try rendered(model, member: "Options") == expected + "\n")
    }

    @Test func aSetIsConvertedForTheWire() throws {
        let model = try translated("type Labels (names: [string]())\n")
        let expected = #"""
            /// `Labels`
            public struct Labels: Swift.Codable, Swift.Sendable, Swift.Hashable {
                /// `names`
                public var names: Swift.Set<Swift.String>

                /// Creates a value from its fields.
                public init(names: Swift.Set<Swift.String>) {
                    self.names = names
                }

                private enum CodingKeys: Swift.String, Swift.CodingKey {
                    case names = "names"
                }

                /// Decodes the value; in strict mode (call parameters) unknown fields are rejected.
                public init(from decoder: any Swift.Decoder) throws {
                    try Varlink.VarlinkJSON.checkKnownKeys(decoder, ["names"])
                    let container = try decoder.container(keyedBy: CodingKeys.self)
                    self.names = try container.varlinkDecode(Varlink.VarlinkStringSet.self, forKey: .names).values
                }

                /// Encodes the value; absent optional fields are left out.
                public func encode(to encoder: any Swift.Encoder) throws {
                    var container = encoder.container(keyedBy: CodingKeys.self)
                    try container.encode(Varlink.VarlinkStringSet(self.names), forKey: .names)
                }
            }
            """#
        #expect(try rendered(model, member: "Labels") == expected + "\n")
    }

    @Test func anAliasWithAnInlineElementType() throws {
        let model = try translated("type Levels [](low, high)\n")
        let expected = #"""
            /// `Levels`
            public typealias Levels = [OrgExampleSnippets.LevelsElement]

            /// An element of `Levels`.
            public enum LevelsElement: Swift.String, Swift.Codable, Swift.Sendable, Swift.Hashable, Swift.CaseIterable {
                /// `low`
                case low = "low"
                /// `high`
                case high = "high"

                /// Decodes a value; an unknown one is an error that lists the allowed values.
                public init(from decoder: any Swift.Decoder) throws {
                    let container = try decoder.singleValueContainer()
                    let raw = try container.decode(Swift.String.self)
                    guard let value = Self(rawValue: raw) else {
                        throw Swift.DecodingError.dataCorruptedError(
                            in: container, debugDescription: "unknown value '\(raw)' for enum LevelsElement; expected one of: low, high")
                    }
                    self = value
                }
            }
            """#
        #expect(try rendered(model, member: "Levels") == expected + "\n")
    }
}
