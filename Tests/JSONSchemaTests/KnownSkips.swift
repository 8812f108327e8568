/// The optional suite tests this engine does not pass, each with its reason. A skip names a group (and
/// optionally one test) of one file, never a whole file.
enum KnownSkips {
    struct Skip {
        let file: String
        let group: String
        /// `nil` for every test of the group.
        let test: String?
        let reason: String
    }

    static let bignum = "JSONCore rejects integers beyond 64 bits (an error, never a silent rounding)"

    static let bidi =
        "the Bidi rule of RFC 5893 needs each code point's bidirectional class, which Swift's Unicode properties do not expose"

    static let all: [Skip] = [
        Skip(file: "optional/bignum.json", group: "integer", test: nil, reason: bignum),
        Skip(file: "optional/bignum.json", group: "number", test: nil, reason: bignum),
        Skip(file: "optional/bignum.json", group: "string", test: nil, reason: bignum),
        Skip(file: "optional/bignum.json", group: "maximum integer comparison", test: nil, reason: bignum),
        Skip(file: "optional/bignum.json", group: "minimum integer comparison", test: nil, reason: bignum),
        Skip(
            file: "optional/cross-draft.json", group: "refs to historic drafts are processed as historic drafts",
            test: nil, reason: "only draft 2020-12 is implemented; a draft 2019-09 $schema is an unknown meta-schema"),
        Skip(
            file: "optional/format/ecmascript-regex.json", group: "ECMA 262 lookbehind is valid, including variable width",
            test: "a variable-width lookbehind (ES2018)",
            reason: "PCRE2 10.42 (Debian 12) has fixed-width lookbehind only; 10.43 lifts it"),
        Skip(
            file: "optional/format/hostname.json", group: "validation of A-label (punycode) host names",
            test: "ZERO WIDTH NON-JOINER not preceded by Virama but matches regexp",
            reason: "the joining-type context rule of RFC 5892 appendix A.1 needs Unicode joining types, not exposed by Swift"),
        Skip(
            file: "optional/format/idn-hostname.json", group: "validation of internationalized host names",
            test: "ZERO WIDTH NON-JOINER not preceded by Virama but matches regexp",
            reason: "the joining-type context rule of RFC 5892 appendix A.1 needs Unicode joining types, not exposed by Swift"),
        Skip(
            file: "optional/format/idn-hostname.json", group: "validation of internationalized host names",
            test: "Bidi domain name with a digit-first label is invalid", reason: bidi),
        Skip(
            file: "optional/format/idn-hostname.json", group: "validation of internationalized host names",
            test: "label starting with a digit before a right-to-left letter is invalid", reason: bidi),
        Skip(
            file: "optional/format/idn-hostname.json", group: "validation of internationalized host names",
            test: "left-to-right label containing a right-to-left letter is invalid", reason: bidi),
        Skip(
            file: "optional/format/idn-hostname.json", group: "validation of internationalized host names",
            test: "right-to-left label mixing both digit types is invalid", reason: bidi),
        Skip(
            file: "optional/format/idn-hostname.json", group: "validation of internationalized host names",
            test: "A-label that decodes to a Bidi rule violation is invalid", reason: bidi),
    ]

    static func reason(for suiteCase: SuiteCase) -> String? {
        all.first { matches($0, suiteCase) }?.reason
    }

    static func unused(in cases: [SuiteCase]) -> [String] {
        all.filter { skip in !cases.contains { matches(skip, $0) } }.map { "\($0.file) | \($0.group) | \($0.test ?? "*")" }
    }

    private static func matches(_ skip: Skip, _ suiteCase: SuiteCase) -> Bool {
        skip.file == suiteCase.file && skip.group == suiteCase.group && (skip.test == nil || skip.test == suiteCase.test)
    }
}
