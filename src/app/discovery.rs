//! The kinds the cluster serves, found by API discovery (`/api`, `/apis` and each group's
//! preferred version): the catalogue the watch pane's command bar resolves and completes
//! names against, CRDs included. Discovery runs in the background; the model keeps the result.

use std::sync::Mutex;

use kube::core::ApiResource;

use crate::app::effect::Effect;
use crate::app::model::Model;
use crate::app::watch::WatchKind;

/// One resource the cluster serves, as discovery describes it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct KindInfo {
    pub plural: String,
    pub singular: String,
    pub kind: String,
    pub short_names: Vec<String>,
    /// `""` for the core group.
    pub group: String,
    pub version: String,
    pub namespaced: bool,
    pub verbs: Vec<String>,
    pub categories: Vec<String>,
}

impl KindInfo {
    /// The API resource a watcher lists and watches.
    pub fn api_resource(&self) -> ApiResource {
        let api_version = if self.group.is_empty() {
            self.version.clone()
        } else {
            format!("{}/{}", self.group, self.version)
        };
        ApiResource {
            group: self.group.clone(),
            version: self.version.clone(),
            api_version,
            kind: self.kind.clone(),
            plural: self.plural.clone(),
        }
    }

    /// `plural.group` (`plural` for the core group), as `kubectl get` takes it.
    pub fn qualified(&self) -> String {
        if self.group.is_empty() {
            self.plural.clone()
        } else {
            format!("{}.{}", self.plural, self.group)
        }
    }

    /// Whether the pane can show it: it must allow both `list` and `watch`.
    pub fn watchable(&self) -> bool {
        ["list", "watch"]
            .iter()
            .all(|verb| self.verbs.iter().any(|v| v == verb))
    }

    /// Every name the command bar takes for it: plural, singular, short names, `plural.group`.
    pub fn names(&self) -> Vec<String> {
        let mut names = vec![self.plural.clone()];
        if !self.singular.is_empty() {
            names.push(self.singular.clone());
        }
        names.extend(self.short_names.iter().cloned());
        if !self.group.is_empty() {
            names.push(self.qualified());
        }
        names
    }

    fn matches(&self, word: &str) -> bool {
        self.names()
            .iter()
            .any(|name| name.eq_ignore_ascii_case(word))
            || self.kind.eq_ignore_ascii_case(word)
    }
}

/// The kinds discovery found, in the server's order (core first, then each group).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Catalogue {
    pub kinds: Vec<KindInfo>,
}

impl Catalogue {
    /// The kind a command-bar word names (case-insensitive): the first one in discovery order,
    /// so built-in groups win over CRDs that reuse a short name.
    pub fn find(&self, word: &str) -> Option<&KindInfo> {
        self.kinds.iter().find(|kind| kind.matches(word))
    }

    /// Every name of every kind, for completion.
    pub fn names(&self) -> Vec<String> {
        self.kinds.iter().flat_map(KindInfo::names).collect()
    }
}

/// What the model knows about the cluster's kinds.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DiscoveryState {
    /// The last catalogue found (`None` until the first discovery is done).
    pub catalogue: Option<Catalogue>,
    /// Id of the discovery in flight; older answers are dropped.
    pub running: Option<u64>,
    /// Ids handed out so far.
    pub last_id: u64,
    /// A command line waiting for the discovery in flight (a name that was not known yet).
    pub pending: Option<String>,
    /// Why the last discovery failed.
    pub error: Option<String>,
}

impl DiscoveryState {
    /// Starts a discovery: its id, for `Effect::Discover`.
    pub fn start(&mut self) -> u64 {
        self.last_id += 1;
        self.running = Some(self.last_id);
        self.last_id
    }

    /// Takes the answer of discovery `id`; returns the command that waited for it. Answers of
    /// older discoveries are ignored (`None`).
    pub fn finish(&mut self, id: u64, result: Result<Catalogue, String>) -> Option<String> {
        if self.running != Some(id) {
            return None;
        }
        self.running = None;
        match result {
            Ok(catalogue) => {
                self.catalogue = Some(catalogue);
                self.error = None;
            }
            Err(error) => self.error = Some(error),
        }
        self.pending.take()
    }
}

