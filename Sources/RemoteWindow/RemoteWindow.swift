// The remote window: a hall operator sees, chats with and, with the citizen's consent, takes over
// a kiosk. The protocol is documented in docs/api/remote-window.md.
//
// This module is the pure core, without I/O: the server that carries it (WebSocket over TLS) feeds
// events in and performs the actions that come out, after swift-nio's protocol state machines.
//
// - Envelope, MessageCodec, Completion: the XFS4IoT-style envelope and its errors (its JSON is WireFormat's JSONValue).
// - Messages: the operator's commands and the kiosk's events, typed.
// - Operators: roles and what they may do, the operator directory file, token authentication.
// - OperatorSession: one connection as a state machine.
// - Consent, PersonalData, ScreenMirror: the takeover handshake and what operators may see.
// - RemoteHub: every connection and the kiosk-wide consent together, for the server to drive.
// - Audit, ChatText, RateLimit, DeviceRequests: the supporting parts.
