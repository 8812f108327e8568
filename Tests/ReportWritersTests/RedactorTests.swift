import AuditModel
import JSONCore
import Testing

@testable import ReportWriters

@Suite struct RedactorTests {
    @Test(arguments: [
        ("alice@uni.edu", "privacy.personal-data", "a***@u***.edu"),
        ("bob.smith@cs.example.ac.uk", "privacy.personal-data", "b***@c***.uk"),
        ("acme_genomics.cluster.AcmeProvider", "privacy.user-code-identifier", "acme_***.***Provider"),
        ("mylab.launchers.SlurmWrapperLauncher", "privacy.user-code-identifier", "my***.***Launcher"),
        ("labcode.Dragon", "privacy.user-code-identifier", "lab***.***"),
        ("acme_genomics.cluster.AcmeProvider", "privacy.personal-data", "acme_***.***Provider"),
        ("192.168.4.7", "privacy.personal-data", "192.168.***.***"),
        ("2001:db8:85a3::8a2e:370:7334", "privacy.personal-data", "2001:db8:***"),
        ("/home/alice/envs/parsl", "privacy.personal-data", "/home/***"),
        ("/Users/bob/work", "privacy.personal-data", "/Users/***"),
        (#"C:\Users\carol\parsl"#, "privacy.personal-data", #"C:\Users\***"#),
        ("~alice/run", "privacy.personal-data", "~***"),
        ("node17.cluster.example.org", "privacy.personal-data", "n***.example.org"),
        (
            "6ba7b810-9dad-11d1-80b4-00c04fd430c8", "privacy.correlator-not-random",
            "********-****-1***-****-************"
        ),
        ("3c2f1a9b0e", "privacy.forbidden-field", "3c***"),
        ("bob", "privacy.personal-data", "b***"),
    ])
    func masksKeepTheKindRecognisable(_ value: String, _ rule: String, _ expected: String) {
        let mask = Redactor.mask(value, rule: rule)
        #expect(mask == expected)
        #expect(!mask.contains(value))
    }

    @Test func replacesEveryOccurrenceLongestFirst() {
        let redactor = Redactor(values: [
            ("uni.edu", "privacy.personal-data"), ("alice@uni.edu", "privacy.personal-data"),
        ])
        #expect(
            redactor.redact("mail alice@uni.edu or see uni.edu; alice@uni.edu")
                == "mail a***@u***.edu or see u***.edu; a***@u***.edu")
        #expect(redactor.redact("nothing here") == "nothing here")
    }

    @Test func matchesNonASCIIValuesWholeOnly() {
        let redactor = Redactor(values: [("josé@uni.edu", "privacy.personal-data"), ("é", nil)])
        #expect(redactor.redact("mail josé@uni.edu, café") == "mail j***@u***.edu, caf***")
        // A value never matches part of another character: "e" + combining accent is not "é".
        #expect(redactor.redact("cafe\u{301}") == "cafe\u{301}")
    }

    @Test func aMaskNeverCarriesAnotherSensitiveValue() {
        // The host mask would keep `example.org`, itself sensitive here: the stricter mask is used.
        let redactor = Redactor(values: [
            ("node17.cluster.example.org", "privacy.personal-data"), ("example.org", "privacy.personal-data"),
        ])
        let redacted = redactor.redact("host node17.cluster.example.org in example.org")
        #expect(!redacted.contains("example.org"))
        #expect(redacted == "host no*** in e***.org")
    }

    @Test func redactsKeysAndValuesOfPayloads() throws {
        let redactor = Redactor(values: [("alice@uni.edu", "privacy.personal-data")])
        let payload = try JSONValue.parse(#"{"alice@uni.edu": ["contact alice@uni.edu", 3, {"x": "alice@uni.edu"}]}"#)
        #expect(
            redactor.redact(payload).serialized(.init(sortKeys: false))
                == #"{"a***@u***.edu":["contact a***@u***.edu",3,{"x":"a***@u***.edu"}]}"#)
        #expect(redactor.redact(JSONPointer(tokens: ["alice@uni.edu", "0"])).description == "/a***@u***.edu/0")
    }

    @Test func redactedReportKeepsOrderAndCountsAndHidesEveryValue() {
        let report = SampleReports.mixed()
        let redacted = Redactor(report: report).redacted(report)
        #expect(redacted.findings.count == report.findings.count)
        #expect(redacted.messages.count == report.messages.count)
        #expect(zip(redacted.findings, report.findings).allSatisfy { $0.rule == $1.rule && $0.locator == $1.locator })
        let everything = "\(redacted.findings) \(redacted.messages) \(redacted.inputs)"
        for value in SampleReports.sensitive { #expect(!everything.contains(value), "\(value) survived redaction") }
    }

    @Test func manyValuesStayFast() {
        // A hostile capture may list a value per message; redaction must not be quadratic in their number.
        let values = (0..<20_000).map {
            (value: "user\($0)@host\($0).example.org", rule: Optional("privacy.personal-data"))
        }
        let redactor = Redactor(values: values)
        let text = (0..<2_000).map { "user\($0 * 7)@host\($0 * 7).example.org" }.joined(separator: " ")
        let redacted = redactor.redact(text)
        #expect(!redacted.contains("user7@"))
        #expect(redacted.hasPrefix("u***@h***.org"))
    }
}

@Suite struct SHA256Tests {
    @Test(arguments: [
        ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
        ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
        (
            "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"
        ),
    ])
    func knownVectors(_ input: String, _ digest: String) {
        #expect(SHA256.hexDigest(input) == digest)
    }

    @Test func millionAs() {
        #expect(
            SHA256.hexDigest(String(repeating: "a", count: 1_000_000))
                == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    @Test func base64OfDigestForTheContentSecurityPolicy() {
        #expect(HTMLReport.base64(Array("abc".utf8)) == "YWJj")
        #expect(HTMLReport.base64(Array("ab".utf8)) == "YWI=")
        #expect(HTMLReport.base64(Array("a".utf8)) == "YQ==")
        #expect(HTMLReport.base64(SHA256.digest(Array("".utf8))) == "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=")
    }
}
