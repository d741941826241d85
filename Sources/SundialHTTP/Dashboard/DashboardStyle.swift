import HTTPTypes
import Hummingbird
import NIOCore

/// The dashboard's one stylesheet, served at `/admin/dashboard.css` (the pages' content
/// security policy allows styles from the server itself only, not inline). No build step, no
/// script: plain CSS for tables, forms, status colours and the SVG diagram.
enum DashboardStyle {
    static let path = "/admin/dashboard.css"

    static func response() -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "text/css; charset=utf-8"
        headers[.cacheControl] = "max-age=300"
        headers[HTTPField.Name("X-Content-Type-Options")!] = "nosniff"
        return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(string: css)))
    }

    static let css = """
        :root { --ink: #1d2433; --muted: #5b6578; --line: #d8dde6; --bg: #f6f7f9; --accent: #c2570c; --blue: #1f5fbf; }
        * { box-sizing: border-box; }
        body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; color: var(--ink); background: var(--bg); }
        header { display: flex; align-items: center; gap: 24px; padding: 10px 24px; background: #1d2433; color: #fff; }
        header a { color: #dfe6f3; text-decoration: none; }
        header .brand { font-weight: 700; font-size: 17px; color: #ffd27a; }
        header nav { display: flex; gap: 16px; flex: 1; }
        header nav a.active { color: #fff; border-bottom: 2px solid #ffd27a; }
        header .who { color: #c7cfdd; }
        header .role { background: #35405a; padding: 1px 7px; border-radius: 9px; }
        main { padding: 16px 24px 48px; max-width: 1400px; }
        h1 { font-size: 22px; margin: 8px 0 16px; }
        h2 { font-size: 16px; margin: 24px 0 8px; }
        a { color: var(--blue); }
        table { border-collapse: collapse; background: #fff; width: 100%; }
        th, td { border: 1px solid var(--line); padding: 5px 8px; text-align: left; vertical-align: top; }
        th { background: #eef1f6; font-weight: 600; }
        td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
        code, pre { font-family: ui-monospace, "DejaVu Sans Mono", monospace; font-size: 12.5px; }
        pre { background: #fff; border: 1px solid var(--line); padding: 8px; overflow: auto; max-height: 320px; margin: 0; }
        .grid { display: grid; grid-template-columns: repeat(auto-fit, minmax(340px, 1fr)); gap: 16px; }
        .card { background: #fff; border: 1px solid var(--line); border-radius: 6px; padding: 12px 14px; }
        .card h2 { margin-top: 0; }
        .kpis { display: flex; gap: 16px; flex-wrap: wrap; margin-bottom: 16px; }
        .kpi { background: #fff; border: 1px solid var(--line); border-radius: 6px; padding: 10px 16px; min-width: 160px; }
        .kpi .value { font-size: 24px; font-weight: 700; }
        .kpi .label { color: var(--muted); }
        dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 4px 16px; margin: 0; }
        dl.facts dt { color: var(--muted); }
        dl.facts dd { margin: 0; }
        .status { padding: 1px 7px; border-radius: 9px; background: #e5e8ee; white-space: nowrap; }
        .s-completed { background: #d6f0dc; color: #17612b; }
        .s-failed, .s-compensation_failed { background: #fbd9d3; color: #9b1c0c; font-weight: 600; }
        .s-compensated, .s-cancelled { background: #efe3c8; color: #6b4d0c; }
        .s-runnable { background: #dde9fb; color: #1f4f99; }
        .s-sleeping, .s-waiting { background: #ece2f8; color: #5b2a93; }
        .s-compensating { background: #fde8c8; color: #8a4b00; }
        .notice { border-radius: 6px; padding: 8px 12px; margin: 0 0 16px; border: 1px solid; }
        .notice p { margin: 4px 0; }
        .notice.error { background: #fdecea; border-color: #f0b4ab; color: #7d1a0c; }
        .notice.ok { background: #e7f6ea; border-color: #a9dcb5; color: #17612b; }
        .notice.info { background: #eef3fb; border-color: #bfd0ee; }
        form.filters { display: flex; flex-wrap: wrap; gap: 8px 12px; align-items: end; background: #fff; border: 1px solid var(--line); padding: 10px; border-radius: 6px; margin-bottom: 12px; }
        form.filters label, form.action label { display: flex; flex-direction: column; font-size: 12px; color: var(--muted); gap: 2px; }
        input, select, textarea { font: inherit; padding: 4px 6px; border: 1px solid #b9c1cf; border-radius: 4px; background: #fff; color: var(--ink); }
        textarea { width: 100%; min-height: 44px; }
        button { font: inherit; padding: 5px 12px; border-radius: 4px; border: 1px solid #1f4f99; background: var(--blue); color: #fff; cursor: pointer; }
        button.danger { background: #b3261e; border-color: #8c1d17; }
        button.link { background: none; border: none; color: #c7cfdd; text-decoration: underline; padding: 0 0 0 6px; }
        form.inline { display: inline; }
        .actions { display: grid; grid-template-columns: repeat(auto-fill, minmax(260px, 1fr)); gap: 12px; align-items: start; }
        form.action { background: #fff; border: 1px solid var(--line); border-radius: 6px; padding: 10px 12px; display: flex; flex-direction: column; gap: 6px; }
        form.action h3 { margin: 0; font-size: 14px; }
        form.action p.pre { margin: 0; color: var(--muted); font-size: 12px; }
        .muted { color: var(--muted); }
        .pager { margin: 10px 0; }
        .diagram { background: #fff; border: 1px solid var(--line); border-radius: 6px; padding: 8px; overflow-x: auto; }
        .legend { display: flex; gap: 14px; flex-wrap: wrap; color: var(--muted); font-size: 12px; margin-top: 6px; }
        .legend i { display: inline-block; width: 14px; height: 10px; border-radius: 2px; margin-right: 4px; vertical-align: middle; border: 1px solid #8894a8; }
        .legend i.current { background: #fde2c4; border: 2px solid #c2570c; }
        .legend i.currentfail { background: #fbd9d3; border: 2px solid #b3261e; }
        .legend i.visited { background: #dde9fb; border-color: #1f5fbf; }
        .legend i.edge-seen { height: 0; border: 0; border-top: 2px dashed #8894a8; }
        .legend i.edge-visited { height: 0; border: 0; border-top: 3px solid #1f5fbf; }
        .chart { background: #fff; }
        ul.fields { margin: 4px 0; }
        .login { max-width: 520px; }
        .login form { display: flex; flex-direction: column; gap: 8px; background: #fff; border: 1px solid var(--line); padding: 16px; border-radius: 6px; }
        td.error { color: #9b1c0c; max-width: 420px; }
        """
}
