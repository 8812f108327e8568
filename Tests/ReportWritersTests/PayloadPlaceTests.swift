import AuditModel
import JSONCore
import Storage
import Testing

@testable import ReportWriters

/// SARIF says what sits at each finding's pointer (`logicalLocations[0].kind`) from a walk along the pointer
/// in the stored payload (`AuditedMessage.RecordView.payloadPlace`), never decoding it. This holds the walk to
/// the definition on the decoded payload (`SARIFReport.targetKind(_:in:)`), for pointers that resolve and
/// pointers that do not: keys that are equal only as strings (canonically equivalent), array indices with
/// leading zeros, signs or too many digits, steps through numbers and strings, the root.
@Suite struct PayloadPlaceTests {
    static let payloads: [JSONValue] = [
        [
            "correlator": "c", "components": [["c": "a", "mpi": false], "plain", [["deep": [1, 2, 3]]], []],
            "caf\u{E9}": 1, "n": ["x": ["y": "z"]], "": ["": 0], "a/b": 1, "m~n": 2,
        ],
        ["only", ["nested": true], 3.5, .null],
        "a string",
        [:],
    ]

    static let pointers: [[String]] = [
        [], ["correlator"], ["components"], ["components", "0"], ["components", "0", "c"], ["components", "1"],
        ["components", "1", "x"], ["components", "2", "0", "deep", "2"], ["components", "3"], ["components", "4"],
        ["components", "00"], ["components", "01"], ["components", "-1"], ["components", "+1"],
        ["components", "99999999999999999999999"], ["cafe\u{301}"], ["caf\u{E9}"], ["n", "x", "y"],
        ["n", "x", "y", "z"], ["", ""], ["a/b"], ["m~n"], ["missing"], ["0"], ["1", "nested"], ["2"], ["3"],
        ["4"], ["correlator", "0"],
    ]

    @Test func theWalkFindsWhatDecodingFinds() throws {
        var compared = 0
        for payload in Self.payloads {
            let message = AuditedMessage(source: "s", locator: .line(1), kind: .start, payload: payload)
            for tokens in Self.pointers {
                let pointer = JSONPointer(tokens: tokens)
                let walked = try SpoolDecoder.reading(message) { decoder throws(SpoolError) in
                    try AuditedMessage.RecordView(reading: &decoder).payloadPlace(at: pointer).map {
                        SARIFReport.targetKind(pointer, isObject: $0.isObject, inArray: $0.inArray)
                    }
                }
                #expect(walked == SARIFReport.targetKind(pointer, in: payload), "\(tokens) in \(payload)")
                compared += walked == nil ? 0 : 1
            }
        }
        #expect(compared > 15, "enough pointers resolve")
        let unkept = AuditedMessage(source: "s", locator: .line(1), kind: .start)
        let nothing = try SpoolDecoder.reading(unkept) { decoder throws(SpoolError) in
            try AuditedMessage.RecordView(reading: &decoder).payloadPlace(at: .root)
        }
        #expect(nothing == nil)
    }
}

/// What SARIF reads of a finding's record after the sort that pairs findings with messages: its pointer,
/// whole.
@Suite struct PointerPartTests {
    @Test func aPointerSurvivesTheSort() throws {
        for tokens in [[], [""], ["a~b", "c/d", "0"], ["caf\u{E9}", "\u{0}", String(repeating: "x", count: 300)]] {
            let finding = Finding(
                rule: "r", severity: .error, source: "in", locator: .line(1), pointer: JSONPointer(tokens: tokens),
                message: "m", sensitiveValues: ["v"])
            let record = SpooledRecord(encoding: finding)
            #expect(try record.decode(Finding.Place.self).pointer == finding.pointer, "\(tokens)")
        }
    }
}
