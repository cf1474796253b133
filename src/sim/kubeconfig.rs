//! The kubeconfig that points kubectl and kube-rs at a running simulator.

use std::io::Write;
use std::path::Path;

/// A YAML double-quoted scalar (JSON string syntax is valid YAML).
fn quoted(text: &str) -> String {
    serde_json::Value::from(text).to_string()
}

pub fn render(server: &str, ca_pem: &str, token: &str, context: &str) -> String {
    use base64::Engine as _;
    let name = quoted(context);
    let ca = base64::engine::general_purpose::STANDARD.encode(ca_pem);
    format!(
        "apiVersion: v1\nkind: Config\nclusters:\n- name: {name}\n  cluster:\n    server: {server}\n    certificate-authority-data: {ca}\n\
         contexts:\n- name: {name}\n  context:\n    cluster: {name}\n    user: {name}\n    namespace: default\n\
         current-context: {name}\nusers:\n- name: {name}\n  user:\n    token: {token}\npreferences: {{}}\n",
        server = quoted(server),
        token = quoted(token),
    )
}

/// Writes `text` to `path`, readable by the owner only (it holds the bearer token).
pub fn write_private(path: &Path, text: &str) -> std::io::Result<()> {
    use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(path)?;
    file.set_permissions(std::fs::Permissions::from_mode(0o600))?;
    file.write_all(text.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_kubeconfig_names_server_token_and_context() {
        let text = render("https://127.0.0.1:8080", "PEM", "secret", "kubevibe-sim");
        assert!(text.contains("server: \"https://127.0.0.1:8080\""));
        assert!(text.contains("certificate-authority-data: UEVN\n"));
        assert!(text.contains("token: \"secret\""));
        assert!(text.contains("current-context: \"kubevibe-sim\""));
    }

    #[test]
    fn kubeconfigs_are_private() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("config");
        write_private(&path, "x").expect("written");
        let mode = std::fs::metadata(&path)
            .expect("metadata")
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }
}
