//! Changes: what the change feed and watch windows carry for every write, and the watch event
//! each one becomes, encoded once for every watcher that sees it unchanged.

use std::sync::{Arc, OnceLock};

use bytes::{BufMut, Bytes, BytesMut};

use super::object::StoredObject;
use crate::sim::resource::{GroupResource, ResourceType, convert};

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
    /// The watch event line of the first API group and version it was encoded for.
    event: OnceLock<(Served, Bytes)>,
}

impl Change {
    pub fn new(
        kind: ChangeKind,
        resource: GroupResource,
        object: Arc<StoredObject>,
        previous: Option<Arc<StoredObject>>,
    ) -> Self {
        Self {
            kind,
            resource,
            object,
            previous,
            event: OnceLock::new(),
        }
    }

    pub fn resource_version(&self) -> u64 {
        self.object.resource_version()
    }

    /// This change as one watch event line (`{"type":…,"object":…}` and a newline) with the
    /// object served at `version` of `rt`. Encoded once and shared by every watcher that asks
    /// for the same version; other versions are encoded per call.
    pub fn event_line(&self, rt: &ResourceType, version: &str) -> Bytes {
        if let Some((served, line)) = self.event.get()
            && served.is(rt, version)
        {
            return line.clone();
        }
        let line = encode_event(
            self.kind.as_str(),
            &convert::to_wire(rt, version, &self.object),
        );
        let (served, shared) = self.event.get_or_init(|| {
            let served = Served {
                group: rt.group.clone(),
                plural: rt.plural.clone(),
                version: version.to_string(),
            };
            (served, line.clone())
        });
        if served.is(rt, version) {
            shared.clone()
        } else {
            line
        }
    }
}

/// Where an encoded event line is served: the resource (a stored resource may be served by
/// more than one group) and its version.
#[derive(Debug)]
struct Served {
    group: String,
    plural: String,
    version: String,
}

impl Served {
    fn is(&self, rt: &ResourceType, version: &str) -> bool {
        self.version == version && self.group == rt.group && self.plural == rt.plural
    }
}

/// `{"type":KIND,"object":OBJECT}` and a newline: one watch event line.
fn encode_event(kind: &str, object: &[u8]) -> Bytes {
    let mut out = BytesMut::with_capacity(object.len() + kind.len() + 24);
    put_event(kind, object, &mut out);
    out.freeze()
}

/// Appends one watch event line to `out`.
fn put_event(kind: &str, object: &[u8], out: &mut BytesMut) {
    out.put_slice(b"{\"type\":\"");
    out.put_slice(kind.as_bytes());
    out.put_slice(b"\",\"object\":");
    out.put_slice(object);
    out.put_slice(b"}\n");
}
