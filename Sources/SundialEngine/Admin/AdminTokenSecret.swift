import Foundation

/// A new admin token's secret text: `sdl_` and 32 random bytes (the system's cryptographic
/// generator) in base64url. Exists so the CLI and tests mint tokens the same way; only its
/// SHA-256 is ever stored.
public enum AdminTokenSecret {
    public static let prefix = "sdl_"

    public static func generate() -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        let base64 = Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
        return prefix + base64
    }
}
