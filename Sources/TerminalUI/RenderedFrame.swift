/// One drawn screen: the cells, and where its buttons are.
public struct RenderedFrame: Sendable, Equatable {
    public var buffer: CellBuffer
    public var hitMap: HitMap
}
