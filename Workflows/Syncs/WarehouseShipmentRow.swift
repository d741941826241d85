import Foundation
import Sundial

/// One line of `shipments/…ndjson`: the parcel of an ended order that had a label (a cancelled
/// order's voided label included, with `voided`), written with the order's row.
struct WarehouseShipmentRow: Encodable {
    var orderID: String
    var workflowID: String
    var carrier: String
    var service: String
    var trackingNumber: String
    var trackingStatus: String
    var voided: Bool
    var carrierPolls: Int
    var labelBoughtAt: Date?
    var deliveredAt: Date?
    var orderStatus: String
    var eventPosition: String

    init?(snapshot: WorkflowSnapshotRecord, context: OrderContext, ended: WorkflowEventRecord) {
        guard let label = context.label else { return nil }
        orderID = context.order.orderID
        workflowID = snapshot.id.uuidString.lowercased()
        carrier = label.carrier
        service = label.service
        trackingNumber = label.trackingNumber
        trackingStatus = context.tracking.status
        voided = snapshot.status != "completed"
        carrierPolls = context.tracking.polls
        labelBoughtAt = context.timeline.last { $0.event == "label bought" }?.at
        deliveredAt = context.tracking.deliveredAt
        orderStatus = snapshot.status
        eventPosition = ended.position.text
    }

    enum CodingKeys: String, CodingKey {
        case orderID = "order_id", workflowID = "workflow_id", carrier, service, trackingNumber = "tracking_number"
        case trackingStatus = "tracking_status", voided, carrierPolls = "carrier_polls", labelBoughtAt = "label_bought_at"
        case deliveredAt = "delivered_at", orderStatus = "order_status", eventPosition = "event_position"
    }
}
