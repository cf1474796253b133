#![allow(clippy::unwrap_used)]
//! The risk policy over a table of commands the model might plan: each line is parsed without
//! a shell and classified, and must land in exactly the class the product rules give it.

use kubevibe::agent::policy::{Risk, check_argv, classify, parse_command};

use Risk::{DataEgress as Egress, Destructive, Read, Write};

const CASES: &[(&str, Risk)] = &[
    // read
    ("kubectl get pods", Read),
    ("get pods", Read),
    ("kubectl get po -n shop", Read),
    ("kubectl -n shop get pods", Read),
    ("kubectl --namespace=shop get deploy web", Read),
    ("kubectl get pods -A", Read),
    ("kubectl get pods --all-namespaces -o wide", Read),
    ("kubectl get deploy,svc -n shop", Read),
    ("kubectl get deployment/web -o yaml", Read),
    ("kubectl get pods -o json -n shop", Read),
    (
        "kubectl get pods -o jsonpath='{.items[*].metadata.name}'",
        Read,
    ),
    (
        "kubectl get pods -o=jsonpath=\"{.items[*].status.phase}\"",
        Read,
    ),
    (
        "kubectl get pods --field-selector status.phase!=Running",
        Read,
    ),
    ("kubectl get pods -l 'app in (web,api)'", Read),
    (
        "kubectl get pods -l app=web,tier!=cache --show-labels",
        Read,
    ),
    ("kubectl get pods -w", Read),
    ("kubectl get nodes -o wide", Read),
    ("kubectl get events --sort-by=.lastTimestamp", Read),
    ("kubectl get configmap app-config -o yaml", Read),
    ("kubectl get all -n shop", Read),
    ("kubectl get all -o name", Read),
    ("kubectl get --raw /healthz", Read),
    ("kubectl get --raw /api/v1/namespaces/shop/pods", Read),
    ("kubectl describe pod web-0", Read),
    ("kubectl describe deploy/web -n shop", Read),
    ("kubectl describe nodes", Read),
    ("kubectl explain pods.spec.containers", Read),
    ("kubectl api-resources", Read),
    ("kubectl api-resources --namespaced=true -o wide", Read),
    ("kubectl api-versions", Read),
    ("kubectl version", Read),
    ("kubectl version --client -o json", Read),
    ("kubectl cluster-info", Read),
    ("kubectl top pods -n shop", Read),
    ("kubectl top node", Read),
    ("kubectl top pod web-0 --containers", Read),
    ("kubectl events -n shop", Read),
    ("kubectl events --for pod/web-0 --watch", Read),
    ("kubectl rollout status deployment/web -n shop", Read),
    ("kubectl rollout history deploy web", Read),
    ("kubectl rollout history deployment/web --revision=3", Read),
    ("kubectl auth can-i delete pods", Read),
    ("kubectl auth can-i get secrets -n shop", Read),
    ("kubectl auth whoami", Read),
    ("kubectl diff -f deploy.yaml", Read),
    (
        "kubectl wait --for=condition=Ready pod/web-0 --timeout=60s",
        Read,
    ),
    ("kubectl config get-contexts", Read),
    ("kubectl config current-context", Read),
    ("kubectl apply -f deploy.yaml --dry-run=server", Read),
    (
        "kubectl apply -f deploy.yaml --dry-run=client -o yaml",
        Read,
    ),
    ("kubectl apply -f deploy.yaml --dry-run", Read),
    ("kubectl delete pod web-0 --dry-run=server", Read),
    ("kubectl delete pods --all -n shop --dry-run=server", Read),
    (
        "kubectl scale deploy web --replicas=0 --dry-run=client",
        Read,
    ),
    (
        "kubectl create deployment web --image=nginx --dry-run=client -o yaml",
        Read,
    ),
    (
        "kubectl drain node-1 --ignore-daemonsets --dry-run=server",
        Read,
    ),
    ("kubectl replace --force -f pod.yaml --dry-run=server", Read),
    (
        "kubectl label pods -l app=web tier=front --overwrite --dry-run=server",
        Read,
    ),
    (
        "kubectl create secret generic db --from-literal=password=x --dry-run=client -o yaml",
        Read,
    ),
    // data egress
    ("kubectl get secrets", Egress),
    ("kubectl get secret db-creds -n shop", Egress),
    ("kubectl get secret db-creds -o yaml", Egress),
    ("kubectl get secrets -o json", Egress),
    (
        "kubectl get secret/db-creds -o jsonpath='{.data.password}'",
        Egress,
    ),
    (
        "kubectl get secret db -o go-template='{{.data.password}}'",
        Egress,
    ),
    ("kubectl get Secret db", Egress),
    ("kubectl get secrets.v1. db -o yaml", Egress),
    ("kubectl get deploy,secrets -n shop", Egress),
    ("kubectl -n shop get -o yaml secrets", Egress),
    ("kubectl get all -o yaml", Egress),
    ("kubectl get all -n shop -o json", Egress),
    ("kubectl get -f manifests.yaml -o yaml", Egress),
    ("kubectl get -k overlays/prod -o json", Egress),
    ("kubectl get --raw /api/v1/namespaces/shop/secrets", Egress),
    (
        "kubectl get --raw /api/v1/namespaces/shop/pods/web-0/log",
        Egress,
    ),
    ("kubectl describe secret db-creds", Egress),
    ("kubectl describe secrets -n shop", Egress),
    ("kubectl logs web-0", Egress),
    ("kubectl logs -f deploy/web -c app --tail=100", Egress),
    ("kubectl logs -p web-0 -n shop", Egress),
    (
        "kubectl logs -l app=web --all-containers --since=1h",
        Egress,
    ),
    ("kubectl exec web-0 -- env", Egress),
    (
        "kubectl exec -it web-0 -c app -- sh -c 'ps aux | grep java'",
        Egress,
    ),
    (
        "kubectl exec deploy/web -- cat /etc/config/app.yaml",
        Egress,
    ),
    ("kubectl cp shop/web-0:/var/log/app.log ./app.log", Egress),
    ("kubectl attach -it web-0", Egress),
    ("kubectl port-forward svc/web 8080:80", Egress),
    ("kubectl port-forward pod/web-0 5432 -n shop", Egress),
    ("kubectl proxy --port=8001", Egress),
    ("kubectl config view", Egress),
    ("kubectl config view --raw", Egress),
    ("kubectl config view --minify --flatten", Egress),
    ("kubectl auth can-i --list", Egress),
    ("kubectl auth can-i --list -n shop", Egress),
    ("kubectl cluster-info dump", Egress),
    ("kubectl set env deploy/web --list", Egress),
    ("kubectl apply view-last-applied secret/db", Egress),
    // write
    ("kubectl apply -f deploy.yaml", Write),
    ("kubectl apply -k overlays/prod", Write),
    ("kubectl apply --server-side -f crd.yaml", Write),
    ("kubectl create deployment web --image=nginx:1.27", Write),
    ("kubectl create namespace shop", Write),
    (
        "kubectl create secret generic db --from-literal=user=app",
        Write,
    ),
    ("kubectl create token deployer -n ci", Write),
    ("kubectl create -f job.yaml", Write),
    (
        "kubectl create rolebinding dev --clusterrole=view --user=alice -n shop",
        Write,
    ),
    (
        "kubectl patch deploy web -p '{\"spec\":{\"replicas\":3}}'",
        Write,
    ),
    (
        "kubectl patch deployment/web --type=json -p '[{\"op\":\"replace\",\"path\":\"/spec/replicas\",\"value\":2}]'",
        Write,
    ),
    (
        "kubectl patch svc web -p \"{\\\"spec\\\":{\\\"type\\\":\\\"NodePort\\\"}}\"",
        Write,
    ),
    ("kubectl edit deploy web", Write),
    ("kubectl label pod web-0 tier=front", Write),
    ("kubectl label pod web-0 tier=back --overwrite", Write),
    ("kubectl label pod web-0 tier-", Write),
    ("kubectl label pods -l app=web team=shop", Write),
    ("kubectl annotate deploy web owner=payments", Write),
    (
        "kubectl annotate deploy/web note='restarted after incident' --overwrite",
        Write,
    ),
    ("kubectl scale deploy web --replicas=3", Write),
    ("kubectl scale deployment/web --replicas 5 -n shop", Write),
    (
        "kubectl scale statefulset db --replicas=1 --current-replicas=3",
        Write,
    ),
    ("kubectl set image deploy/web app=nginx:1.27", Write),
    ("kubectl set env deploy/web LOG_LEVEL=debug", Write),
    (
        "kubectl set resources deploy web --limits=cpu=500m,memory=256Mi",
        Write,
    ),
    ("kubectl rollout restart deployment/web", Write),
    ("kubectl rollout undo deploy/web --to-revision=2", Write),
    ("kubectl rollout pause deploy web", Write),
    ("kubectl rollout resume deploy web", Write),
    (
        "kubectl autoscale deploy web --min=2 --max=10 --cpu-percent=80",
        Write,
    ),
    (
        "kubectl expose deploy web --port=80 --target-port=8080",
        Write,
    ),
    ("kubectl cordon node-1", Write),
    ("kubectl uncordon node-1", Write),
    ("kubectl taint nodes node-1 dedicated=gpu:NoSchedule", Write),
    ("kubectl taint nodes node-1 dedicated:NoExecute-", Write),
    ("kubectl replace -f deploy.yaml", Write),
    (
        "kubectl run debug --image=busybox --restart=Never -- sleep 3600",
        Write,
    ),
    ("kubectl run tmp --rm -it --image=busybox -- sh", Write),
    (
        "kubectl debug pod/web-0 -it --image=busybox --target=app",
        Write,
    ),
    ("kubectl cp ./fix.sh web-0:/tmp/fix.sh", Write),
    ("kubectl certificate approve csr-abc", Write),
    ("kubectl auth reconcile -f rbac.yaml", Write),
    ("kubectl apply edit-last-applied deploy/web", Write),
    // destructive
    ("kubectl delete pod web-0", Destructive),
    ("kubectl delete deploy/web -n shop", Destructive),
    ("kubectl delete -f deploy.yaml", Destructive),
    ("kubectl delete pods --all -n shop", Destructive),
    ("kubectl delete pods -l app=web", Destructive),
    ("kubectl delete ns shop", Destructive),
    (
        "kubectl delete pod web-0 --grace-period=0 --force",
        Destructive,
    ),
    ("kubectl delete pvc data-db-0 --wait=false", Destructive),
    ("kubectl delete --dry-run=none pod web-0", Destructive),
    (
        "kubectl drain node-1 --ignore-daemonsets --delete-emptydir-data",
        Destructive,
    ),
    ("kubectl scale deploy web --replicas=0", Destructive),
    ("kubectl scale deploy/web --replicas 0 -n shop", Destructive),
    ("kubectl scale sts db --replicas=00", Destructive),
    (
        "kubectl patch deploy web -p '{\"spec\":{\"replicas\":0}}'",
        Destructive,
    ),
    (
        "kubectl patch deploy web --type=json -p '[{\"op\":\"replace\",\"path\":\"/spec/replicas\",\"value\":0}]'",
        Destructive,
    ),
    ("kubectl apply -f deploy.yaml --force", Destructive),
    (
        "kubectl apply -f manifests/ --prune -l app=web",
        Destructive,
    ),
    ("kubectl replace --force -f pod.yaml", Destructive),
    ("kubectl replace -f pod.yaml --grace-period=0", Destructive),
    ("kubectl label pods --all tier=front", Destructive),
    (
        "kubectl label pods -l app=web tier=front --overwrite",
        Destructive,
    ),
    ("kubectl label pods web-0 web-1 tier-", Destructive),
    ("kubectl annotate pods -A --all note=x", Destructive),
    (
        "kubectl annotate deploy -l team=shop owner=x --overwrite",
        Destructive,
    ),
    ("kubectl rollout restart deploy --all -n shop", Destructive),
    ("kubectl rollout restart deploy -A --all", Destructive),
    ("kubectl set image deploy --all app=nginx:1.27", Destructive),
    (
        "kubectl set env deploy/web --all-namespaces X=1",
        Destructive,
    ),
    (
        "kubectl taint nodes node-1 maintenance=true:NoExecute",
        Destructive,
    ),
    (
        "kubectl taint nodes --all dedicated=gpu:NoSchedule",
        Destructive,
    ),
    ("kubectl cordon --all", Destructive),
    ("kubectl create -f job.yaml --force", Destructive),
    ("kubectl rollout frobnicate deploy/web", Destructive),
    ("kubectl auth frobnicate", Destructive),
    ("kubectl frobnicate pods", Destructive),
    ("kubectl krew install neat", Destructive),
    ("kubectl neat get pod web-0", Destructive),
    ("kubectl cnpg promote db-2", Destructive),
    ("helm uninstall web", Destructive),
    ("kubectl alpha events", Destructive),
    ("kubectl -n shop frobnicate pods", Destructive),
    ("kubectl --request-timeout 5s get pods", Read),
];

