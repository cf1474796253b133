//! Creating or changing many objects of one resource in one write, for seeding large
//! scenarios and producing bursts of changes. Under one write lock the objects are named and
//! checked (or read) in order, then changed, defaulted, validated and serialized on every
//! core, then committed in order with rising resourceVersions, each with the change a single
//! write records.

use std::collections::HashSet;
use std::sync::Arc;

use serde_json::Value;

use super::change::ChangeKind;
use super::object::StoredObject;
use super::state::{ObjectKey, State, stamp_resource_version};
use super::write::{default_and_validate_new, needs_generated_name, new_object, revise};
use super::{Target, WriteOptions};
use crate::sim::clock::now_rfc3339;
use crate::sim::defaults::Allocations;
use crate::sim::object::str_at;
use crate::sim::parallel;
use crate::sim::resource::{self, GroupResource, ResourceType};
use crate::sim::status::ApiError;

/// One result per object, in the order given.
pub type Created = Vec<Result<Arc<StoredObject>, ApiError>>;

/// One result per object changed by [`State::modify_many`], in the order given.
pub type Modified = Vec<Result<Arc<StoredObject>, ApiError>>;

/// A changed object before it is serialized: the current version when nothing changed, or
/// the new value stamped with its resourceVersion.
enum Revision {
    Same(Arc<StoredObject>),
    New(Value),
}

impl State {
    /// Creates `objects` (namespace, body) of `gr`; each gets the result `create` would give.
    pub fn create_many(
        &mut self,
        gr: &GroupResource,
        objects: Vec<(String, Value)>,
        options: &WriteOptions,
    ) -> Result<Created, ApiError> {
        let rt = self.resource_type(gr)?;
        if options.dry_run || *gr == resource::SERVICES || *gr == resource::CRDS {
            // Address allocation and CRD registration go one object at a time.
            return Ok(objects
                .into_iter()
                .map(|(namespace, body)| self.create(gr, &namespace, body, options))
                .collect());
        }
        let created_at = now_rfc3339();
        let mut taken = HashSet::new();
        let mut next_rv = self.rv;
        let staged: Vec<(Result<Value, ApiError>, u64)> = objects
            .into_iter()
            .map(|(namespace, body)| {
                let staged = self.stage(&rt, &namespace, body, &created_at, &mut taken);
                if staged.is_ok() {
                    next_rv += 1;
                }
                (staged, next_rv)
            })
            .collect();
        let prepared = parallel::map(staged, |(staged, rv)| {
            staged.and_then(|object| prepare(&rt, object, rv, options))
        });
        // A version that failed validation leaves its resourceVersion unused.
        self.rv = next_rv;
        for stored in prepared.iter().flatten() {
            self.put(&rt, stored.clone(), ChangeKind::Added);
        }
        Ok(prepared)
    }

    /// Applies `change` to the object of `gr` at each key (namespace, name); each gets the
    /// result [`State::write_existing`] would give it on its main part, in the same order.
    pub fn modify_many(
        &mut self,
        gr: &GroupResource,
        keys: Vec<ObjectKey>,
        change: &(impl Fn(&mut Value) + Sync),
    ) -> Result<Modified, ApiError> {
        let rt = self.resource_type(gr)?;
        let distinct: HashSet<&ObjectKey> = keys.iter().collect();
        if distinct.len() < keys.len() || *gr == resource::SERVICES || *gr == resource::CRDS {
            // A key changed twice sees its first change; addresses and CRDs go one at a time.
            let options = WriteOptions::default();
            return Ok(keys
                .into_iter()
                .map(|(namespace, name)| {
                    self.write_existing(gr, &namespace, &name, Target::Main, &options, |mut o| {
                        change(&mut o);
                        Ok(o)
                    })
                })
                .collect());
        }
        let current: Vec<Result<Arc<StoredObject>, ApiError>> = keys
            .iter()
            .map(|(namespace, name)| {
                let namespace = if rt.namespaced {
                    namespace.as_str()
                } else {
                    ""
                };
                self.get(gr, namespace, name)
                    .ok_or_else(|| ApiError::not_found(&rt.group, &rt.plural, name))
            })
            .collect();
        let revised = parallel::map(current, |current| {
            let current = current?;
            // Only Services allocate, and they never come here.
            let mut unused = Allocations::default();
            let revised = revise(
                &rt,
                current.namespace(),
                current.name(),
                &current,
                Target::Main,
                &mut unused,
                |mut object| {
                    change(&mut object);
                    Ok(object)
                },
            )?;
            Ok(match revised {
                Some(object) => Revision::New(object),
                None => Revision::Same(current),
            })
        });
        let mut rv = self.rv;
        let stamped: Vec<Result<Revision, ApiError>> = revised
            .into_iter()
            .map(|revised| {
                revised.map(|revision| match revision {
                    Revision::New(mut object) => {
                        rv += 1;
                        stamp_resource_version(&mut object, rv);
                        Revision::New(object)
                    }
                    same @ Revision::Same(_) => same,
                })
            })
            .collect();
        self.rv = rv;
        let stored = parallel::map(stamped, |stamped| {
            stamped.map(|revision| match revision {
                Revision::New(object) => (Arc::new(StoredObject::new(&rt, &object)), true),
                Revision::Same(current) => (current, false),
            })
        });
        for (object, _) in stored.iter().flatten().filter(|(_, changed)| *changed) {
            self.put(&rt, object.clone(), ChangeKind::Modified);
        }
        // Removals (a last finalizer gone) come after every change of the batch, so
        // resourceVersions keep rising in the order changes are recorded.
        Ok(stored
            .into_iter()
            .map(|stored| {
                stored.map(|(object, changed)| {
                    if changed {
                        self.after_update(&rt, gr, object)
                    } else {
                        object
                    }
                })
            })
            .collect())
    }

    /// The checks of a create that need the state: the name (generated if asked for, unique in
    /// the store and in the batch) and the namespace.
    fn stage(
        &self,
        rt: &ResourceType,
        namespace: &str,
        body: Value,
        created_at: &str,
        taken: &mut HashSet<ObjectKey>,
    ) -> Result<Value, ApiError> {
        let (namespace, mut object) = new_object(rt, namespace, body, created_at)?;
        if needs_generated_name(&object) {
            for _ in 0..8 {
                self.generate_name(rt, &namespace, &mut object);
                let name = str_at(&object, "/metadata/name");
                if !taken.contains(&(namespace.clone(), name.to_string())) {
                    break;
                }
            }
        }
        self.check_namespace_accepts(rt, &namespace, &object)?;
        let name = str_at(&object, "/metadata/name").to_string();
        // A missing name is left to validation, as in a single create.
        if !name.is_empty() {
            let exists = self.get(&rt.group_resource(), &namespace, &name).is_some();
            if exists || !taken.insert((namespace, name.clone())) {
                return Err(ApiError::already_exists(&rt.group, &rt.plural, &name));
            }
        }
        Ok(object)
    }
}

/// Defaults, validates and serializes one staged object at resourceVersion `rv`.
fn prepare(
    rt: &ResourceType,
    mut object: Value,
    rv: u64,
    options: &WriteOptions,
) -> Result<Arc<StoredObject>, ApiError> {
    // Only Services allocate, and they never come here.
    let mut unused = Allocations::default();
    default_and_validate_new(rt, &mut object, options, &mut unused)?;
    stamp_resource_version(&mut object, rv);
    Ok(Arc::new(StoredObject::new(rt, &object)))
}
