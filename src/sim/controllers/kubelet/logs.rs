//! What simulated containers write to their logs: start-up lines, periodic request lines in
//! the style of the image (nginx, redis, postgres, a JSON-logging app service), and the error
//! output before a crash.

use super::behavior::CrashCause;
use crate::sim::controllers::pods::stable_hash;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Voice {
    Nginx,
    Redis,
    Postgres,
    Prometheus,
    Batch,
    App,
}

pub fn voice_of(image: &str, batch: bool) -> Voice {
    let name = image
        .split('@')
        .next()
        .unwrap_or(image)
        .rsplit('/')
        .next()
        .unwrap_or(image);
    let name = name.split(':').next().unwrap_or(name);
    match name {
        _ if batch => Voice::Batch,
        "nginx" | "nginx-unprivileged" | "ingress-nginx" | "controller" => Voice::Nginx,
        "redis" | "valkey" => Voice::Redis,
        "postgres" | "postgresql" => Voice::Postgres,
        "prometheus" | "alertmanager" | "node-exporter" | "grafana" => Voice::Prometheus,
        _ => Voice::App,
    }
}

fn stamp() -> String {
    jiff::Timestamp::now()
        .strftime("%Y-%m-%dT%H:%M:%S.%3fZ")
        .to_string()
}

pub fn startup_lines(voice: Voice, container: &str, image: &str) -> Vec<String> {
    let now = stamp();
    match voice {
        Voice::Nginx => vec![
            "/docker-entrypoint.sh: /docker-entrypoint.d/ is not empty, will attempt to perform configuration".to_string(),
            "/docker-entrypoint.sh: Looking for shell scripts in /docker-entrypoint.d/".to_string(),
            "/docker-entrypoint.sh: Launching /docker-entrypoint.d/10-listen-on-ipv6-by-default.sh".to_string(),
            "/docker-entrypoint.sh: Configuration complete; ready for start up".to_string(),
            format!("{} [notice] 1#1: using the \"epoll\" event method", nginx_time()),
            format!("{} [notice] 1#1: nginx/1.27.3", nginx_time()),
            format!("{} [notice] 1#1: start worker processes", nginx_time()),
        ],
        Voice::Redis => vec![
            "1:C 01 Jan 2025 00:00:00.000 # WARNING Memory overcommit must be enabled!".to_string(),
            "1:C 01 Jan 2025 00:00:00.000 * oO0OoO0OoO0Oo Redis is starting oO0OoO0OoO0Oo".to_string(),
            "1:M 01 Jan 2025 00:00:00.001 * monotonic clock: POSIX clock_gettime".to_string(),
            "1:M 01 Jan 2025 00:00:00.001 * Running mode=standalone, port=6379.".to_string(),
            "1:M 01 Jan 2025 00:00:00.002 * Server initialized".to_string(),
            "1:M 01 Jan 2025 00:00:00.002 * Ready to accept connections tcp".to_string(),
        ],
        Voice::Postgres => vec![
            format!("{now} UTC [1] LOG:  starting PostgreSQL 16.6 on x86_64-pc-linux-gnu"),
            format!("{now} UTC [1] LOG:  listening on IPv4 address \"0.0.0.0\", port 5432"),
            format!("{now} UTC [1] LOG:  database system is ready to accept connections"),
        ],
        Voice::Prometheus => vec![
            format!("ts={now} caller=main.go:601 level=info msg=\"Starting {container}\" version=\"(version=2.55.1)\""),
            format!("ts={now} caller=web.go:571 level=info component=web msg=\"Start listening for connections\" address=0.0.0.0:9090"),
            format!("ts={now} caller=main.go:1040 level=info msg=\"Server is ready to receive web requests.\""),
        ],
        Voice::Batch => vec![
            format!("{now} starting {container} ({image})"),
            format!("{now} processing batch"),
        ],
        Voice::App => vec![
            format!("{{\"time\":\"{now}\",\"level\":\"INFO\",\"msg\":\"starting {container}\",\"image\":\"{image}\"}}"),
            format!("{{\"time\":\"{now}\",\"level\":\"INFO\",\"msg\":\"loaded configuration\",\"source\":\"/etc/{container}/config.yaml\"}}"),
            format!("{{\"time\":\"{now}\",\"level\":\"INFO\",\"msg\":\"connected to upstream dependencies\"}}"),
            format!("{{\"time\":\"{now}\",\"level\":\"INFO\",\"msg\":\"http server listening\",\"addr\":\":8080\"}}"),
        ],
    }
}

fn nginx_time() -> String {
    jiff::Timestamp::now()
        .strftime("%Y/%m/%d %H:%M:%S")
        .to_string()
}

const PATHS: [&str; 8] = [
    "/",
    "/healthz",
    "/api/products",
    "/api/cart",
    "/api/cart/items",
    "/api/checkout",
    "/static/app.js",
    "/metrics",
];

