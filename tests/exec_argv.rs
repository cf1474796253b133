//! The argv the cockpit runs for a planned command: context and namespace added where they
//! belong, the plan's words kept as they are.

use kubevibe::exec::cockpit_argv;

fn words(line: &str) -> Vec<String> {
    line.split_whitespace().map(str::to_owned).collect()
}

#[test]
fn context_and_namespace_are_added_where_kubectl_reads_them() {
    let table: &[(&str, Option<&str>, Option<&str>, &str)] = &[
        // A namespaced read gets both.
        (
            "kubectl get pods",
            Some("prod"),
            Some("shop"),
            "kubectl --context prod -n shop get pods",
        ),
        // The plan's own namespace wins, in either spelling.
        (
            "kubectl get pods -n kube-system",
            Some("prod"),
            Some("shop"),
            "kubectl --context prod get pods -n kube-system",
        ),
        (
            "kubectl get pods --namespace=kube-system",
            Some("prod"),
            Some("shop"),
            "kubectl --context prod get pods --namespace=kube-system",
        ),
        // All namespaces: no -n.
        (
            "kubectl get pods -A",
            Some("prod"),
            Some("shop"),
            "kubectl --context prod get pods -A",
        ),
        (
            "kubectl get deploy --all-namespaces",
            None,
            Some("shop"),
            "kubectl get deploy --all-namespaces",
        ),
        // Cluster-scoped objects and commands: no -n.
        (
            "kubectl get nodes",
            Some("prod"),
            Some("shop"),
            "kubectl --context prod get nodes",
        ),
        (
            "kubectl describe node/worker-1",
            Some("prod"),
            Some("shop"),
            "kubectl --context prod describe node/worker-1",
        ),
        ("kubectl get ns", None, Some("shop"), "kubectl get ns"),
        (
            "kubectl get clusterroles,pv",
            None,
            Some("shop"),
            "kubectl get clusterroles,pv",
        ),
        (
            "kubectl cordon worker-1",
            Some("prod"),
            Some("shop"),
            "kubectl --context prod cordon worker-1",
        ),
        (
            "kubectl create namespace team",
            None,
            Some("shop"),
            "kubectl create namespace team",
        ),
        (
            "kubectl version",
            Some("prod"),
            Some("shop"),
            "kubectl --context prod version",
        ),
        (
            "kubectl api-resources",
            None,
            Some("shop"),
            "kubectl api-resources",
        ),
        // A mix of namespaced and cluster-scoped kinds still needs the namespace.
        (
            "kubectl get nodes,pods",
            None,
            Some("shop"),
            "kubectl -n shop get nodes,pods",
        ),
        // Writes and manifests get the cockpit's namespace.
        (
            "kubectl scale deploy/web --replicas=3",
            Some("prod"),
            Some("shop"),
            "kubectl --context prod -n shop scale deploy/web --replicas=3",
        ),
        (
            "kubectl apply -f web.yaml",
            None,
            Some("shop"),
            "kubectl -n shop apply -f web.yaml",
        ),
        (
            "kubectl exec web-0 -- ls -l",
            None,
            Some("shop"),
            "kubectl -n shop exec web-0 -- ls -l",
        ),
        // Nothing to add.
        ("kubectl get pods", None, None, "kubectl get pods"),
        // A plan without `kubectl` gets it.
        (
            "get pods",
            Some("dev"),
            None,
            "kubectl --context dev get pods",
        ),
        // Plugins refuse flags before their name: the flags go after it.
        (
            "kubectl neat get pod web",
            Some("prod"),
            Some("shop"),
            "kubectl neat --context prod -n shop get pod web",
        ),
    ];
    for (plan, context, namespace, expected) in table {
        assert_eq!(
            cockpit_argv(&words(plan), *context, *namespace),
            words(expected),
            "plan `{plan}` with context {context:?} and namespace {namespace:?}"
        );
    }
}

#[test]
fn words_with_spaces_and_shell_characters_stay_single_words() {
    let plan = vec![
        "kubectl".to_owned(),
        "annotate".to_owned(),
        "deploy/web".to_owned(),
        "note=a b; rm -rf / $(x)".to_owned(),
    ];
    let argv = cockpit_argv(&plan, Some("ctx with space"), Some("shop"));
    assert_eq!(
        argv,
        [
            "kubectl",
            "--context",
            "ctx with space",
            "-n",
            "shop",
            "annotate",
            "deploy/web",
            "note=a b; rm -rf / $(x)"
        ]
    );
}