/// A command-bar word that is not a built-in kind: watches the discovered kind it names,
/// refuses a kind without list/watch, or (when `rediscover`) asks the cluster again — a CRD
/// created after the last discovery is found this way — and runs `line` again afterwards.
pub fn resolve(
    model: &mut Model,
    line: &str,
    word: &str,
    unknown: String,
    rediscover: bool,
) -> Vec<Effect> {
    let found = model
        .discovery
        .catalogue
        .as_ref()
        .and_then(|catalogue| catalogue.find(word))
        .cloned();
    match found {
        Some(info) if !info.watchable() => {
            model.flash = Some(format!(
                "`{}` cannot be watched: the server allows only {} on it (the pane needs list and watch)",
                info.qualified(),
                info.verbs.join(", ")
            ));
            Vec::new()
        }
        Some(info) => {
            let namespace = model.watch.as_ref().and_then(|w| w.namespace.clone());
            crate::app::watch::switch(model, WatchKind::Other(intern(&info)), namespace)
        }
        None if rediscover && model.watch.is_some() => {
            let id = model.discovery.start();
            model.discovery.pending = Some(line.to_string());
            model.flash = Some(format!("looking up `{word}` in the cluster's kinds…"));
            model.dirty = true;
            vec![Effect::Discover { id }]
        }
        None => {
            model.flash = Some(match &model.discovery.error {
                Some(error) => format!("{unknown} ({error})"),
                None => unknown,
            });
            Vec::new()
        }
    }
}

/// The answer of `Effect::Discover { id }`: keeps the catalogue and runs the command that
/// waited for it (without asking the cluster a second time).
pub fn on_discovered(model: &mut Model, id: u64, result: Result<Catalogue, String>) -> Vec<Effect> {
    if let Err(error) = &result {
        tracing::warn!(%error, "discovery failed");
    }
    match model.discovery.finish(id, result) {
        Some(line) => {
            model.dirty = true;
            crate::app::watch::run_command_with(model, &line, false)
        }
        None => Vec::new(),
    }
}

/// A discovered kind with a `'static` lifetime, so `WatchKind` stays `Copy`. Each distinct
/// kind is kept once for the life of the process (a cluster serves a bounded set).
pub fn intern(info: &KindInfo) -> &'static KindInfo {
    static INTERNED: Mutex<Vec<&'static KindInfo>> = Mutex::new(Vec::new());
    let mut interned = INTERNED
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    if let Some(found) = interned.iter().find(|known| **known == info) {
        return found;
    }
    let leaked: &'static KindInfo = Box::leak(Box::new(info.clone()));
    interned.push(leaked);
    leaked
}

/// Runs discovery: the core group's resources and each group's preferred version.
/// Subresources (`pods/log`) are left out. A group that fails to answer is skipped (an
/// unavailable aggregated API must not hide the rest); failing to list the groups is an error.
pub async fn discover(client: &kube::Client) -> Result<Catalogue, String> {
    let failed = |what: &str, error: kube::Error| {
        format!("discovery failed: cannot read {what}: {error} (is the API server reachable?)")
    };
    let mut kinds = Vec::new();
    let core = client
        .list_core_api_versions()
        .await
        .map_err(|e| failed("/api", e))?;
    for version in &core.versions {
        let list = client
            .list_core_api_resources(version)
            .await
            .map_err(|e| failed(&format!("/api/{version}"), e))?;
        kinds.extend(resources("", version, list));
    }
    let groups = client
        .list_api_groups()
        .await
        .map_err(|e| failed("/apis", e))?;
    for group in groups.groups {
        let Some(version) = group
            .preferred_version
            .clone()
            .or_else(|| group.versions.first().cloned())
        else {
            continue;
        };
        match client
            .list_api_group_resources(&version.group_version)
            .await
        {
            Ok(list) => kinds.extend(resources(&group.name, &version.version, list)),
            Err(error) => {
                tracing::warn!(%error, group = %version.group_version, "discovery skipped a group");
            }
        }
    }
    Ok(Catalogue { kinds })
}

