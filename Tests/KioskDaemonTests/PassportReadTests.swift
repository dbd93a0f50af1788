import Application
import DeviceKit
import Flows
import Foundation
import KioskDaemon
import Testing

/// The daemon's side of the passport path, in a whole demo kiosk: the session asks for
/// `.readDocument`, the runtime reads the simulated reader's passport off the loop with the typed
/// key and answers the visit; every answer the reader gives reaches the citizen's screen.
@Suite struct PassportReadTests {
    static func type(_ text: String, into runtime: KioskRuntime) {
        for character in text { runtime.send(.key(.text(String(character)))) }
        runtime.send(.key(.enter))
    }

    static func enterKey(_ number: String, _ birth: String, _ expiry: String, into runtime: KioskRuntime) {
        type(number, into: runtime)
        type(birth, into: runtime)
        type(expiry, into: runtime)
    }

    static func step(of runtime: KioskRuntime, is wanted: String) async throws -> Bool {
        for _ in 0..<750 {
            if await runtime.status().step == wanted { return true }
            try await Task.sleep(for: .milliseconds(20))
        }
        return false
    }

    static func screen(of runtime: KioskRuntime, shows text: String) async throws -> Bool {
        try await RemoteAssistanceServerTests.screen(of: runtime, shows: text)
    }

    @Test(.timeLimit(.minutes(2))) func thePassportIsReadWithTheTypedKeyAndFindsPickupsLikeACard() async throws {
        let kiosk = try await RunningKiosk.start()
        let runtime = kiosk.app.runtime
        let simulator = try #require(runtime.simulator)

        runtime.send(.key(.text("1")))
        #expect(try await Self.screen(of: runtime, shows: "输入护照信息"))
        runtime.send(.key(.text("2")))
        #expect(try await Self.screen(of: runtime, shows: "护照号码"))

        // Nothing on the reader yet: the citizen is asked to place the passport.
        Self.enterKey("L898902C3", "740812", "120415", into: runtime)
        #expect(try await Self.screen(of: runtime, shows: "资料页朝下"))
        #expect(try await Self.screen(of: runtime, shows: "重新读取"))

        // A wrong expiry date: the chip refuses the key.
        #expect(simulator.perform(.placePassport(SimulatedIdentities.passport)) == .success(
            "passport placed on id-reader: \(SimulatedIdentities.passport)"))
        runtime.send(.key(.text("2")))
        Self.enterKey("L898902C3", "740812", "130415", into: runtime)
        #expect(try await Self.screen(of: runtime, shows: "与护照不符"))

        // The right key: the identity goes on to the pickup search (nothing waits for this passport).
        Self.enterKey("L898902C3", "740812", "120415", into: runtime)
        #expect(try await Self.step(of: runtime, is: "nothing-ready"))
        let status = await runtime.status()
        let reader = try #require(status.devices.first { $0.id == "id-reader" })
        #expect(reader.counters.cardsRead == 1)
        // A wrong key and an empty reader are the citizen's doing, not the reader's failures.
        #expect(reader.counters.readFailures == 0)

        // The visit ends: back home, nothing of the citizen kept.
        runtime.send(.key(.text("1")))
        #expect(try await Self.step(of: runtime, is: "menu"))
        #expect(await runtime.status().state == "idle")
        await kiosk.stop()
    }

    @Test(.timeLimit(.minutes(2))) func aScannedMRZReadsThePassportFromTheHomeScreen() async throws {
        let kiosk = try await RunningKiosk.start()
        let runtime = kiosk.app.runtime
        let simulator = try #require(runtime.simulator)
        _ = simulator.perform(.placePassport(SimulatedIdentities.passport))
        // A scan before the scanner is started is lost, as with a real one.
        var started = false
        for _ in 0..<750 where !started {
            started = await runtime.status().devices.allSatisfy { $0.health == .online }
            if !started { try await Task.sleep(for: .milliseconds(20)) }
        }
        #expect(started)
        _ = simulator.perform(.scan("P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\nL898902C36UTO7408122F1204159ZE184226B<<<<<10\r\n"))
        #expect(try await Self.step(of: runtime, is: "nothing-ready"))
        #expect(await runtime.status().flow == "collect")
        await kiosk.stop()
    }
}