#[test]
fn every_command_lands_in_its_class() {
    let mut wrong = Vec::new();
    for (line, expected) in CASES {
        let argv = parse_command(line).unwrap_or_else(|error| panic!("{line}: {error}"));
        let classification = classify(&argv);
        if classification.risk != *expected {
            wrong.push(format!(
                "{line}: expected {expected}, got {} ({:?})",
                classification.risk, classification.reasons
            ));
        }
    }
    assert!(wrong.is_empty(), "misclassified:\n{}", wrong.join("\n"));
}

#[test]
fn the_table_covers_every_class_with_enough_cases() {
    assert!(CASES.len() >= 150, "{} cases", CASES.len());
    for risk in [Read, Egress, Write, Destructive] {
        let count = CASES.iter().filter(|(_, r)| *r == risk).count();
        assert!(count >= 25, "{risk}: {count} cases");
    }
}

/// Command lines that are refused, with the words the message must contain.
const REFUSED: &[(&str, &[&str])] = &[
    ("kubectl get pods | grep web", &["pipe", "|"]),
    ("kubectl get pods|grep web", &["pipe"]),
    ("kubectl get pods && kubectl delete pod web-0", &["&&"]),
    ("kubectl get pods || true", &["||"]),
    ("kubectl get pods; kubectl get svc", &[";"]),
    ("kubectl logs web-0 &", &["background", "&"]),
    (
        "kubectl delete pod `kubectl get pods -o name`",
        &["backtick"],
    ),
    (
        "kubectl delete pod $(kubectl get pods -o name)",
        &["command substitution", "$("],
    ),
    (
        "kubectl get pods -n ${NAMESPACE}",
        &["parameter expansion", "${"],
    ),
    ("kubectl get pods -n $NS", &["shell variable"]),
    ("kubectl get pods -n \"$NS\"", &["shell variable"]),
    ("kubectl get pods -o \"jsonpath={$(id)}\"", &["$("]),
    ("kubectl get pods > pods.txt", &["redirection", ">"]),
    ("kubectl get pods >> pods.txt", &["redirection", ">>"]),
    ("kubectl apply -f - < deploy.yaml", &["redirection", "<"]),
    ("kubectl get pods 2>/dev/null", &["redirection", "2>"]),
    ("kubectl get pods 2>&1", &["2>"]),
    ("kubectl get pods &> out.txt", &["redirection"]),
    ("kubectl apply -f - <<EOF", &["here-document", "<<"]),
    ("kubectl get pods\nkubectl get svc", &["newline"]),
    ("kubectl get pods -l app in (web,api)", &["parenthesis"]),
    ("kubectl get pods # all of them", &["comment", "#"]),
    ("sudo kubectl get pods", &["sudo"]),
    ("sh -c 'kubectl get pods'", &["sh -c"]),
    ("bash -c \"kubectl delete pod web-0\"", &["bash -c"]),
    (
        "KUBECONFIG=/tmp/kc kubectl get pods",
        &["environment", "KUBECONFIG=/tmp/kc"],
    ),
    ("env KUBECONFIG=/tmp/kc kubectl get pods", &["env"]),
    ("kubectl get pods --context prod", &["--context", "cockpit"]),
    ("kubectl get pods --context=prod", &["--context=prod"]),
    ("kubectl --kubeconfig /tmp/kc get pods", &["--kubeconfig"]),
    ("kubectl --cluster=prod get pods", &["--cluster"]),
    ("kubectl get pods --user admin", &["--user"]),
    ("kubectl get pods --token abc", &["--token"]),
    (
        "kubectl get pods --server https://10.0.0.1:6443",
        &["--server"],
    ),
    ("kubectl get pods -s https://10.0.0.1:6443", &["-s"]),
    ("kubectl get pods --as system:admin", &["--as"]),
    (
        "kubectl get pods --as-group=system:masters",
        &["--as-group"],
    ),
    ("kubectl get pods --as-uid 1000", &["--as-uid"]),
    (
        "kubectl config set-context --current --namespace=shop",
        &["config set-context", "kubeconfig"],
    ),
    ("kubectl config use-context prod", &["use-context"]),
    (
        "kubectl get pods -o 'jsonpath={.items[*]}",
        &["unclosed quote"],
    ),
    ("   ", &["empty"]),
    ("kubectl", &["empty"]),
];

