import Foundation
import PortalCrypto
import Testing

/// The keyed-once HMAC context against RFC 4231's known answers and the one-shot `HMAC()`.
@Suite struct HMACKeyTests {
    private func hex(_ bytes: [UInt8]) -> String { bytes.map { String(format: "%02x", $0) }.joined() }

    @Test func rfc4231TestCases() {
        // Test case 1: key 0x0b × 20, "Hi There".
        let one = HMACKey([UInt8](repeating: 0x0b, count: 20)).authenticate(Array("Hi There".utf8))
        #expect(hex(one) == "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7")
        // Test case 2: key "Jefe".
        let two = HMACKey(Array("Jefe".utf8)).authenticate(Array("what do ya want for nothing?".utf8))
        #expect(hex(two) == "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
        // Test case 6: a key longer than the block size (131 × 0xaa) is hashed first.
        let six = HMACKey([UInt8](repeating: 0xaa, count: 131))
            .authenticate(Array("Test Using Larger Than Block-Size Key - Hash Key First".utf8))
        #expect(hex(six) == "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54")
    }

    @Test func sharedBetweenTasksAndEqualToTheOneShot() async {
        let key = Array("a session secret of at least thirty-two bytes".utf8)
        let mac = HMACKey(key)
        let agree = await withTaskGroup(of: Bool.self) { group in
            for i in 0..<64 {
                group.addTask {
                    let message = Array("message \(i)".utf8)
                    return (0..<50).allSatisfy { _ in mac.authenticate(message) == Digest.hmacSHA256(key: key, data: message) }
                }
            }
            return await group.reduce(true) { $0 && $1 }
        }
        #expect(agree, "one keyed context serves concurrent callers, each getting the one-shot's answer")
    }
}
