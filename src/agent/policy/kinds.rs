//! Resource kinds as the operator reads them: `po`, `pods` and `pods.v1.` are all `pod`.

/// Canonical singular name and the spellings kubectl accepts for it (plural and short names).
const KINDS: &[(&str, &[&str])] = &[
    ("all", &[]),
    (
        "certificatesigningrequest",
        &["certificatesigningrequests", "csr"],
    ),
    ("clusterrole", &["clusterroles"]),
    ("clusterrolebinding", &["clusterrolebindings"]),
    ("configmap", &["configmaps", "cm"]),
    ("cronjob", &["cronjobs", "cj"]),
    (
        "customresourcedefinition",
        &["customresourcedefinitions", "crd", "crds"],
    ),
    ("daemonset", &["daemonsets", "ds"]),
    ("deployment", &["deployments", "deploy"]),
    ("endpoints", &["ep"]),
    ("endpointslice", &["endpointslices"]),
    ("event", &["events", "ev"]),
    (
        "horizontalpodautoscaler",
        &["horizontalpodautoscalers", "hpa"],
    ),
    ("ingress", &["ingresses", "ing"]),
    ("job", &["jobs"]),
    ("lease", &["leases"]),
    ("limitrange", &["limitranges", "limits"]),
    ("namespace", &["namespaces", "ns"]),
    ("networkpolicy", &["networkpolicies", "netpol"]),
    ("node", &["nodes", "no"]),
    ("persistentvolume", &["persistentvolumes", "pv"]),
    ("persistentvolumeclaim", &["persistentvolumeclaims", "pvc"]),
    ("pod", &["pods", "po"]),
    ("poddisruptionbudget", &["poddisruptionbudgets", "pdb"]),
    ("priorityclass", &["priorityclasses", "pc"]),
    ("replicaset", &["replicasets", "rs"]),
    ("replicationcontroller", &["replicationcontrollers", "rc"]),
    ("resourcequota", &["resourcequotas", "quota"]),
    ("role", &["roles"]),
    ("rolebinding", &["rolebindings"]),
    ("secret", &["secrets"]),
    ("service", &["services", "svc"]),
    ("serviceaccount", &["serviceaccounts", "sa"]),
    ("statefulset", &["statefulsets", "sts"]),
    ("storageclass", &["storageclasses", "sc"]),
];

/// The canonical kind for a word such as `Deploy`, `pods`, `deployments.apps` or
/// `secrets.v1.`; kinds it does not know (custom resources) come back lower-cased as written.
pub(crate) fn canonical_kind(word: &str) -> String {
    let lower = word.to_ascii_lowercase();
    let base = lower.split('.').next().unwrap_or_default();
    for (canonical, aliases) in KINDS {
        if base == *canonical || aliases.contains(&base) {
            return (*canonical).to_owned();
        }
    }
    lower
}

pub(crate) fn is_secret(kind: &str) -> bool {
    kind == "secret"
}
