import Foundation

/// What the order system needs from USPS's answer to `POST /label`: the tracking number, the
/// label document and the postage; everything else in the answer is ignored. Exists because the
/// documented answer to `Accept: application/vnd.usps.labels+json` (`LabelVendorResponse`,
/// `allOf[LabelMetadata, {labelImage, receiptImage, …}]`) is one flat object with the metadata at
/// the top level, while the multipart answer names its metadata part `labelMetadata`; both
/// shapes are read, the flat one first.
struct USPSLabelAnswer: Sendable, Equatable {
    /// The answer lacks what a label needs; `missing` says what.
    struct Unreadable: Error, Sendable {
        let missing: String
    }

    let trackingNumber: String
    /// The label document, base64-decoded.
    let labelImage: [UInt8]
    let postage: Decimal?

    static func read(_ body: [UInt8]) throws(Unreadable) -> USPSLabelAnswer {
        let json = JSONDocument(bytes: body)
        let metadata = json["trackingNumber"].string != nil ? json : json["labelMetadata"]
        guard let number = metadata["trackingNumber"].string, !number.isEmpty else { throw Unreadable(missing: "no trackingNumber") }
        guard let image = json["labelImage"].string.flatMap({ Data(base64Encoded: $0) }), !image.isEmpty else {
            throw Unreadable(missing: "label \(number) has no decodable labelImage")
        }
        return USPSLabelAnswer(trackingNumber: number, labelImage: Array(image), postage: metadata["postage"].decimal)
    }
}
