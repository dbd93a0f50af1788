/// The side panel beside the body: the chat with the hall operator, in the citizen's language.
public struct SidePanel: Sendable, Equatable {
    public struct Line: Sendable, Equatable {
        /// Who wrote it, as the citizen should read it ("工作人员 张三", "我").
        public var from: String
        public var text: String
        /// Written by the citizen (drawn quieter, on the right side of the conversation).
        public var isOwn: Bool
        public init(from: String, text: String, isOwn: Bool) {
            self.from = from
            self.text = text
            self.isOwn = isOwn
        }
    }

    public var title: String
    /// Oldest first; the renderer shows as many of the latest as fit.
    public var lines: [Line]
    /// The line the citizen is typing, when the reply box is open.
    public var draft: String?
    /// How to reply or send, e.g. "F3 回复".
    public var hint: String

    public init(title: String, lines: [Line], draft: String? = nil, hint: String) {
        self.title = title
        self.lines = lines
        self.draft = draft
        self.hint = hint
    }
}
