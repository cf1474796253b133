//! The HTTP front of the simulator: authentication, routing, and the Kubernetes API endpoints.

mod body;
mod call;
mod discovery;
mod fault;
mod logs;
mod negotiate;
mod openapi;
mod path;
mod portforward;
mod query;
mod read;
mod respond;
mod subresource;
mod watch;
mod write;

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, Method, StatusCode, header};
use axum::response::Response;
use tokio_util::sync::CancellationToken;

use crate::sim::network::PodNetwork;
use crate::sim::status::ApiError;
use crate::sim::store::Store;
use path::ApiPath;

pub use body::MAX_BODY_BYTES;

/// Everything a request handler needs.
#[derive(Clone)]
pub struct App {
    pub store: Store,
    token: Arc<str>,
    /// `host:port` clients reach the server at, for `/api`'s `serverAddressByClientCIDRs`.
    address: Arc<str>,
    /// How often an idle watch that asked for bookmarks gets one.
    pub bookmark_interval: Duration,
    /// Cancelled when the server shuts down, ending long-running watches and log streams.
    pub shutdown: CancellationToken,
    /// The container ports that port-forwards reach.
    pub network: PodNetwork,
    /// Resources (`plural` or `plural.group`) whose list and watch answer 403 (tests).
    pub forbidden: Arc<[String]>,
}

impl App {
    pub fn new(
        store: Store,
        token: impl Into<Arc<str>>,
        address: impl Into<Arc<str>>,
        shutdown: CancellationToken,
    ) -> Self {
        Self {
            store,
            token: token.into(),
            address: address.into(),
            bookmark_interval: Duration::from_secs(60),
            shutdown,
            network: PodNetwork::default(),
            forbidden: Arc::from([]),
        }
    }

    fn authorized(&self, headers: &HeaderMap) -> bool {
        let Some(value) = headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
        else {
            return false;
        };
        let Some(given) = value.strip_prefix("Bearer ").map(str::trim) else {
            return false;
        };
        constant_time_eq(given.as_bytes(), self.token.as_bytes())
    }
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// The router serving the whole API. Every path goes through one dispatcher, because
/// Kubernetes paths are mostly dynamic (groups, versions, resources, CRDs).
pub fn router(app: App) -> Router {
    Router::new().fallback(dispatch).with_state(app)
}

async fn dispatch(State(app): State<App>, request: Request) -> Response {
    let path = path::parse(request.uri().path());
    let public = matches!(path, ApiPath::Version | ApiPath::Health);
    if !public && !app.authorized(request.headers()) {
        return respond::error(&ApiError::Unauthorized);
    }
    let result = match path {
        ApiPath::Health => Ok(respond::text(StatusCode::OK, "ok")),
        ApiPath::Resource(resource) if resource.is_pod_portforward() => {
            portforward::serve(app, request, resource).await
        }
        ApiPath::Resource(resource) => {
            match fault::forbidden(&app.forbidden, request.method(), request.uri(), &resource) {
                Some(error) => Err(error),
                None => call::handle(app, request, resource).await,
            }
        }
        other => discovery_or_openapi(&app, request.method(), &other),
    };
    result.unwrap_or_else(|error| respond::error(&error))
}

fn discovery_or_openapi(app: &App, method: &Method, path: &ApiPath) -> Result<Response, ApiError> {
    if method != Method::GET {
        return Err(ApiError::MethodNotAllowed);
    }
    let catalog = app.store.catalog();
    let body = match path {
        ApiPath::Version => discovery::version(),
        ApiPath::CoreVersions => discovery::core_versions(&app.address),
        ApiPath::Groups => discovery::groups(&catalog),
        ApiPath::Group(group) => discovery::group(&catalog, group)?,
        ApiPath::GroupVersion { group, version } => {
            discovery::resource_list(&catalog, group, version)?
        }
        ApiPath::OpenApiV2 => return Err(ApiError::NoSuchResource),
        ApiPath::OpenApiV3Index => openapi::index(&catalog),
        ApiPath::OpenApiV3 { group, version } => openapi::group_version(&catalog, group, version)?,
        ApiPath::Health | ApiPath::Resource(_) | ApiPath::Unknown => {
            return Err(ApiError::NoSuchResource);
        }
    };
    Ok(respond::ok(&body))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn token_comparison() {
        assert!(constant_time_eq(b"abc", b"abc"));
        assert!(!constant_time_eq(b"abc", b"abd"));
        assert!(!constant_time_eq(b"abc", b"ab"));
    }
}