/// The `sequence`-th periodic line of a running container.
pub fn request_line(voice: Voice, container: &str, sequence: u64) -> String {
    let pick = stable_hash(&format!("{container}/{sequence}"));
    let path = PATHS[(pick % PATHS.len() as u64) as usize];
    let status = if pick.is_multiple_of(47) {
        500
    } else if pick.is_multiple_of(13) {
        404
    } else {
        200
    };
    let millis = 2 + pick % 180;
    let client = format!("10.244.{}.{}", pick % 4, 2 + (pick >> 8) % 200);
    match voice {
        Voice::Nginx => format!(
            "{client} - - [{}] \"GET {path} HTTP/1.1\" {status} {} \"-\" \"Mozilla/5.0 (X11; Linux x86_64)\" \"-\"",
            jiff::Timestamp::now().strftime("%d/%b/%Y:%H:%M:%S +0000"),
            200 + pick % 4000
        ),
        Voice::Redis => format!(
            "1:M {} * {} changes in 60 seconds. Saving...",
            jiff::Timestamp::now().strftime("%d %b %Y %H:%M:%S%.3f"),
            1 + pick % 100
        ),
        Voice::Postgres => format!(
            "{} UTC [{}] LOG:  checkpoint complete: wrote {} buffers",
            stamp(),
            60 + pick % 40,
            pick % 300
        ),
        Voice::Prometheus => format!(
            "ts={} caller=head.go:1345 level=info component=tsdb msg=\"Head GC completed\" duration={}ms",
            stamp(),
            millis
        ),
        Voice::Batch => format!("{} processed {} records", stamp(), 100 + pick % 900),
        Voice::App => format!(
            "{{\"time\":\"{}\",\"level\":\"{}\",\"msg\":\"request\",\"method\":\"GET\",\"path\":\"{path}\",\"status\":{status},\"duration_ms\":{millis},\"remote\":\"{client}\"}}",
            stamp(),
            if status == 500 { "ERROR" } else { "INFO" }
        ),
    }
}

/// What a crashing container prints before it exits with code 1.
pub fn crash_lines(cause: &CrashCause, container: &str) -> Vec<String> {
    let now = stamp();
    match cause {
        CrashCause::MissingEnv(variable) => vec![
            format!("{{\"time\":\"{now}\",\"level\":\"INFO\",\"msg\":\"starting {container}\"}}"),
            format!("{{\"time\":\"{now}\",\"level\":\"ERROR\",\"msg\":\"invalid configuration\",\"error\":\"required environment variable {variable} is not set\"}}"),
            format!("panic: config: required environment variable {variable} is not set"),
            String::new(),
            "goroutine 1 [running]:".to_string(),
            "main.mustEnv({0xc00001c0a8, 0xc})".to_string(),
            format!("\t/src/cmd/{container}/config.go:42 +0x1b4"),
            "main.loadConfig()".to_string(),
            format!("\t/src/cmd/{container}/config.go:27 +0x5e"),
            "main.main()".to_string(),
            format!("\t/src/cmd/{container}/main.go:18 +0x45"),
            "exit status 2".to_string(),
        ],
        CrashCause::StartupFailure => vec![
            format!("{now} INFO  [{container}] starting worker pool size=8"),
            format!("{now} INFO  [{container}] connecting to database at postgres.shop.svc.cluster.local:5432"),
            "Traceback (most recent call last):".to_string(),
            format!("  File \"/app/{container}/main.py\", line 88, in <module>"),
            "    app = create_app()".to_string(),
            format!("  File \"/app/{container}/app.py\", line 41, in create_app"),
            "    db.connect(settings.DATABASE_URL, timeout=5)".to_string(),
            "  File \"/usr/local/lib/python3.12/site-packages/psycopg/connection.py\", line 119, in connect".to_string(),
            "    raise last_ex.with_traceback(None)".to_string(),
            "psycopg.OperationalError: connection failed: connection to server at \"10.96.112.40\", port 5432 failed: FATAL:  password authentication failed for user \"app\"".to_string(),
        ],
    }
}

/// What a container that is about to be OOM-killed prints.
pub fn oom_lines(container: &str) -> Vec<String> {
    let now = stamp();
    vec![
        format!("{now} INFO  [{container}] warming cache from snapshot"),
        format!("{now} INFO  [{container}] cache size 212Mi, 1.2M entries"),
        format!("{now} WARN  [{container}] cache size 398Mi, 2.3M entries; eviction is disabled"),
        format!("{now} WARN  [{container}] cache size 501Mi, 2.9M entries; eviction is disabled"),
    ]
}

pub fn completion_lines(container: &str) -> Vec<String> {
    vec![format!("{} {container} finished successfully", stamp())]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn voices_follow_the_image() {
        assert_eq!(
            voice_of("docker.io/library/nginx:1.27", false),
            Voice::Nginx
        );
        assert_eq!(voice_of("redis:7.4@sha256:abc", false), Voice::Redis);
        assert_eq!(voice_of("ghcr.io/shop/checkout:2.1.0", false), Voice::App);
        assert_eq!(voice_of("nginx:1.27", true), Voice::Batch);
        assert!(request_line(Voice::Nginx, "web", 3).contains("HTTP/1.1"));
    }

    #[test]
    fn a_missing_variable_is_named_in_the_crash_output() {
        let lines = crash_lines(
            &CrashCause::MissingEnv("DATABASE_URL".to_string()),
            "checkout",
        );
        assert!(
            lines
                .iter()
                .any(|l| l.starts_with("panic:") && l.contains("DATABASE_URL"))
        );
    }
}
