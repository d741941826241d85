import Sundial

/// What every scheduled sync run keeps about its place in the history feed: the cursor it took,
/// the horizon it reads up to, and how far it got. Exists so the warehouse export and the
/// profile sync take their cursor (``SyncServices/begin(cursor:what:_:_:)``) and resume the same way.
protocol SyncRunContext {
    var runNumber: Int? { get set }
    /// The cursor as taken (`nil`: the first run, from the start).
    var cursorFrom: String? { get set }
    /// The exclusive end of this run's range: the feed's horizon when the cursor was taken.
    var horizon: EventPosition? { get set }
    /// The last event handed over; the cursor moves here at the end.
    var position: EventPosition? { get set }
    /// How many times the run waited for an earlier run holding the cursor.
    var cursorWaits: Int { get set }
}

extension SyncRunContext {
    /// Where the next read starts: after the last event handed over, else after the cursor.
    var readAfter: EventPosition? { position ?? cursorFrom.flatMap(EventPosition.init(text:)) }
}

extension SyncServices {
    /// The `begin` state of a sync run: takes the sync's cursor for this run and fixes the range it
    /// reads (from the cursor to the feed's horizon now), answering true. While an earlier run
    /// holds the cursor it counts and logs the wait and answers false: the caller sleeps
    /// `settings.cursorWait` and begins again.
    func begin<W: Workflow, C: SyncRunContext>(cursor: String, what: String, _ ctx: inout C, _ step: Step<W>) async throws -> Bool {
        switch try await cursors.acquire(cursor, run: step.workflowID) {
        case .held(let other):
            ctx.cursorWaits += 1
            step.logger.info("\(what) waits for the run holding the cursor", metadata: ["holder": "\(other.uuidString.lowercased())"])
            return false
        case .acquired(let position, let runNumber):
            ctx.runNumber = runNumber
            ctx.cursorFrom = position
            ctx.horizon = try await feed.horizon()
            ctx.position = nil
            return true
        }
    }
}
