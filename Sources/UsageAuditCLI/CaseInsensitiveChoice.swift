import ArgumentParser
import AuditInputs
import AuditModel
import AuditRules
import ReportWriters

/// An option whose values are the cases of an enumeration, spelt as their raw values and read whatever
/// their case (`--format JSON`), as every enumerated option is. A value that is none of them is refused by
/// the argument parser with the option's name and every value it takes.
///
/// Public because the libraries' public enumerations conform to it: the argument parser's requirements must
/// be met as publicly as the types are declared.
public protocol CaseInsensitiveChoice: ExpressibleByArgument, CaseIterable, RawRepresentable where RawValue == String {}

extension CaseInsensitiveChoice {
    public init?(argument: String) { self.init(rawValue: argument.lowercased()) }
}

// The libraries' enumerations are plain data; what makes them options is the executable's business.
extension ReportFormat: ExpressibleByArgument, CaseInsensitiveChoice {}
extension FailThreshold: ExpressibleByArgument, CaseInsensitiveChoice {}
extension InputKind: ExpressibleByArgument, CaseInsensitiveChoice {}

/// `--level`: `auto`, or the level the client was configured with.
extension LevelSetting: ExpressibleByArgument {
    public static var allValueStrings: [String] { ["auto", "0", "1", "2", "3"] }
}
