//! Injected faults for tests: resources whose list and watch are answered `403 Forbidden`
//! with the `Status` a real API server sends (`SimOptions::forbidden`).

use axum::http::{Method, Uri};

use crate::sim::status::{ApiError, Subject};

use super::path::ResourcePath;

/// The 403 for a list or watch of a forbidden resource (`plural` or `plural.group`), or `None`.
pub fn forbidden(
    forbidden: &[String],
    method: &Method,
    uri: &Uri,
    resource: &ResourcePath,
) -> Option<ApiError> {
    if method != Method::GET || resource.name.is_some() {
        return None;
    }
    let qualified = if resource.group.is_empty() {
        resource.resource.clone()
    } else {
        format!("{}.{}", resource.resource, resource.group)
    };
    if !forbidden
        .iter()
        .any(|f| *f == resource.resource || *f == qualified)
    {
        return None;
    }
    let watching = resource.watch
        || uri.query().is_some_and(|query| {
            query
                .split('&')
                .any(|pair| pair == "watch=true" || pair == "watch=1")
        });
    let verb = if watching { "watch" } else { "list" };
    let scope = match &resource.namespace {
        Some(namespace) => format!("in the namespace \"{namespace}\""),
        None => "at the cluster scope".to_string(),
    };
    Some(ApiError::Forbidden {
        subject: Subject::new(&resource.group, &resource.resource, ""),
        message: format!(
            "User \"kubevibe-sim\" cannot {verb} resource \"{}\" in API group \"{}\" {scope}",
            resource.resource, resource.group
        ),
        causes: Vec::new(),
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn pods(namespace: Option<&str>, name: Option<&str>) -> ResourcePath {
        ResourcePath {
            group: String::new(),
            version: "v1".into(),
            namespace: namespace.map(str::to_string),
            resource: "pods".into(),
            name: name.map(str::to_string),
            subresource: None,
            watch: false,
        }
    }

    #[test]
    fn lists_and_watches_of_forbidden_resources_get_403() {
        let forbidden_list = vec!["pods".to_string()];
        let list: Uri = "/api/v1/namespaces/shop/pods?limit=500".parse().unwrap();
        let error = forbidden(
            &forbidden_list,
            &Method::GET,
            &list,
            &pods(Some("shop"), None),
        )
        .expect("forbidden");
        assert_eq!(error.status()["code"], 403);
        assert_eq!(error.status()["reason"], "Forbidden");
        assert!(error.to_string().contains("cannot list resource \"pods\""));
        let watch: Uri = "/api/v1/pods?watch=true".parse().unwrap();
        let error = forbidden(&forbidden_list, &Method::GET, &watch, &pods(None, None)).unwrap();
        assert!(error.to_string().contains("cannot watch"));
        // A get by name, another method, or another resource passes.
        assert!(forbidden(&forbidden_list, &Method::GET, &list, &pods(None, Some("p"))).is_none());
        assert!(forbidden(&forbidden_list, &Method::POST, &list, &pods(None, None)).is_none());
        assert!(forbidden(&[], &Method::GET, &list, &pods(None, None)).is_none());
    }
}
