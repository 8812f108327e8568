import AuditInputs
import JSONCore
import Testing

@Suite("Python literals from parsl.log")
struct PythonLiteralTests {
    @Test func readsARealStartMessage() throws {
        let text = "{'correlator': '4eae03f1-f34e-40de-8bbe-38017acbc1f4', 'parsl_v': '2026.10.26', 'python_v': '3.11.7', 'platform.system': 'Linux', 'tracking_level': 3, 'components': [{'c': 'parsl.config.Config', 'executors_len': 1, 'dependency_resolver': False}, 'parsl.executors.threads.ThreadPoolExecutor'], 'start': 1795555185}"
        let value = try PythonLiteral.parse(text)
        #expect(value["tracking_level"] == .integer(3))
        #expect(value["components"]?[0]?["dependency_resolver"] == .bool(false))
        #expect(value["start"] == .integer(1_795_555_185))
        #expect(value.objectValue?.keys.last == "start")
    }

    @Test func readsStringsWithTheirEscapes() throws {
        #expect(try PythonLiteral.parse(#""it's""#) == "it's")
        #expect(try PythonLiteral.parse(#"'say \'hi\'\n\t\\'"#) == "say 'hi'\n\t\\")
        #expect(try PythonLiteral.parse(#"'\x00\xe9\u20ac\U0001F600'"#) == .string("\u{0}é€😀"))
        #expect(try PythonLiteral.parse(#"'a' "b""#) == "ab")  // adjacent literals concatenate
        #expect(try PythonLiteral.parse(#"'\101'"#) == "A")
    }

    @Test func readsScalars() throws {
        #expect(try PythonLiteral.parse("[True, False, None, -7, 2.5, 1e-05, nan, inf, -inf]").arrayValue?.count == 9)
        let values = try #require(try PythonLiteral.parse("[1.0, -inf, nan]").arrayValue)
        #expect(values[0] == .real(1))
        #expect(values[1] == .real(-.infinity))
        if case .real(let d) = values[2] { #expect(d.isNaN) } else { Issue.record("nan is not a real") }
    }

    @Test func readsTuplesAndSetsAsArrays() throws {
        #expect(try PythonLiteral.parse("(1, 'a')") == [1, "a"])
        #expect(try PythonLiteral.parse("(1,)") == [1])
        #expect(try PythonLiteral.parse("()") == [])
        #expect(try PythonLiteral.parse("{'x', 'y'}") == ["x", "y"])
    }

    @Test func turnsNonStringKeysIntoWhatJsonDumpsSends() throws {
        let value = try PythonLiteral.parse("{1: 'a', True: 'b', None: 'c', 2.5: 'd'}")
        #expect(value.objectValue.map { Array($0.keys) } == ["1", "true", "null", "2.5"])
    }

    @Test(arguments: [
        ("{'a': 1", "ends early"), ("{'a' 1}", "expected ':'"), ("[1, 2] extra", "after the message"),
        ("__import__('os')", "not a Python literal"), ("{('a',): 1}", "cannot be sent as JSON"),
        ("b'bytes'", "bytes literal"), ("'unclosed", "ends inside a string"),
        ("[99999999999999999999999]", "64 bits"), ("{'a': 1, 'a': 2}", "appears twice"),
    ])
    func rejectsWithAReason(text: String, reason: String) {
        #expect {
            _ = try PythonLiteral.parse(text)
        } throws: { error in
            (error as? PythonLiteralError)?.message.contains(reason) == true
        }
    }

    @Test func boundsNesting() {
        let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        #expect(throws: PythonLiteralError.self) { _ = try PythonLiteral.parse(deep) }
    }
}
