import AuditModel
import AuditRules
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

    @Test("an address the detector finds is masked as an address: both read it by the same shapes")
    func detectedAddressesAreMaskedAsAddresses() {
        let text = "peers 10.20.0.13 and 2001:db8:85a3::8a2e:370:7334 wrote"
        let addresses = PersonalDataDetector.matches(in: text).filter { $0.kind == .ipv4 || $0.kind == .ipv6 }
        #expect(addresses.count == 2)
        for address in addresses {
            #expect(Redactor.mask(address.text, rule: "privacy.personal-data") == Redactor.addressMask(address.text))
        }
        #expect(
            addresses.map { Redactor.mask($0.text, rule: "privacy.personal-data") } == [
                "10.20.***.***", "2001:db8:***",
            ])
    }

    @Test("a sensitive value found by its bytes has the mask redaction gives it; any other text has none")
    func exactMaskIsTheRedactedValue() {
        // Hashed names (thousands in a capture of old clients), values whose mask had to be made stricter,
        // non-ASCII ones, and a value that is another's prefix.
        var values: [(value: String, rule: String?)] = (0..<5_000).map {
            (String(UInt64($0) &* 0x9E37_79B9_7F4A_7C15, radix: 16), "privacy.forbidden-field")
        }
        values += [
            ("node17.cluster.example.org", "privacy.personal-data"), ("example.org", "privacy.personal-data"),
            ("josé@uni.edu", "privacy.personal-data"), ("é", nil), ("uni.edu", "privacy.personal-data"),
            ("alice@uni.edu", "privacy.personal-data"), ("alice@uni.edu", "privacy.user-code-identifier"),
        ]
        let redactor = Redactor(values: values)
        for (value, _) in values {
            let mask = value.withUTF8InPlace { redactor.mask(ofSensitiveValue: UnsafeRawBufferPointer($0)) }
            #expect(mask == redactor.redact(value), "\(value)")
        }
        for text in ["alice@uni.edu ", "alice@uni.ed", "node17", "", "e", "cafe\u{301}", "0x1"] {
            #expect(text.withUTF8InPlace { redactor.mask(ofSensitiveValue: UnsafeRawBufferPointer($0)) } == nil)
        }
        #expect(Redactor(values: []).mask(ofSensitiveValue: UnsafeRawBufferPointer(start: nil, count: 0)) == nil)
    }

    @Test(
        "the generic mask keeps one or two scalars, whether the bytes are ASCII or not",
        arguments: [
            ("3c2f1a9b0e", "3c***"), ("bob", "b***"), ("abcdefgh", "ab***"), ("abcdefg", "a***"), ("", "***"),
            ("éléphants", "él***"), ("日本", "日***"), ("a日本語テキスト", "a日***"),
        ])
    func genericMask(_ value: String, _ expected: String) {
        #expect(Redactor.genericMask(value) == expected)
    }

    @Test(
        "the shape tests' byte rejections change no mask",
        arguments: [
            ("C:/data/run", "C:/data/***"), ("c:\\x", "c:\\***"), ("a:b", "a***"), ("\\\\server\\share", "\\\\***"),
            ("é:/x", "é:/***"), ("Ü:\\Users\\x", "Ü:\\Users\\***"), ("~x", "~***"), ("/x", "/***"), ("~", "***"),
            ("uni.edu", "u***.edu"),
            ("localhost", "lo***"),
        ])
    func shapeRejections(_ value: String, _ expected: String) {
        #expect(Redactor.mask(value, rule: "privacy.personal-data") == expected)
    }

    @Test("addresses are ASCII: digits of other scripts make no address, so the value gets the generic mask")
    func fullwidthDigitsAreNoAddress() {
        #expect(Redactor.mask("１９２.１６８.４.７", rule: nil) == "１９***")
        #expect(Redactor.mask("２００１:ｄｂ８::７", rule: nil) == "２０***")
    }
}
