/// The batch jobs finance lists, reruns and reports on, by name. Exists so the CLI
/// (`sundial batches`) and the admin API (`/admin/v1/batches/{job}`) accept the same jobs and
/// refuse the same unknown ones.
public enum BatchJobs {
    /// Every job name, in the order they are listed.
    public static let names = [QuickBooksDailyWorkflow.name]

    /// Whether `job` is a batch job.
    public static func isKnown(_ job: String) -> Bool { names.contains(job) }
}
