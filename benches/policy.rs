//! The safety layer must cost nothing next to the model: classifying 10 000 realistic argvs
//! (every class, flags before and after the verb, selectors, JSON patches) in well under
//! 10 ms, and redacting a megabyte of logs or YAML in a few milliseconds.

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use kubevibe::agent::policy::{classify, parse_command};
use kubevibe::agent::redact::redact_text;

const TEMPLATES: &[&str] = &[
    "kubectl get pods -n {ns} -o wide",
    "kubectl -n {ns} get deploy {name} -o yaml",
    "kubectl get pods -l app={name} --field-selector status.phase!=Running",
    "kubectl get pods -o jsonpath='{.items[*].metadata.name}' -n {ns}",
    "kubectl describe pod {name}-0 -n {ns}",
    "kubectl logs -f deploy/{name} -c app --tail=200 -n {ns}",
    "kubectl get secret {name}-creds -o yaml -n {ns}",
    "kubectl exec -it {name}-0 -n {ns} -- sh -c 'ps aux'",
    "kubectl rollout status deployment/{name} -n {ns}",
    "kubectl rollout undo deployment/{name} --to-revision=2 -n {ns}",
    "kubectl scale deploy {name} --replicas=3 -n {ns}",
    "kubectl scale deploy {name} --replicas=0 -n {ns}",
    "kubectl patch deploy {name} -n {ns} -p '{\"spec\":{\"replicas\":2}}'",
    "kubectl apply -f {name}.yaml --dry-run=server -n {ns}",
    "kubectl delete pod {name}-0 -n {ns} --grace-period=0 --force",
    "kubectl delete pods --all -n {ns}",
    "kubectl label pods -l app={name} tier=front --overwrite -n {ns}",
    "kubectl drain node-{name} --ignore-daemonsets --delete-emptydir-data",
    "kubectl top pods -n {ns} --containers",
    "kubectl auth can-i delete pods -n {ns}",
];

const NAMES: &[&str] = &["web", "api", "db", "cache", "worker", "gateway", "billing"];
const NAMESPACES: &[&str] = &["shop", "prod", "staging", "kube-system"];

fn argvs(count: usize) -> Vec<Vec<String>> {
    (0..count)
        .filter_map(|i| {
            let line = TEMPLATES[i % TEMPLATES.len()]
                .replace("{name}", NAMES[i % NAMES.len()])
                .replace("{ns}", NAMESPACES[i % NAMESPACES.len()]);
            parse_command(&line).ok()
        })
        .collect()
}

fn classify_ten_thousand(c: &mut Criterion) {
    let argvs = argvs(10_000);
    assert_eq!(argvs.len(), 10_000, "every template parses");
    let mut group = c.benchmark_group("policy");
    group.throughput(Throughput::Elements(argvs.len() as u64));
    group.bench_function("classify 10 000 argvs", |b| {
        b.iter(|| {
            for argv in &argvs {
                black_box(classify(black_box(argv)));
            }
        });
    });
    group.finish();
}

/// About 1 MB of application logs, one line in fifty carrying a credential.
fn logs() -> String {
    let mut text = String::new();
    let mut line = 0;
    while text.len() < 1_000_000 {
        line += 1;
        if line % 50 == 0 {
            text.push_str("2024-05-01T10:00:00Z DEBUG auth header Authorization: Bearer abcdefghijklmnop0123456789\n");
        } else {
            text.push_str("2024-05-01T10:00:00Z INFO GET /api/orders/4711 200 1.2ms user=alice trace=9f8e7d6c\n");
        }
    }
    text
}

/// About 1 MB of `kubectl get deploy -o yaml` output with env lists, some with passwords.
fn yaml() -> String {
    let item = "- apiVersion: apps/v1\n  kind: Deployment\n  metadata:\n    name: web\n    namespace: shop\n  spec:\n    template:\n      spec:\n        containers:\n        - env:\n          - name: DB_HOST\n            value: db.shop.svc\n          - name: DB_PASSWORD\n            value: hunter2\n          image: registry.example.com/web:1.4.2\n          name: web\n";
    let mut text = String::from("apiVersion: v1\nitems:\n");
    while text.len() < 1_000_000 {
        text.push_str(item);
    }
    text
}

fn redact_one_megabyte(c: &mut Criterion) {
    let mut group = c.benchmark_group("redact");
    for (name, text) in [("1 MB of logs", logs()), ("1 MB of yaml", yaml())] {
        group.throughput(Throughput::Bytes(text.len() as u64));
        group.bench_function(name, |b| {
            b.iter(|| black_box(redact_text(black_box(&text))))
        });
    }
    group.finish();
}

criterion_group!(benches, classify_ten_thousand, redact_one_megabyte);
criterion_main!(benches);
