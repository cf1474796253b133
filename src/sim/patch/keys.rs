//! Which lists a strategic merge patch merges, and by which key — the `patchMergeKey` and
//! `patchStrategy` tags of the built-in types, keyed by field path.

/// How a list at some path is patched.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ListStrategy {
    /// Items are maps merged with the patch item that has the same value of this key.
    MergeByKey(&'static str),
    /// A list of scalars; patch values are added (a set union).
    MergePrimitives,
    /// The patch list replaces the whole list.
    Replace,
}

const CONTAINER_LISTS: [&str; 3] = ["containers", "initContainers", "ephemeralContainers"];

/// The strategy for the list at `path` (field names from the root, list positions omitted)
/// in an object of `kind`.
pub fn list_strategy(kind: &str, path: &[String]) -> ListStrategy {
    let Some(field) = path.last().map(String::as_str) else {
        return ListStrategy::Replace;
    };
    let parent = path
        .len()
        .checked_sub(2)
        .and_then(|i| path.get(i))
        .map(String::as_str)
        .unwrap_or("");
    match field {
        "containers" | "initContainers" | "ephemeralContainers" => ListStrategy::MergeByKey("name"),
        "ports" if CONTAINER_LISTS.contains(&parent) => ListStrategy::MergeByKey("containerPort"),
        "ports" if kind == "Service" && path.len() == 2 && parent == "spec" => {
            ListStrategy::MergeByKey("port")
        }
        "env" if CONTAINER_LISTS.contains(&parent) => ListStrategy::MergeByKey("name"),
        "volumeMounts" => ListStrategy::MergeByKey("mountPath"),
        "volumeDevices" => ListStrategy::MergeByKey("devicePath"),
        "volumes" | "imagePullSecrets" | "resourceClaims" | "schedulingGates" => {
            ListStrategy::MergeByKey("name")
        }
        "hostAliases" => ListStrategy::MergeByKey("ip"),
        "topologySpreadConstraints" => ListStrategy::MergeByKey("topologyKey"),
        "ownerReferences" if parent == "metadata" => ListStrategy::MergeByKey("uid"),
        "finalizers" if parent == "metadata" => ListStrategy::MergePrimitives,
        "conditions" if parent == "status" => ListStrategy::MergeByKey("type"),
        "addresses" if kind == "Node" && parent == "status" => ListStrategy::MergeByKey("type"),
        _ => ListStrategy::Replace,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn path(parts: &[&str]) -> Vec<String> {
        parts.iter().map(|p| p.to_string()).collect()
    }

    #[test]
    fn ports_depend_on_where_they_are() {
        let container_ports = path(&["spec", "template", "spec", "containers", "ports"]);
        assert_eq!(
            list_strategy("Deployment", &container_ports),
            ListStrategy::MergeByKey("containerPort")
        );
        assert_eq!(
            list_strategy("Service", &path(&["spec", "ports"])),
            ListStrategy::MergeByKey("port")
        );
        assert_eq!(
            list_strategy("EndpointSlice", &path(&["ports"])),
            ListStrategy::Replace
        );
    }
}
