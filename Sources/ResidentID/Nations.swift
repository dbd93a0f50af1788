/// The nations (民族) of a resident ID card by their code in GB/T 3304: the 56 nations, 97 for
/// "other" and 98 for Chinese citizens of foreign origin.
public enum Nations {
    static let names: [String] = [
        "汉", "蒙古", "回", "藏", "维吾尔", "苗", "彝", "壮", "布依", "朝鲜",
        "满", "侗", "瑶", "白", "土家", "哈尼", "哈萨克", "傣", "黎", "傈僳",
        "佤", "畲", "高山", "拉祜", "水", "东乡", "纳西", "景颇", "柯尔克孜", "土",
        "达斡尔", "仫佬", "羌", "布朗", "撒拉", "毛南", "仡佬", "锡伯", "阿昌", "普米",
        "塔吉克", "怒", "乌孜别克", "俄罗斯", "鄂温克", "德昂", "保安", "裕固", "京", "塔塔尔",
        "独龙", "鄂伦春", "赫哲", "门巴", "珞巴", "基诺",
    ]

    /// The nation for a two-digit code (`"01"` → 汉), or nil for a code outside the table.
    public static func name(forCode code: String) -> String? {
        guard code.count == 2, code.allSatisfy({ $0.isASCII && $0.isNumber }), let number = Int(code) else { return nil }
        switch number {
        case 1...56: return names[number - 1]
        case 97: return "其他"
        case 98: return "外国血统中国籍人士"
        default: return nil
        }
    }

    /// The code for a nation's name, for writing test cards.
    public static func code(forName name: String) -> String? {
        if let index = names.firstIndex(of: name) { return index < 9 ? "0\(index + 1)" : "\(index + 1)" }
        if name == "其他" { return "97" }
        if name == "外国血统中国籍人士" { return "98" }
        return nil
    }
}
