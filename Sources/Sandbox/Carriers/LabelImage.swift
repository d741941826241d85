import Foundation

/// Produces the label documents the carriers return: a small but valid PDF (with the tracking
/// number and reference as text), a 1×1 PNG or GIF, or ZPL/EPL printer commands. Clients only
/// store and forward these, so they need to be real files, not a picture of a label.
enum LabelImage {
    enum Format: String, Sendable {
        case pdf, png, gif, zpl, epl

        /// Maps a vendor's image type name (`PDF`, `ZPLII`, `ZPL203DPI`, `EPL2`, `GIF`, …).
        init(vendorName: String) {
            let name = vendorName.uppercased()
            if name.hasPrefix("ZPL") { self = .zpl } else if name.hasPrefix("EPL") { self = .epl } else if name == "PNG" { self = .png } else if name == "GIF" {
                self = .gif
            } else {
                self = .pdf
            }
        }

        var mimeType: String {
            switch self {
            case .pdf: return "application/pdf"
            case .png: return "image/png"
            case .gif: return "image/gif"
            case .zpl, .epl: return "text/plain"
            }
        }
    }

    private static let onePixelPNG = Array(Data(base64Encoded: "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=")!)
    private static let onePixelGIF = Array(Data(base64Encoded: "R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7")!)

    static func render(_ format: Format, carrier: String, trackingNumber: String, reference: String?) -> [UInt8] {
        let lines = ["SANDBOX \(carrier) LABEL - NOT VALID FOR SHIPPING", "TRACKING \(trackingNumber)", "REF \(reference ?? "-")"]
        switch format {
        case .pdf: return pdf(lines: lines)
        case .png: return onePixelPNG
        case .gif: return onePixelGIF
        case .zpl:
            let fields = lines.enumerated().map { "^FO40,\(40 + $0.offset * 60)^A0N,40,40^FD\($0.element)^FS" }.joined()
            return Array("^XA\(fields)^XZ\n".utf8)
        case .epl:
            let fields = lines.enumerated().map { "A40,\(40 + $0.offset * 60),0,4,1,1,N,\"\($0.element)\"" }.joined(separator: "\n")
            return Array("N\n\(fields)\nP1\n".utf8)
        }
    }

    static func base64(_ format: Format, carrier: String, trackingNumber: String, reference: String?) -> String {
        Data(render(format, carrier: carrier, trackingNumber: trackingNumber, reference: reference)).base64EncodedString()
    }

    /// A one-page 4×6 inch PDF with the given lines of Helvetica text and a correct xref table.
    static func pdf(lines: [String]) -> [UInt8] {
        let escaped = lines.map { $0.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "(", with: "\\(").replacingOccurrences(of: ")", with: "\\)") }
        var stream = "BT /F1 12 Tf 18 400 Td 16 TL"
        for line in escaped { stream += " (\(line)) Tj T*" }
        stream += " ET"
        let objects = [
            "<< /Type /Catalog /Pages 2 0 R >>",
            "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 288 432] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
            "<< /Length \(stream.utf8.count) >>\nstream\n\(stream)\nendstream",
            "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        ]
        var out = Array("%PDF-1.4\n".utf8)
        var offsets: [Int] = []
        for (index, object) in objects.enumerated() {
            offsets.append(out.count)
            out.append(contentsOf: Array("\(index + 1) 0 obj\n\(object)\nendobj\n".utf8))
        }
        let xrefOffset = out.count
        var xref = "xref\n0 \(objects.count + 1)\n0000000000 65535 f \n"
        for offset in offsets {
            let digits = String(offset)
            xref += String(repeating: "0", count: 10 - digits.count) + digits + " 00000 n \n"
        }
        xref += "trailer\n<< /Size \(objects.count + 1) /Root 1 0 R >>\nstartxref\n\(xrefOffset)\n%%EOF\n"
        out.append(contentsOf: Array(xref.utf8))
        return out
    }
}
