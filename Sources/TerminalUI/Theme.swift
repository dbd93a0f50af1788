import ScreenModel

/// The styles a screen is drawn in, by role. Another theme starts from ``highContrast`` and changes
/// what it needs.
public struct Theme: Sendable, Equatable {
    /// The page: body text and the background every row starts from.
    public var base: Style
    public var titleBar: Style
    public var emphasis: Style
    /// Banners such as "证照领取暂停服务" and the idle countdown.
    public var warning: Style
    public var success: Style
    /// Details, placeholders, the status line.
    public var muted: Style
    /// The key cap of an option or command button, e.g. ` 1 ` or ` F1 `.
    public var key: Style
    public var label: Style
    /// An option that cannot be chosen now: its key cap and label.
    public var disabled: Style
    /// The typed value inside a field's brackets.
    public var fieldValue: Style
    /// A button just tapped, for a moment: the citizen sees the tap was taken.
    public var pressed: Style


    /// Bright white on black, a yellow title bar and warnings, inverse key caps: legible at night, in
    /// sunlight, and for people with low vision.
    public static let highContrast = Theme(
        base: Style(foreground: .brightWhite, background: .black),
        titleBar: Style(foreground: .black, background: .brightYellow, bold: true),
        emphasis: Style(foreground: .brightCyan, background: .black, bold: true),
        warning: Style(foreground: .black, background: .yellow, bold: true),
        success: Style(foreground: .brightGreen, background: .black, bold: true),
        muted: Style(foreground: .white, background: .black),
        key: Style(foreground: .black, background: .brightWhite, bold: true),
        label: Style(foreground: .brightWhite, background: .black, bold: true),
        disabled: Style(foreground: .gray, background: .black),
        fieldValue: Style(foreground: .brightWhite, background: .black, bold: true, underline: true),
        pressed: Style(foreground: .black, background: .brightCyan, bold: true)
    )

    /// The style for a paragraph of `style`.
    public func style(for style: Screen.Paragraph.Style) -> Style {
        switch style {
        case .normal: base
        case .emphasis: emphasis
        case .warning: warning
        case .success: success
        case .muted: muted
        }
    }
}
