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
    match known_kind(word) {
        Some(canonical) => canonical.to_owned(),
        None => word.to_ascii_lowercase(),
    }
}

/// The canonical name of a built-in kind, compared without allocating.
fn known_kind(word: &str) -> Option<&'static str> {
    let base = word.split('.').next().unwrap_or_default();
    KINDS
        .iter()
        .find(|(canonical, aliases)| {
            base.eq_ignore_ascii_case(canonical)
                || aliases.iter().any(|alias| base.eq_ignore_ascii_case(alias))
        })
        .map(|(canonical, _)| *canonical)
}

pub(crate) fn is_secret(kind: &str) -> bool {
    kind == "secret"
}

/// Whether a word as written (`Secret`, `secrets`, `secrets.v1.`) names Secrets.
pub(crate) fn names_secret(word: &str) -> bool {
    known_kind(word) == Some("secret")
}
