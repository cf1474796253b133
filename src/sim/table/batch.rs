//! Tables of Jobs and CronJobs.

use serde_json::{Value, json};

use super::{
    Printer, age_column, col, containers_and_images, human_duration, int_at, name_column, or_none,
    since,
};
use crate::sim::clock::parse_timestamp;
use crate::sim::object::At;
use crate::sim::object::str_at;
use crate::sim::selector::label_selector_string;

fn has_condition(job: &Value, kind: &str) -> bool {
    let conditions = job.at("/status/conditions").and_then(Value::as_array);
    conditions
        .into_iter()
        .flatten()
        .any(|c| c["type"] == kind && c["status"] == "True")
}

fn job_status(job: &Value) -> &'static str {
    let deleting = job
        .at("/metadata/deletionTimestamp")
        .is_some_and(|t| !t.is_null());
    if has_condition(job, "Complete") {
        "Complete"
    } else if has_condition(job, "Failed") {
        "Failed"
    } else if deleting {
        "Terminating"
    } else if has_condition(job, "Suspended") {
        "Suspended"
    } else if has_condition(job, "FailureTarget") {
        "FailureTarget"
    } else if has_condition(job, "SuccessCriteriaMet") {
        "SuccessCriteriaMet"
    } else {
        "Running"
    }
}

fn completions(job: &Value) -> String {
    let succeeded = int_at(job, "/status/succeeded");
    match job.at("/spec/completions").and_then(Value::as_i64) {
        Some(completions) => format!("{succeeded}/{completions}"),
        None => match job
            .at("/spec/parallelism")
            .and_then(Value::as_i64)
            .unwrap_or(1)
        {
            parallelism if parallelism > 1 => format!("{succeeded}/1 of {parallelism}"),
            _ => format!("{succeeded}/1"),
        },
    }
}

fn duration(job: &Value, now: jiff::Timestamp) -> String {
    let Some(start) = parse_timestamp(str_at(job, "/status/startTime")) else {
        return String::new();
    };
    let end = parse_timestamp(str_at(job, "/status/completionTime")).unwrap_or(now);
    human_duration(end.as_second() - start.as_second())
}

pub fn jobs() -> Printer {
    let columns = vec![
        name_column(),
        col("Status", "string", 0, "Status of the job."),
        col(
            "Completions",
            "string",
            0,
            "The completion status of the job.",
        ),
        col(
            "Duration",
            "string",
            0,
            "Time required to complete the job.",
        ),
        age_column(),
        col(
            "Containers",
            "string",
            1,
            "Names of each container in the template.",
        ),
        col(
            "Images",
            "string",
            1,
            "Images referenced by each container in the template.",
        ),
        col("Selector", "string", 1, "Label selector for pods."),
    ];
    Printer::new(columns, |job, now| {
        let (containers, images) = containers_and_images(job.at("/spec/template/spec"));
        let selector = job
            .at("/spec/selector")
            .map(label_selector_string)
            .unwrap_or_default();
        vec![
            json!(str_at(job, "/metadata/name")),
            json!(job_status(job)),
            json!(completions(job)),
            json!(duration(job, now)),
            json!(since(job.at("/metadata/creationTimestamp"), now)),
            json!(containers),
            json!(images),
            json!(or_none(selector)),
        ]
    })
}

pub fn cronjobs() -> Printer {
    let columns = vec![
        name_column(),
        col("Schedule", "string", 0, "The schedule in Cron format."),
        col(
            "Timezone",
            "string",
            0,
            "The time zone name for the given schedule.",
        ),
        col(
            "Suspend",
            "boolean",
            0,
            "This flag tells the controller to suspend subsequent executions.",
        ),
        col(
            "Active",
            "integer",
            0,
            "A list of pointers to currently running jobs.",
        ),
        col(
            "Last Schedule",
            "string",
            0,
            "Information when was the last time the job was successfully scheduled.",
        ),
        age_column(),
        col(
            "Containers",
            "string",
            1,
            "Names of each container in the template.",
        ),
        col(
            "Images",
            "string",
            1,
            "Images referenced by each container in the template.",
        ),
        col("Selector", "string", 1, "Label selector for pods."),
    ];
    Printer::new(columns, |cj, now| {
        let (containers, images) =
            containers_and_images(cj.at("/spec/jobTemplate/spec/template/spec"));
        let selector = cj
            .at("/spec/jobTemplate/spec/selector")
            .map(label_selector_string)
            .unwrap_or_default();
        let last = match cj.at("/status/lastScheduleTime") {
            Some(at) if !at.is_null() => since(Some(at), now),
            _ => "<none>".to_string(),
        };
        let suspended = cj
            .at("/spec/suspend")
            .and_then(Value::as_bool)
            .unwrap_or(false);
        vec![
            json!(str_at(cj, "/metadata/name")),
            json!(str_at(cj, "/spec/schedule")),
            json!(or_none(str_at(cj, "/spec/timeZone"))),
            json!(if suspended { "True" } else { "False" }),
            json!(
                cj.at("/status/active")
                    .and_then(Value::as_array)
                    .map_or(0, Vec::len)
            ),
            json!(last),
            json!(since(cj.at("/metadata/creationTimestamp"), now)),
            json!(containers),
            json!(images),
            json!(or_none(selector)),
        ]
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn job_status_and_completions() {
        let running = json!({ "spec": { "completions": 3 }, "status": { "succeeded": 1 } });
        assert_eq!(
            (job_status(&running), completions(&running)),
            ("Running", "1/3".to_string())
        );
        let done = json!({ "spec": {}, "status": { "conditions": [{ "type": "Complete", "status": "True" }] } });
        assert_eq!(job_status(&done), "Complete");
        let timed = json!({ "status": { "startTime": "2020-01-01T00:00:00Z", "completionTime": "2020-01-01T00:01:05Z" } });
        assert_eq!(duration(&timed, jiff::Timestamp::now()), "65s");
    }
}
