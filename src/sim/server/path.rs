//! Request paths: which endpoint a URL path names.

/// A resource request: `/api/v1/...` or `/apis/{group}/{version}/...`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ResourcePath {
    pub group: String,
    pub version: String,
    /// `None` for cluster-wide requests.
    pub namespace: Option<String>,
    pub resource: String,
    pub name: Option<String>,
    pub subresource: Option<String>,
    /// The deprecated `/watch/` path prefix was used.
    pub watch: bool,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ApiPath {
    Version,
    Health,
    /// `/api`: the legacy group's versions.
    CoreVersions,
    /// `/apis`: every group.
    Groups,
    /// `/apis/{group}`.
    Group(String),
    /// `/api/v1` or `/apis/{group}/{version}`: the resource list.
    GroupVersion {
        group: String,
        version: String,
    },
    OpenApiV2,
    OpenApiV3Index,
    OpenApiV3 {
        group: String,
        version: String,
    },
    Resource(ResourcePath),
    Unknown,
}

/// Classifies `path`. Whether `{namespace}/{x}` names a namespaced resource or a namespace's
/// subresource (`/api/v1/namespaces/foo/status`) is decided later, with the catalog.
pub fn parse(path: &str) -> ApiPath {
    let segments: Vec<&str> = path
        .trim_end_matches('/')
        .split('/')
        .filter(|s| !s.is_empty())
        .collect();
    match segments.as_slice() {
        ["version"] => ApiPath::Version,
        ["healthz" | "livez" | "readyz", ..] => ApiPath::Health,
        ["api"] => ApiPath::CoreVersions,
        ["apis"] => ApiPath::Groups,
        ["apis", group] => ApiPath::Group(group.to_string()),
        ["api", version] => ApiPath::GroupVersion {
            group: String::new(),
            version: version.to_string(),
        },
        ["apis", group, version] => ApiPath::GroupVersion {
            group: group.to_string(),
            version: version.to_string(),
        },
        ["openapi", "v2"] | ["swagger.json"] => ApiPath::OpenApiV2,
        ["openapi", "v3"] => ApiPath::OpenApiV3Index,
        ["openapi", "v3", "api", version] => ApiPath::OpenApiV3 {
            group: String::new(),
            version: version.to_string(),
        },
        ["openapi", "v3", "apis", group, version] => ApiPath::OpenApiV3 {
            group: group.to_string(),
            version: version.to_string(),
        },
        ["api", version, rest @ ..] => resource("", version, rest),
        ["apis", group, version, rest @ ..] => resource(group, version, rest),
        _ => ApiPath::Unknown,
    }
}

fn resource(group: &str, version: &str, rest: &[&str]) -> ApiPath {
    let (watch, rest) = match rest {
        ["watch", rest @ ..] => (true, rest),
        _ => (false, rest),
    };
    let make =
        |namespace: Option<&str>, resource: &str, name: Option<&str>, subresource: Option<&str>| {
            ApiPath::Resource(ResourcePath {
                group: group.to_string(),
                version: version.to_string(),
                namespace: namespace.map(str::to_string),
                resource: resource.to_string(),
                name: name.map(str::to_string),
                subresource: subresource.map(str::to_string),
                watch,
            })
        };
    match rest {
        ["namespaces", namespace, resource] => make(Some(namespace), resource, None, None),
        ["namespaces", namespace, resource, name] => {
            make(Some(namespace), resource, Some(name), None)
        }
        ["namespaces", namespace, resource, name, subresource] => {
            make(Some(namespace), resource, Some(name), Some(subresource))
        }
        [resource] => make(None, resource, None, None),
        [resource, name] => make(None, resource, Some(name), None),
        [resource, name, subresource] => make(None, resource, Some(name), Some(subresource)),
        _ => ApiPath::Unknown,
    }
}

impl ResourcePath {
    /// `/api/v1/namespaces/{ns}/pods/{name}/portforward`, which upgrades to a WebSocket.
    pub fn is_pod_portforward(&self) -> bool {
        self.group.is_empty()
            && self.resource == "pods"
            && self.namespace.is_some()
            && self.name.is_some()
            && self.subresource.as_deref() == Some("portforward")
    }

    /// `/api/v1/namespaces/foo/status` parses as resource `status` in namespace `foo`; when
    /// that resource does not exist, it is the `status` subresource of namespace `foo`.
    pub fn as_namespace_subresource(&self) -> Option<Self> {
        let namespace = self.namespace.as_ref()?;
        if self.name.is_some() || !self.group.is_empty() {
            return None;
        }
        Some(Self {
            namespace: None,
            resource: "namespaces".to_string(),
            name: Some(namespace.clone()),
            subresource: Some(self.resource.clone()),
            ..self.clone()
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn resource_path(path: &str) -> ResourcePath {
        match parse(path) {
            ApiPath::Resource(resource) => resource,
            other => panic!("{path} parsed as {other:?}"),
        }
    }

    #[test]
    fn resource_paths() {
        let pods = resource_path("/api/v1/namespaces/default/pods/web/log");
        assert_eq!(
            (
                pods.namespace.as_deref(),
                pods.resource.as_str(),
                pods.name.as_deref(),
                pods.subresource.as_deref()
            ),
            (Some("default"), "pods", Some("web"), Some("log"))
        );
        let watch = resource_path("/apis/apps/v1/watch/namespaces/x/deployments");
        assert!(watch.watch && watch.group == "apps");
        assert_eq!(resource_path("/api/v1/namespaces").resource, "namespaces");
        assert_eq!(
            resource_path("/api/v1/namespaces/foo").name.as_deref(),
            Some("foo")
        );
    }

    #[test]
    fn namespace_subresources_are_recognised_on_request() {
        let status = resource_path("/api/v1/namespaces/foo/status")
            .as_namespace_subresource()
            .expect("applies");
        assert_eq!(
            (status.name.as_deref(), status.subresource.as_deref()),
            (Some("foo"), Some("status"))
        );
    }

    #[test]
    fn discovery_paths() {
        assert_eq!(
            parse("/apis/apps/v1/"),
            ApiPath::GroupVersion {
                group: "apps".into(),
                version: "v1".into()
            }
        );
        assert_eq!(parse("/api"), ApiPath::CoreVersions);
        assert_eq!(parse("/nope/x"), ApiPath::Unknown);
    }
}
