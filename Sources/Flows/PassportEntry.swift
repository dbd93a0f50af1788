import DeviceKit

/// A passport's access key as the citizen types it on the keypad: the document number, then the
/// birth date, then the expiry date, each checked before the next is asked for. Personal data: it
/// lives in the identify step's state only and is wiped with it.
struct PassportEntry: Sendable, Equatable {
    enum Field: Int, Sendable, CaseIterable {
        case documentNumber, birthDate, expiryDate

        /// Characters a field takes: letters and digits for the number (the `<` filler is never
        /// typed), digits for the dates.
        var maxLength: Int { self == .documentNumber ? 9 : 6 }

        func allows(_ character: Character) -> Bool {
            guard character.isASCII else { return false }
            return self == .documentNumber ? character.isLetter || character.isNumber : character.isNumber
        }
    }

    var field: Field = .documentNumber
    var documentNumber = ""
    var birthDate = ""

    /// Why a field's text is refused.
    enum Problem: Error, Sendable {
        case badNumber, badBirthDate, badExpiryDate

        /// The citizen's message.
        var text: TextKey {
            switch self {
            case .badNumber: .identifyPassportBadNumber
            case .badBirthDate: .identifyPassportBadBirthDate
            case .badExpiryDate: .identifyPassportBadExpiryDate
            }
        }
    }

    /// Checks `text` for the current field and moves on. Returns the key once the expiry date is in.
    mutating func accept(_ text: String) -> Result<DocumentAccessKey?, Problem> {
        switch field {
        case .documentNumber:
            guard (1...Field.documentNumber.maxLength).contains(text.count), text.allSatisfy(field.allows) else {
                return .failure(.badNumber)
            }
            documentNumber = text.uppercased()
            field = .birthDate
            return .success(nil)
        case .birthDate:
            guard let date = MRZDate(text), date.isoDate(fullYear: date.birthYear()) != nil else { return .failure(.badBirthDate) }
            birthDate = text
            field = .expiryDate
            return .success(nil)
        case .expiryDate:
            guard let date = MRZDate(text), date.isoDate(fullYear: date.expiryYear()) != nil else { return .failure(.badExpiryDate) }
            do throws(MRZError) {
                return .success(try DocumentAccessKey(documentNumber: documentNumber, birthDate: birthDate, expiryDate: text))
            } catch {
                return .failure(error == .badDate(field: .birthDate) ? .badBirthDate : .badNumber)
            }
        }
    }

    /// Backspace on an empty field: back to the previous one, its text to correct. Nil on the first.
    mutating func back() -> String? {
        switch field {
        case .documentNumber:
            return nil
        case .birthDate:
            field = .documentNumber
            return documentNumber
        case .expiryDate:
            field = .birthDate
            return birthDate
        }
    }
}