#[test]
fn shell_syntax_wrappers_and_owned_flags_are_refused_with_a_message_naming_them() {
    for (line, words) in REFUSED {
        let error = match parse_command(line) {
            Ok(argv) => panic!("{line:?} was accepted as {argv:?}"),
            Err(error) => error.to_string(),
        };
        for word in *words {
            assert!(
                error.to_lowercase().contains(&word.to_lowercase()),
                "{line:?}: {error:?} does not mention {word:?}"
            );
        }
    }
}

fn argv(words: &[&str]) -> Vec<String> {
    words.iter().map(|word| (*word).to_owned()).collect()
}

#[test]
fn an_argv_given_as_a_list_gets_the_same_refusals() {
    let refused: &[(&[&str], &str)] = &[
        (&["get", "pods", "|", "grep", "web"], "pipe"),
        (&["get", "pods", "&&", "rm"], "&&"),
        (&["get", "pods;"], ";"),
        (&["get", "pods", ">", "out.txt"], ">"),
        (&["get", "pods", ">out.txt"], ">"),
        (&["get", "pods", "2>/dev/null"], "2>"),
        (&["apply", "-f", "-", "<<EOF"], "<<"),
        (&["delete", "pod", "$(kubectl get pods -o name)"], "$("),
        (&["get", "pods", "-n", "${NS}"], "${"),
        (&["delete", "pod", "`id`"], "backtick"),
        (&["get", "pods\nget svc"], "newline"),
        (&["sudo", "kubectl", "get", "pods"], "sudo"),
        (&["bash", "-c", "kubectl get pods"], "bash -c"),
        (&["get", "pods", "--context", "prod"], "--context"),
        (&["get", "pods", "--context=prod"], "--context=prod"),
        (
            &["kubectl", "--kubeconfig=/tmp/kc", "get", "pods"],
            "--kubeconfig",
        ),
        (&["get", "pods", "-s", "https://x"], "-s"),
        (&["get", "pods", "--token=abc"], "--token"),
        (&["get", "pods", "--as=admin"], "--as"),
        (
            &["config", "set-credentials", "x", "--token=abc"],
            "--token",
        ),
        (&[], "empty"),
    ];
    for (words, needle) in refused {
        let error = check_argv(&argv(words)).unwrap_err().to_string();
        assert!(
            error.contains(needle),
            "{words:?}: {error:?} lacks {needle:?}"
        );
    }
}

