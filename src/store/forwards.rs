//! Saved port-forwards: named forward specs, one JSON file per kubeconfig context under
//! `<data_dir>/forwards/`, written 0600 and replaced atomically.

use std::collections::BTreeMap;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use crate::live::forward::ForwardSpec;
use crate::paths;
use crate::store::memory::file_stem;

/// The saved forwards of one context.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SavedForwards {
    path: PathBuf,
}

impl SavedForwards {
    /// The file for `context` under `data_dir`; nothing is created until something is saved.
    pub fn new(data_dir: &Path, context: &str) -> Self {
        Self {
            path: data_dir
                .join("forwards")
                .join(format!("{}.json", file_stem(context))),
        }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Every saved forward by name; a missing file is none. A file that does not parse is an
    /// error naming the file (fix or delete it).
    pub fn load(&self) -> io::Result<BTreeMap<String, ForwardSpec>> {
        let text = match fs::read_to_string(&self.path) {
            Ok(text) => text,
            Err(error) if error.kind() == io::ErrorKind::NotFound => return Ok(BTreeMap::new()),
            Err(error) => return Err(error),
        };
        serde_json::from_str(&text).map_err(|error| {
            io::Error::new(
                io::ErrorKind::InvalidData,
                format!(
                    "{} is not a saved-forwards file ({error}); fix or delete it",
                    self.path.display()
                ),
            )
        })
    }

    /// Saves `spec` as `name` (replacing one of that name) and returns every saved forward.
    pub fn save(
        &self,
        name: &str,
        spec: &ForwardSpec,
    ) -> io::Result<BTreeMap<String, ForwardSpec>> {
        let mut saved = self.load()?;
        saved.insert(name.to_string(), spec.clone());
        self.write(&saved)?;
        Ok(saved)
    }

    /// Forgets `name`; whether it was saved.
    pub fn remove(&self, name: &str) -> io::Result<bool> {
        let mut saved = self.load()?;
        let removed = saved.remove(name).is_some();
        if removed {
            self.write(&saved)?;
        }
        Ok(removed)
    }

    fn write(&self, saved: &BTreeMap<String, ForwardSpec>) -> io::Result<()> {
        let text = serde_json::to_string_pretty(saved).map_err(io::Error::other)?;
        paths::replace_private_file(&self.path, text.as_bytes())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::live::forward::ForwardTarget;

    fn spec(name: &str, local: Option<u16>) -> ForwardSpec {
        ForwardSpec {
            target: ForwardTarget::Service {
                namespace: "shop".into(),
                name: name.into(),
            },
            remote_port: 80,
            local_port: local,
        }
    }

    #[test]
    fn saved_forwards_round_trip_in_a_private_file_per_context() {
        let dir = tempfile::tempdir().expect("a temp dir");
        let store = SavedForwards::new(dir.path(), "prod/eu");
        assert!(store.load().expect("a missing file loads").is_empty());
        store.save("web", &spec("web", Some(8080))).expect("saves");
        let saved = store.save("api", &spec("api", None)).expect("saves");
        assert_eq!(saved.len(), 2);
        let loaded = store.load().expect("loads");
        assert_eq!(loaded.get("web"), Some(&spec("web", Some(8080))));
        assert_eq!(loaded.get("api"), Some(&spec("api", None)));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = fs::metadata(store.path())
                .expect("exists")
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        let other = SavedForwards::new(dir.path(), "staging");
        assert!(
            other.load().expect("loads").is_empty(),
            "contexts are apart"
        );
        assert!(store.remove("web").expect("removes"));
        assert!(!store.remove("web").expect("removes"));
        assert_eq!(store.load().expect("loads").len(), 1);
    }

    #[test]
    fn a_broken_file_is_an_error_naming_it() {
        let dir = tempfile::tempdir().expect("a temp dir");
        let store = SavedForwards::new(dir.path(), "ctx");
        paths::replace_private_file(store.path(), b"{not json").expect("writes");
        let error = store.load().expect_err("does not parse");
        assert!(error.to_string().contains("fix or delete it"), "{error}");
    }
}