fn resources(
    group: &str,
    version: &str,
    list: k8s_openapi::apimachinery::pkg::apis::meta::v1::APIResourceList,
) -> impl Iterator<Item = KindInfo> {
    let group = group.to_string();
    let version = version.to_string();
    list.resources
        .into_iter()
        .filter(|resource| !resource.name.contains('/'))
        .map(move |resource| KindInfo {
            singular: if resource.singular_name.is_empty() {
                resource.kind.to_ascii_lowercase()
            } else {
                resource.singular_name
            },
            plural: resource.name,
            kind: resource.kind,
            short_names: resource.short_names.unwrap_or_default(),
            group: resource.group.unwrap_or_else(|| group.clone()),
            version: resource.version.unwrap_or_else(|| version.clone()),
            namespaced: resource.namespaced,
            verbs: resource.verbs,
            categories: resource.categories.unwrap_or_default(),
        })
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn kind(plural: &str, group: &str, shorts: &[&str], verbs: &[&str]) -> KindInfo {
        KindInfo {
            plural: plural.into(),
            singular: plural.trim_end_matches('s').into(),
            kind: "Thing".into(),
            short_names: shorts.iter().map(|s| s.to_string()).collect(),
            group: group.into(),
            version: "v1".into(),
            namespaced: true,
            verbs: verbs.iter().map(|s| s.to_string()).collect(),
            categories: Vec::new(),
        }
    }

    #[test]
    fn names_resolve_by_plural_singular_short_and_group() {
        let catalogue = Catalogue {
            kinds: vec![
                kind("configmaps", "", &["cm"], &["list", "watch"]),
                kind(
                    "crontabs",
                    "stable.example.com",
                    &["ct"],
                    &["list", "watch"],
                ),
            ],
        };
        for word in ["cm", "configmaps", "configmap", "CM"] {
            assert_eq!(catalogue.find(word).unwrap().plural, "configmaps", "{word}");
        }
        for word in ["ct", "crontabs.stable.example.com", "crontab"] {
            assert_eq!(catalogue.find(word).unwrap().plural, "crontabs", "{word}");
        }
        assert!(catalogue.find("widgets").is_none());
        assert!(
            catalogue
                .names()
                .contains(&"crontabs.stable.example.com".to_string())
        );
    }

    #[test]
    fn watchable_needs_list_and_watch() {
        assert!(kind("a", "", &[], &["get", "list", "watch"]).watchable());
        assert!(!kind("a", "", &[], &["create"]).watchable());
        assert!(!kind("a", "", &[], &["list"]).watchable());
    }

    #[test]
    fn api_resource_of_core_and_group_kinds() {
        let core = kind("configmaps", "", &[], &[]).api_resource();
        assert_eq!(core.api_version, "v1");
        let crd = kind("crontabs", "stable.example.com", &[], &[]).api_resource();
        assert_eq!(crd.api_version, "stable.example.com/v1");
        assert_eq!(crd.plural, "crontabs");
    }

    #[test]
    fn interning_keeps_one_copy_per_kind() {
        let a = intern(&kind("gadgets", "x.io", &[], &[]));
        let b = intern(&kind("gadgets", "x.io", &[], &[]));
        assert!(std::ptr::eq(a, b));
        let c = intern(&kind("gizmos", "x.io", &[], &[]));
        assert!(!std::ptr::eq(a, c));
    }

    #[test]
    fn a_stale_answer_is_ignored_and_the_pending_command_returned() {
        let mut state = DiscoveryState::default();
        let old = state.start();
        let new = state.start();
        state.pending = Some("ct".into());
        assert_eq!(state.finish(old, Ok(Catalogue::default())), None);
        assert!(state.catalogue.is_none());
        assert_eq!(
            state.finish(new, Ok(Catalogue::default())).as_deref(),
            Some("ct")
        );
        assert!(state.catalogue.is_some());
    }
}
