import Foundation
import JSONCore
@testable import JSONSchema
import Testing
import TestSupport

/// Schemas and instances built to exhaust the engine: reference chains longer than the stack, reference
/// graphs that made compilation quadratic, the `$dynamicAnchor` cycle that leaked. (Oversized instances are
/// the `validate` command's to read: `AuditToolingTests`.)
/// Each must end quickly, within memory, with a result or an error that says what happened.
@Suite("Hostile schemas and instances")
struct HostileSchemaTests {
    /// `{"$defs": {"d0": LINK(d1), ..., "dN-1": {"type": "integer"}}, "$ref": "#/$defs/d0"}`, where a link is
    /// made by `link` from the reference to the next entry.
    static func chain(_ count: Int, used: Bool = true, link: (String) -> String = { #"{"$ref": "\#($0)"}"# })
        -> String
    {
        var entries: [String] = []
        for index in 0..<count {
            let next = index + 1 < count ? link("#/$defs/d\(index + 1)") : #"{"type": "integer"}"#
            entries.append(#""d\#(index)": \#(next)"#)
        }
        let root = used ? ##", "$ref": "#/$defs/d0""## : ""
        return #"{"$defs": {\#(entries.joined(separator: ", "))}\#(root)}"#
    }

    static let links: [(name: String, link: @Sendable (String) -> String)] = [
        ("$ref", { #"{"$ref": "\#($0)"}"# }),
        ("allOf", { #"{"allOf": [{"$ref": "\#($0)"}]}"# }),
        ("anyOf", { #"{"anyOf": [{"$ref": "\#($0)"}]}"# }),
        ("not not", { #"{"not": {"not": {"$ref": "\#($0)"}}}"# }),
        ("$ref beside a keyword", { #"{"$ref": "\#($0)", "minimum": 0}"# }),
    ]

    /// Bounds at the edge of what an integer holds are bounds like any other: no arithmetic on them traps.
    @Test("length, item and property bounds near Int.max validate without overflow, from trees and tapes")
    func boundsNearIntMax() throws {
        for keyword in ["minLength", "maxLength", "minItems", "maxItems", "minProperties", "maxProperties"] {
            for bound in ["9223372036854775807", "4611686018427387904", "2305843009213693952"] {
                let schema = try Schema(compiling: JSONValue.parse(#"{"properties": {"s": {"\#(keyword)": \#(bound)}}}"#))
                let minimum = keyword.hasPrefix("min")
                for instance in [#"{"s": "abc"}"#, #"{"s": [1, 2]}"#, #"{"s": {"a": 1}}"#] {
                    let value = try JSONValue.parse(instance)
                    let applies =
                        keyword.hasSuffix("Length") ? instance.contains("\"abc\"")
                        : keyword.hasSuffix("Items") ? instance.contains("[") : instance.contains("{\"a")
                    #expect(schema.isValid(value) == !(applies && minimum), "\(keyword) \(bound) \(instance)")
                    // The trace's replay on a tape checks a string's length on its bytes.
                    let (_, trace) = schema.recordValidation(of: value)
                    if let trace {
                        let onTape = Array(instance.utf8).withUnsafeBytes { raw in
                            JSONTape.read(raw, shapeLimit: 256) { schema.isValid($0, replaying: trace) }
                        }
                        #expect(onTape == .some(schema.isValid(value)), "\(keyword) \(bound) \(instance) on a tape")
                    }
                }
            }
        }
    }

    @Test("a reference chain deeper than the nesting limit is an invalid result, not a stack overflow",
          arguments: 0..<5)
    func deepReferenceChain(_ which: Int) throws {
        let (name, link) = Self.links[which]
        let schema = try Schema(compiling: JSONValue.parse(Self.chain(10_000, link: link)))
        let (outcome, use) = measure { () -> (Bool, ValidationResult, AnnotationResult, Bool) in
            let instance = JSONValue.integer(5)
            return (
                schema.isValid(instance), schema.validate(instance), schema.annotations(of: ["title"], for: instance),
                schema.recordValidation(of: instance).isValid
            )
        }
        let (valid, full, annotated, recorded) = outcome
        #expect(!valid, "\(name)")
        #expect(!annotated.isValid && !recorded, "\(name)")
        #expect(full.errors.count == 1, "\(name)")
        #expect(
            full.errors.first?.error.contains("nests subschemas too deep") == true,
            "\(name): \(full.errors)")
        #expect(use.seconds < 5 && use.peakGrowthMiB < 500, "\(name): \(use)")
    }

    @Test("a chain within the nesting limit still validates, in every mode")
    func chainWithinTheLimit() throws {
        for (name, link) in Self.links {
            let schema = try Schema(compiling: JSONValue.parse(Self.chain(300, link: link)))
            #expect(schema.isValid(.integer(5)), "\(name)")
            #expect(schema.validate(.integer(5)).isValid, "\(name)")
            #expect(schema.recordValidation(of: .integer(5)).isValid, "\(name)")
            #expect(!schema.isValid(.string("five")), "\(name)")
            let errors = schema.validate(.string("five")).errors
            #expect(!errors.isEmpty && !errors.contains { $0.error.contains("nests subschemas") }, "\(name)")
        }
    }

    @Test("`not` cannot turn the nesting limit into a success")
    func notOverTheLimit() throws {
        let chain = Self.chain(10_000, used: false)
        let schema = try Schema(compiling: JSONValue.parse(String(chain.dropLast()) + ##", "not": {"$ref": "#/$defs/d0"}}"##))
        #expect(!schema.isValid(.string("not an integer")))
        #expect(!schema.isValid(.integer(1)))
        #expect(!schema.validate(.string("x")).isValid)
    }

    @Test("the deepest instance the reader accepts still validates against a recursive schema")
    func deepestInstance() throws {
        let schema = try Schema(compiling: JSONValue.parse(##"{"type": ["array", "integer"], "items": {"$ref": "#"}}"##))
        let depth = 511
        let text = String(repeating: "[", count: depth) + "1" + String(repeating: "]", count: depth)
        let instance = try JSONValue.parse(Array(text.utf8))
        let (results, use) = measure { (schema.isValid(instance), schema.validate(instance).isValid) }
        #expect(results == (true, true))
        #expect(use.seconds < 5, "\(use)")
    }

    @Test("a recursive schema over a deep instance through properties and a reference")
    func deepObjectInstance() throws {
        let schema = try Schema(
            compiling: JSONValue.parse(##"{"type": "object", "properties": {"a": {"$ref": "#"}}, "required": ["a"]}"##))
        let depth = 500
        let text = String(repeating: #"{"a": "#, count: depth) + "{}" + String(repeating: "}", count: depth)
        let instance = try JSONValue.parse(Array(text.utf8))
        #expect(!schema.isValid(instance))
        let errors = schema.validate(instance).errors
        #expect(errors.first?.keyword == "required", "\(errors.prefix(1))")
    }

    @Test("compilation is linear in the references: 20,000 chained, unused, compile in seconds")
    func unusedReferenceChain() throws {
        let document = try JSONValue.parse(Self.chain(20_000, used: false))
        let (schema, use) = try measure { try Schema(compiling: document) }
        #expect(schema.isValid(.string("anything")))
        // Quadratic cycle marking took 35 s in a release build; linear takes well under a second there, a few
        // seconds in a debug build on a loaded machine.
        #expect(use.seconds < 20 && use.peakGrowthMiB < 1000, "\(use)")
    }

    @Test("compilation time grows linearly: four times the references, not sixteen times the time")
    func compilationScales() throws {
        let small = try JSONValue.parse(Self.chain(2_500, used: false, link: { #"{"allOf": [{"$ref": "\#($0)"}]}"# }))
        let large = try JSONValue.parse(Self.chain(10_000, used: false, link: { #"{"allOf": [{"$ref": "\#($0)"}]}"# }))
        _ = try Schema(compiling: small)  // warm up
        let (_, smallUse) = try measure { try Schema(compiling: small) }
        let (_, largeUse) = try measure { try Schema(compiling: large) }
        #expect(largeUse.seconds < max(smallUse.seconds, 0.05) * 10, "2,500: \(smallUse); 10,000: \(largeUse)")
    }

    @Test("a cycle of references is still found: the same node re-entered for the same instance fails")
    func referenceCycle() throws {
        let schema = try Schema(
            compiling: JSONValue.parse(
                ##"{"$defs": {"a": {"$ref": "#/$defs/b"}, "b": {"allOf": [{"$ref": "#/$defs/a"}]}}, "$ref": "#/$defs/a"}"##))
        #expect(!schema.isValid(.integer(1)))
        #expect(schema.validate(.integer(1)).errors.first?.error.contains("infinite recursion") == true)
    }

    @Test("a compiled schema with $dynamicAnchor is freed with its last reference")
    func dynamicAnchorDoesNotLeak() throws {
        weak var root: SchemaNode?
        weak var anchored: SchemaResource?
        do {
            let schema = try Schema(
                compiling: JSONValue.parse(
                    ##"{"$id": "https://example.com/tree", "$dynamicAnchor": "node", "type": "object", "properties": {"children": {"type": "array", "items": {"$dynamicRef": "#node"}}}}"##
                ))
            root = schema.root
            anchored = schema.root.enclosingResource
            #expect(schema.isValid(try JSONValue.parse(#"{"children": [{"children": []}]}"#)))
            #expect(anchored?.dynamicAnchors["node"] != nil)
        }
        #expect(root == nil, "the compiled nodes outlive the schema")
        #expect(anchored == nil, "the schema resource outlives the schema")
    }

    @Test("the meta-schema (every $dynamicRef) is freed too, compiled again and again")
    func metaSchemaCompilationsDoNotLeak() throws {
        let document = try #require(EmbeddedMetaSchemas.document(for: Dialect.draft202012URI))
        weak var root: SchemaNode?
        for _ in 0..<3 {
            let schema = try Schema(compiling: document, uri: Dialect.draft202012URI)
            root = schema.root
            #expect(schema.isValid(.object(JSONObject())))
        }
        #expect(root == nil)
    }
}
