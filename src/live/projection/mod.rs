//! Row projections: typed, compact views of Kubernetes objects decoded straight from the
//! watch stream (unknown fields skipped), each turned into a table [`Row`].
//!
//! Every projection is a `kube::Resource` with `ApiResource` as its dynamic type, so it is
//! watched with `Api::<PodRow>::all_with(client, &PodRow::api_resource())` and
//! `kube::runtime::watcher` like any other resource.

mod deployment;
mod event;
mod generic;
pub mod meta;
mod node;
mod pod;
mod pod_status;
pub mod printer;
mod service;

use std::fmt::Debug;

use kube::core::{ApiResource, DynamicResourceScope, Resource};
use serde::de::DeserializeOwned;

use crate::live::row::{Column, Row};

pub use deployment::DeploymentRow;
pub use event::EventRow;
pub use generic::GenericRow;
pub use node::NodeRow;
pub use pod::PodRow;
pub use pod_status::PodStatusLine;
pub use printer::{CustomRow, Printer, PrinterColumn};
pub use service::ServiceRow;

/// What a watcher can decode: a resource typed at run time by its `ApiResource`.
pub trait Decoded:
    Resource<DynamicType = ApiResource, Scope = DynamicResourceScope>
    + DeserializeOwned
    + Clone
    + Debug
    + Send
    + 'static
{
}

impl<T> Decoded for T where
    T: Resource<DynamicType = ApiResource, Scope = DynamicResourceScope>
        + DeserializeOwned
        + Clone
        + Debug
        + Send
        + 'static
{
}

/// A compact object the watcher decodes, and the row it becomes.
pub trait Projection: Decoded {
    /// The kind's columns after NAME (the row's cells, in order).
    fn columns() -> &'static [Column];

    /// The row shown for this object.
    fn into_row(self) -> Row;
}

/// A projection of a built-in kind, which knows its own API resource.
pub trait KnownKind: Projection {
    fn api_resource() -> ApiResource;
}

/// Implements `kube::Resource` for a projection struct with a `metadata: ObjectMeta` field.
macro_rules! projection_resource {
    ($ty:ty) => {
        impl kube::core::Resource for $ty {
            type DynamicType = kube::core::ApiResource;
            type Scope = kube::core::DynamicResourceScope;

            fn kind(dt: &kube::core::ApiResource) -> std::borrow::Cow<'_, str> {
                dt.kind.as_str().into()
            }
            fn group(dt: &kube::core::ApiResource) -> std::borrow::Cow<'_, str> {
                dt.group.as_str().into()
            }
            fn version(dt: &kube::core::ApiResource) -> std::borrow::Cow<'_, str> {
                dt.version.as_str().into()
            }
            fn api_version(dt: &kube::core::ApiResource) -> std::borrow::Cow<'_, str> {
                dt.api_version.as_str().into()
            }
            fn plural(dt: &kube::core::ApiResource) -> std::borrow::Cow<'_, str> {
                dt.plural.as_str().into()
            }
            fn meta(&self) -> &k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta {
                &self.metadata
            }
            fn meta_mut(
                &mut self,
            ) -> &mut k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta {
                &mut self.metadata
            }
        }
    };
}
pub(crate) use projection_resource;

/// The API resource of a k8s-openapi type.
pub(crate) fn erase<K: Resource<DynamicType = ()>>() -> ApiResource {
    ApiResource::erase::<K>(&())
}
