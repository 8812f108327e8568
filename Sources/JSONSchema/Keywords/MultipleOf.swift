import JSONCore

/// `multipleOf`: a number is an integer multiple of the divisor.
///
/// Integers divide exactly. Reals are taken as the decimal they were written as (the shortest decimal that
/// reads back as the same double, which is what a JSON writer emits), so `0.0075` is a multiple of `0.0001`
/// although the binary doubles are not. The test is exact modular arithmetic on the decimal digits, so it
/// cannot overflow: `1e308` is a multiple of `0.5`.
struct MultipleOfKeyword {
    let divisor: JSONValue
    let decimalDivisor: Decimal
    let location: KeywordLocation

    static func compile(_ site: SchemaObjectSite) throws(SchemaError) -> KeywordCompilation {
        let divisor = try site.number()
        guard let decimal = Decimal(divisor), decimal.digits > 0 else {
            throw site.invalid("must be a number greater than 0, not \(describe(divisor))")
        }
        return .validator(.multipleOf(MultipleOfKeyword(divisor: divisor, decimalDivisor: decimal, location: site.location())))
    }

    func evaluate(_ instance: JSONValue, _ e: inout Evaluation) -> Bool {
        let valid: Bool
        switch (instance, divisor) {
        case (.integer(let value), .integer(let d)):
            valid = value % d == 0
        case (.integer, _), (.real, _):
            guard let decimal = Decimal(instance) else { return true }  // non-finite reals cannot occur
            valid = decimal.isMultiple(of: decimalDivisor)
        default:
            return true
        }
        if !valid { e.fail(location, "\(describe(instance)) is not a multiple of \(describe(divisor))") }
        return valid
    }

    /// A finite number as `digits * 10^exponent`, with `digits` free of trailing zeros.
    struct Decimal: Sendable {
        let digits: UInt64
        let exponent: Int

        init?(_ value: JSONValue) {
            switch value {
            case .integer(let i):
                self.init(digits: i.magnitude, exponent: 0)
            case .real(let d):
                guard d.isFinite else { return nil }
                // Swift prints the shortest round-tripping decimal: "0.0075", "1e+308", "1.5e-05".
                let text = d.magnitude.description
                var mantissa: UInt64 = 0
                var exponent = 0
                var afterPoint = false
                var index = text.startIndex
                while index < text.endIndex {
                    let c = text[index]
                    if c == "." {
                        afterPoint = true
                    } else if c == "e" || c == "E" {
                        exponent += Int(text[text.index(after: index)...]) ?? 0
                        break
                    } else if let digit = c.wholeNumberValue {
                        mantissa = mantissa * 10 + UInt64(digit)
                        if afterPoint { exponent -= 1 }
                    }
                    index = text.index(after: index)
                }
                self.init(digits: mantissa, exponent: exponent)
            default:
                return nil
            }
        }

        init(digits: UInt64, exponent: Int) {
            var digits = digits
            var exponent = exponent
            while digits != 0 && digits % 10 == 0 {
                digits /= 10
                exponent += 1
            }
            self.digits = digits
            self.exponent = digits == 0 ? 0 : exponent
        }

        /// Whether `self / divisor` is an integer.
        func isMultiple(of divisor: Decimal) -> Bool {
            if digits == 0 { return true }
            if exponent >= divisor.exponent {
                // self = digits * 10^k * 10^e, divisor = d * 10^e: is digits * 10^k divisible by d?
                let k = exponent - divisor.exponent
                return Self.mulMod(digits % divisor.digits, Self.powMod(10, k, divisor.digits), divisor.digits) == 0
            }
            // divisor = d * 10^k * 10^e with k > 0, self = digits * 10^e: 10^k must divide digits, then d.
            let k = divisor.exponent - exponent
            guard k < 20 else { return false }  // digits < 10^20 cannot hold k trailing zeros
            var power: UInt64 = 1
            for _ in 0..<k { power *= 10 }
            guard digits % power == 0 else { return false }
            return (digits / power) % divisor.digits == 0
        }

        private static func mulMod(_ a: UInt64, _ b: UInt64, _ m: UInt64) -> UInt64 {
            let (high, low) = a.multipliedFullWidth(by: b)
            return m.dividingFullWidth((high % m, low)).remainder
        }

        private static func powMod(_ base: UInt64, _ exponent: Int, _ m: UInt64) -> UInt64 {
            var result: UInt64 = 1 % m
            var base = base % m
            var exponent = exponent
            while exponent > 0 {
                if exponent & 1 == 1 { result = mulMod(result, base, m) }
                base = mulMod(base, base, m)
                exponent >>= 1
            }
            return result
        }
    }
}