#[test]
fn legitimate_arguments_with_shell_characters_pass_as_a_list() {
    let accepted: &[&[&str]] = &[
        &["kubectl", "get", "pods"],
        &["get", "pods", "-o", "jsonpath={.items[*].metadata.name}"],
        &["get", "pods", "-l", "app in (web,api)"],
        &["get", "pods", "--field-selector", "status.phase!=Running"],
        &[
            "patch",
            "deploy",
            "web",
            "-p",
            "{\"spec\":{\"replicas\":3}}",
        ],
        &["exec", "web-0", "--", "sh", "-c", "ps aux | grep java"],
        &["exec", "web-0", "--", "env", "--token=abc"],
        &[
            "get",
            "pods",
            "-o",
            "go-template={{range .items}}{{.metadata.name | printf \"%s\\n\"}}{{end}}",
        ],
        &[
            "create",
            "clusterrolebinding",
            "ops",
            "--clusterrole=view",
            "--user=alice",
        ],
        &["set", "subject", "rolebinding/dev", "--user=bob"],
        &["config", "view", "--raw"],
    ];
    for words in accepted {
        assert_eq!(check_argv(&argv(words)), Ok(()), "{words:?}");
    }
}

#[test]
fn quoted_arguments_reach_kubectl_unquoted_and_whole() {
    let cases: &[(&str, &[&str])] = &[
        (
            "kubectl get pods -o jsonpath='{.items[*].metadata.name}'",
            &["get", "pods", "-o", "jsonpath={.items[*].metadata.name}"],
        ),
        (
            "kubectl get pods -l 'app in (web,api)'",
            &["get", "pods", "-l", "app in (web,api)"],
        ),
        (
            "kubectl patch deploy web -p '{\"spec\":{\"replicas\":3}}'",
            &[
                "patch",
                "deploy",
                "web",
                "-p",
                "{\"spec\":{\"replicas\":3}}",
            ],
        ),
        (
            "get pods --field-selector status.phase!=Running",
            &["get", "pods", "--field-selector", "status.phase!=Running"],
        ),
        (
            "  kubectl get pods -n 'shop'  \n",
            &["get", "pods", "-n", "shop"],
        ),
        (
            "kubectl get secret db -o jsonpath='{.data.$x}'",
            &["get", "secret", "db", "-o", "jsonpath={.data.$x}"],
        ),
    ];
    for (line, expected) in cases {
        assert_eq!(parse_command(line).unwrap(), argv(expected), "{line}");
    }
}

#[test]
fn argvs_refused_before_classification_still_get_a_safe_class() {
    assert_eq!(
        classify(&argv(&["config", "use-context", "prod"])).risk,
        Destructive
    );
    assert_eq!(
        classify(&argv(&["get", "pods", "--context", "prod"])).risk,
        Read
    );
    assert_eq!(classify(&argv(&["kubectl"])).risk, Read);
    assert_eq!(classify(&[]).risk, Read);
}
