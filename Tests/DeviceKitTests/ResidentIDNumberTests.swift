import DeviceKit
import Testing

@Suite("GB 11643 resident ID numbers")
struct ResidentIDNumberTests {
    @Test("the weights are DOMAIN.md's: 2^i mod 11 from position 18 down")
    func weights() {
        #expect(ResidentIDNumber.weights == [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2])
        // Each weight is 2^(i-1) mod 11 for the character's position i counted from the right.
        let derived = (2...18).reversed().map { position in (0..<(position - 1)).reduce(1) { acc, _ in acc * 2 % 11 } }
        #expect(ResidentIDNumber.weights == derived)
    }

    @Test("the check character of the sample card, worked by hand")
    func sampleCard() {
        // 4·7 + 6·9 + 0·10 + 1·5 + 0·8 + 0·4 + 1·2 + 9·1 + 9·6 + 0·3 + 0·7 + 1·9 + 0·10 + 1·5 + 0·8 + 0·4 + 2·2
        // = 170; 170 mod 11 = 5; "10X98765432"[5] = "7".
        #expect(ResidentIDNumber.checkCharacter(for: "46010019900101002") == "7")
        #expect(ResidentIDNumber.isValid("460100199001010027"))
    }

    @Test("the standard's own example ends in X")
    func standardExampleWithX() {
        #expect(ResidentIDNumber.checkCharacter(for: "11010519491231002") == "X")
        #expect(ResidentIDNumber.isValid("11010519491231002X"))
        #expect(ResidentIDNumber.isValid("46010019900101006X"))
    }

    @Test("a lower-case x is not the check character")
    func lowerCaseX() {
        #expect(!ResidentIDNumber.isValid("11010519491231002x"))
    }

    @Test("a tampered number fails", arguments: [
        "460100199001010028", // wrong check character
        "460100199001020027", // birth date changed
        "460100199001010207", // two digits swapped
        "46010019900101002X", // X where 7 belongs
    ])
    func tampered(number: String) {
        #expect(!ResidentIDNumber.isValid(number))
    }

    @Test("malformed input gives no check character", arguments: [
        "", "4601001990010100", "460100199001010027", "4601001990010100A", "４６０１００１９９００１０１００２",
    ])
    func malformed(first17: String) {
        #expect(ResidentIDNumber.checkCharacter(for: first17) == nil)
    }

    @Test("wrong lengths are invalid")
    func lengths() {
        #expect(!ResidentIDNumber.isValid("46010019900101002"))
        #expect(!ResidentIDNumber.isValid("4601001990010100277"))
        #expect(!ResidentIDNumber.isValid("460100900101002")) // the 15-digit first generation
    }

    @Test("every sample identity with a GB 11643 number checks out")
    func fixtures() {
        #expect(ResidentIDNumber.isValid(SimulatedIdentities.residentID.number))
        #expect(ResidentIDNumber.isValid(SimulatedIdentities.foreignPermanentResident.number))
        #expect(!ResidentIDNumber.isValid(SimulatedIdentities.passport.number))
    }
}

@Suite struct MaskingTests {
    @Test func namesAndNumbersAreMaskedAsTheDomainSays() {
        #expect(Masking.documentNumber("46010019900101004X") == "4601**********004X")
        #expect(Masking.name("测试样") == "测*样")
        #expect(Masking.name("测试") == "测*")
        #expect(Masking.name("LI XIAOHONG") == "L* XIAOHONG")
    }

    @Test func controlCharactersFromACardNeverSurviveMasking() {
        let masked = Masking.name("\u{1B}[2J测\u{9B}试样\u{07}")
        #expect(!masked.unicodeScalars.contains { $0.value < 0x20 || (0x7F...0x9F).contains($0.value) })
        #expect(masked.hasPrefix("["))
        #expect(!Masking.documentNumber("4601\u{1B}[2J0000000004X").contains("\u{1B}"))
    }
}
