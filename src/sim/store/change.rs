//! Changes: what the change feed and watch windows carry for every write.

use std::sync::Arc;

use super::object::StoredObject;
use crate::sim::resource::GroupResource;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ChangeKind {
    Added,
    Modified,
    Deleted,
}

impl ChangeKind {
    /// The watch event `type`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Added => "ADDED",
            Self::Modified => "MODIFIED",
            Self::Deleted => "DELETED",
        }
    }
}

/// One committed write. For `Deleted`, `object` is the last state at the deletion's resourceVersion.
#[derive(Debug)]
pub struct Change {
    pub kind: ChangeKind,
    pub resource: GroupResource,
    pub object: Arc<StoredObject>,
    /// The version this change replaced (none for `Added`).
    pub previous: Option<Arc<StoredObject>>,
}

impl Change {
    pub fn resource_version(&self) -> u64 {
        self.object.resource_version()
    }
}
