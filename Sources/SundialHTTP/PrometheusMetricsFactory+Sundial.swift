import Prometheus
import SundialEngine

extension PrometheusMetricsFactory {
    /// The Prometheus backend both `sundial serve` and `sundial worker` bootstrap: the default
    /// buckets plus 3 s on the transition latency histogram, so the alert thresholds (p95 over
    /// 1 s warning, over 3 s critical) fall on bucket bounds.
    public static func sundial(registry: PrometheusCollectorRegistry) -> PrometheusMetricsFactory {
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.durationHistogramBuckets[EngineMetrics.Name.transitionDuration] = [
            .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100),
            .milliseconds(250), .milliseconds(500), .seconds(1), .milliseconds(2500), .seconds(3), .seconds(5),
            .seconds(10), .seconds(30), .seconds(60),
        ]
        return factory
    }
}
