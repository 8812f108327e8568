/// RFC 3492 Punycode, as far as `idn-hostname` needs it: decoding an A-label's payload (is it well formed?)
/// and the length of a U-label once encoded (is it within the 63-octet label limit?).
enum Punycode {
    private static let base = 36, tMin = 1, tMax = 26, skew = 38, damp = 700, initialBias = 72, initialN = 128

    private static func adapt(_ delta: Int, _ count: Int, _ first: Bool) -> Int {
        var delta = first ? delta / damp : delta / 2
        delta += delta / count
        var k = 0
        while delta > ((base - tMin) * tMax) / 2 {
            delta /= base - tMin
            k += base
        }
        return k + (base - tMin + 1) * delta / (delta + skew)
    }

    private static func digitValue(_ c: Unicode.Scalar) -> Int? {
        switch c {
        case "a"..."z": Int(c.value - 97)
        case "A"..."Z": Int(c.value - 65)
        case "0"..."9": Int(c.value - 22)
        default: nil
        }
    }

    /// The decoded label, or `nil` when `input` is not valid Punycode.
    static func decode(_ input: String) -> [Unicode.Scalar]? {
        let scalars = Array(input.unicodeScalars)
        var output: [Unicode.Scalar] = []
        var rest = scalars[...]
        if let delimiter = scalars.lastIndex(of: "-") {
            for s in scalars[..<delimiter] {
                guard s.isASCII else { return nil }
                output.append(s)
            }
            rest = scalars[(delimiter + 1)...]
        }
        var n = initialN, i = 0, bias = initialBias
        var iterator = rest.makeIterator()
        var pending = iterator.next()
        while pending != nil {
            let oldI = i
            var w = 1
            var k = base
            while true {
                guard let c = pending, let digit = digitValue(c) else { return nil }
                pending = iterator.next()
                guard digit <= (Int.max - i) / w else { return nil }
                i += digit * w
                let t = k <= bias ? tMin : (k >= bias + tMax ? tMax : k - bias)
                if digit < t { break }
                guard w <= Int.max / (base - t) else { return nil }
                w *= base - t
                k += base
            }
            bias = adapt(i - oldI, output.count + 1, oldI == 0)
            n += i / (output.count + 1)
            i %= output.count + 1
            guard n <= 0x10FFFF, let scalar = Unicode.Scalar(UInt32(n)) else { return nil }
            output.insert(scalar, at: i)
            i += 1
        }
        return output
    }

    /// The number of ASCII characters `label` takes once Punycode-encoded (without the `xn--` prefix).
    static func encodedLength(_ label: [Unicode.Scalar]) -> Int? { encode(label)?.count }

    private static func digitCharacter(_ d: Int) -> Character {
        Character(Unicode.Scalar(UInt8(d < 26 ? d + 97 : d + 22)))
    }

    /// `label` encoded (without the `xn--` prefix).
    static func encode(_ label: [Unicode.Scalar]) -> String? {
        let codes = label.map { Int($0.value) }
        var output = String(String.UnicodeScalarView(label.filter(\.isASCII)))
        let basicCount = output.count
        if basicCount > 0 { output += "-" }
        var n = initialN, delta = 0, bias = initialBias, handled = basicCount
        while handled < codes.count {
            guard let m = codes.filter({ $0 >= n }).min() else { return nil }
            delta += (m - n) * (handled + 1)
            n = m
            for c in codes {
                if c < n { delta += 1 }
                if c == n {
                    var q = delta
                    var k = base
                    while true {
                        let t = k <= bias ? tMin : (k >= bias + tMax ? tMax : k - bias)
                        if q < t { break }
                        output.append(digitCharacter(t + (q - t) % (base - t)))
                        q = (q - t) / (base - t)
                        k += base
                    }
                    output.append(digitCharacter(q))
                    bias = adapt(delta, handled + 1, handled == basicCount)
                    delta = 0
                    handled += 1
                }
            }
            delta += 1
            n += 1
        }
        return output
    }
}
