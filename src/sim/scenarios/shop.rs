//! The healthy cluster: a `shop` namespace (web, checkout, cart, redis, a nightly report
//! CronJob, config and a database secret), `monitoring` (Prometheus, Grafana, node-exporter)
//! and the usual `kube-system` workloads. The demo variant leaves checkout without its
//! `DATABASE_URL`, so it crashloops with the cause in its logs.

use serde_json::json;

use super::build::{App, config_map, secret};
use super::{Seed, ns, seed_in};
use crate::sim::controllers::kubelet::behavior::REQUIRES_ENV_ANNOTATION;
use crate::sim::resource;

pub fn healthy(checkout_misconfigured: bool) -> Vec<Seed> {
    let mut objects = vec![
        ns(
            "shop",
            json!({ "team": "shop", "environment": "production" }),
        ),
        ns("monitoring", json!({ "team": "platform" })),
    ];
    objects.extend(shop(checkout_misconfigured));
    objects.extend(monitoring());
    objects.extend(kube_system());
    objects
}

fn shop(checkout_misconfigured: bool) -> Vec<Seed> {
    let part_of = |app: App| app.label("app.kubernetes.io/part-of", "shop");
    let web = part_of(
        App::new("web", "nginx:1.27.3", 3)
            .port(80, "http")
            .label("tier", "frontend")
            .with_readiness(),
    );
    let mut checkout = part_of(
        App::new("checkout", "ghcr.io/kubevibe-demo/checkout:2.4.1", 2)
            .port(8080, "http")
            .label("tier", "backend")
            .annotate(REQUIRES_ENV_ANNOTATION, "DATABASE_URL")
            .env("PAYMENT_PROVIDER", "stripe")
            .env("LOG_LEVEL", "info"),
    );
    if !checkout_misconfigured {
        checkout = checkout.env_from_secret("DATABASE_URL", "checkout-db", "database-url");
    }
    let cart = part_of(
        App::new("cart", "ghcr.io/kubevibe-demo/cart:1.9.0", 2)
            .port(8080, "http")
            .label("tier", "backend")
            .env("REDIS_ADDR", "redis.shop.svc.cluster.local:6379"),
    );
    let redis = part_of(
        App::new("redis", "redis:7.4.1", 1)
            .port(6379, "redis")
            .label("tier", "cache"),
    );
    let mut redis_service = redis.service(6379);
    redis_service["spec"]["clusterIP"] = json!("None");
    let put = |gr, object| seed_in("shop", gr, object);
    vec![
        put(
            resource::CONFIGMAPS,
            config_map(
                "web-config",
                json!({
                    "nginx.conf": "server {\n  listen 80;\n  location / { root /usr/share/nginx/html; }\n  location /api/ { proxy_pass http://checkout:8080; }\n}\n",
                }),
            ),
        ),
        put(
            resource::CONFIGMAPS,
            config_map(
                "checkout-config",
                json!({ "PAYMENT_PROVIDER": "stripe", "CURRENCY": "EUR", "TIMEOUT_SECONDS": "10" }),
            ),
        ),
        put(
            resource::SECRETS,
            secret(
                "checkout-db",
                json!({ "database-url": "postgres://checkout:s3cr3t@postgres.shop.svc:5432/checkout" }),
            ),
        ),
        put(resource::DEPLOYMENTS, web.deployment()),
        put(resource::SERVICES, web.service(80)),
        put(resource::DEPLOYMENTS, checkout.deployment()),
        put(resource::SERVICES, checkout.service(8080)),
        put(resource::DEPLOYMENTS, cart.deployment()),
        put(resource::SERVICES, cart.service(8080)),
        put(resource::STATEFULSETS, redis.statefulset("redis")),
        put(resource::SERVICES, redis_service),
        put(resource::CRONJOBS, nightly_report()),
    ]
}

fn nightly_report() -> serde_json::Value {
    json!({
        "apiVersion": "batch/v1",
        "kind": "CronJob",
        "metadata": { "name": "nightly-report" },
        "spec": {
            "schedule": "0 2 * * *",
            "jobTemplate": { "spec": { "template": { "spec": {
                "restartPolicy": "OnFailure",
                "containers": [{ "name": "report", "image": "ghcr.io/kubevibe-demo/report:1.2.0", "args": ["--since", "24h"] }],
            } } } },
        },
    })
}

fn monitoring() -> Vec<Seed> {
    let prometheus =
        App::new("prometheus", "quay.io/prometheus/prometheus:v2.55.1", 1).port(9090, "web");
    let grafana = App::new("grafana", "grafana/grafana:11.3.0", 1).port(3000, "http");
    let node_exporter = App::new(
        "node-exporter",
        "quay.io/prometheus/node-exporter:v1.8.2",
        1,
    )
    .port(9100, "metrics")
    .on_control_plane();
    let put = |gr, object| seed_in("monitoring", gr, object);
    vec![
        put(
            resource::CONFIGMAPS,
            config_map(
                "prometheus-config",
                json!({ "prometheus.yml": "global:\n  scrape_interval: 30s\nscrape_configs:\n  - job_name: kubernetes-pods\n    kubernetes_sd_configs:\n      - role: pod\n" }),
            ),
        ),
        put(resource::DEPLOYMENTS, prometheus.deployment()),
        put(resource::SERVICES, prometheus.service(9090)),
        put(resource::DEPLOYMENTS, grafana.deployment()),
        put(resource::SERVICES, grafana.service(3000)),
        put(resource::DAEMONSETS, node_exporter.daemonset()),
    ]
}

fn kube_system() -> Vec<Seed> {
    let coredns = App::new("coredns", "registry.k8s.io/coredns/coredns:v1.11.3", 2)
        .port(53, "dns")
        .label("k8s-app", "kube-dns")
        .resources(Some(("100m", "70Mi")), Some(("1", "170Mi")))
        .on_control_plane();
    let mut dns_service = coredns.service(53);
    dns_service["metadata"]["name"] = json!("kube-dns");
    dns_service["spec"]["clusterIP"] = json!("10.96.0.10");
    dns_service["spec"]["ports"] = json!([
        { "name": "dns", "port": 53, "targetPort": 53, "protocol": "UDP" },
        { "name": "dns-tcp", "port": 53, "targetPort": 53, "protocol": "TCP" },
        { "name": "metrics", "port": 9153, "targetPort": 9153, "protocol": "TCP" },
    ]);
    let kube_proxy = App::new("kube-proxy", "registry.k8s.io/kube-proxy:v1.32.0", 1)
        .label("k8s-app", "kube-proxy")
        .resources(None, None)
        .on_control_plane();
    let metrics_server = App::new(
        "metrics-server",
        "registry.k8s.io/metrics-server/metrics-server:v0.7.2",
        1,
    )
    .port(10250, "https")
    .label("k8s-app", "metrics-server");
    let put = |gr, object| seed_in("kube-system", gr, object);
    vec![
        put(
            resource::CONFIGMAPS,
            config_map(
                "coredns",
                json!({ "Corefile": ".:53 {\n    errors\n    health\n    ready\n    kubernetes cluster.local in-addr.arpa ip6.arpa\n    forward . /etc/resolv.conf\n    cache 30\n}\n" }),
            ),
        ),
        put(resource::DEPLOYMENTS, coredns.deployment()),
        put(resource::SERVICES, dns_service),
        put(resource::DAEMONSETS, kube_proxy.daemonset()),
        put(resource::DEPLOYMENTS, metrics_server.deployment()),
        put(resource::SERVICES, metrics_server.service(443)),
    ]
}
