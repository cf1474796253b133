#![allow(clippy::unwrap_used)]
//! Redaction of real-looking kubectl output with secrets planted in it: every planted value is
//! gone, the rest is untouched, and benign output comes back byte for byte.

use std::path::PathBuf;

use kubevibe::agent::redact::{MARKER, redact_text};

fn fixture(name: &str) -> String {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/redact")
        .join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|error| panic!("{}: {error}", path.display()))
}

fn assert_gone(name: &str, text: &str, planted: &[&str]) {
    for secret in planted {
        assert!(
            !text.contains(secret),
            "{name}: {secret:?} survived in\n{text}"
        );
    }
}

/// The fixtures whose exact redacted form is checked in next to them.
#[test]
fn redacted_output_matches_the_expected_files_exactly() {
    for (input, expected, count) in [
        ("secret.yaml", "secret.redacted.yaml", 5),
        ("secret-list.json", "secret-list.redacted.json", 4),
        ("deployment.yaml", "deployment.redacted.yaml", 5),
        ("describe-pod.txt", "describe-pod.redacted.txt", 2),
        ("logs.txt", "logs.redacted.txt", 10),
    ] {
        let redacted = redact_text(&fixture(input));
        assert_eq!(redacted.text, fixture(expected), "{input}");
        assert_eq!(redacted.count, count, "{input}");
    }
}

#[test]
fn planted_secrets_never_survive() {
    let cases: &[(&str, &[&str])] = &[
        (
            "secret.yaml",
            &[
                "aHVudGVyMi1wbGFudGVk",
                "YXBw",
                "sk-live-PLANTED",
                "rotate-me-PLANTED",
            ],
        ),
        (
            "secret-list.json",
            &[
                "eyJhdXRocyI6",
                "LS0tLS1CRUdJTiBQUklWQVRF",
                "LS0tLS1CRUdJTiBDRVJU",
            ],
        ),
        (
            "deployment.yaml",
            &[
                "hunter2-PLANTED",
                "tok-PLANTED",
                "pw-PLANTED",
                "sk_live_PLANTED",
            ],
        ),
        (
            "describe-pod.txt",
            &["tok-PLANTED-describe", "hunter2-PLANTED-env"],
        ),
        (
            "logs.txt",
            &[
                "pg-PLANTED-pass",
                "sk-PLANTED-bearer",
                "eyJhbGciOiJSUzI1NiIs",
                "AKIAPLANTED00000KEY1",
                "wJalrXUtnFEMI",
                "PLANTEDazureKey",
                "PLANTEDsasSig",
                "json-PLANTED-pw",
                "hunter2-PLANTED-flag",
                "PLANTEDPEMbody",
            ],
        ),
        (
            "kubeconfig.yaml",
            &[
                "LS0tLS1CRUdJTiBFQyBQUklWQVRF",
                "kubeconfig-PLANTED-token",
                "PLANTEDexecClientSecret",
            ],
        ),
        (
            "dockerconfig.json",
            &[
                "docker-PLANTED-password",
                "cm9ib3Qkc2hvcDpkb2NrZXItUExBTlRFRC1wYXNzd29yZA==",
            ],
        ),
        (
            "gcp-sa.json",
            &["PLANTED-gcp-body", "MIIEvQIBADANBgkqhkiG9w0BAQEFAASC"],
        ),
    ];
    for (name, planted) in cases {
        let input = fixture(name);
        for secret in *planted {
            assert!(input.contains(secret), "{name}: {secret:?} is not planted");
        }
        let redacted = redact_text(&input);
        assert_gone(name, &redacted.text, planted);
        assert!(redacted.count >= planted.len().min(1), "{name}");
    }
}

#[test]
fn key_names_and_non_secret_values_stay() {
    let kubeconfig = redact_text(&fixture("kubeconfig.yaml")).text;
    for kept in [
        "client-key-data: <redacted>",
        "token: <redacted>",
        "server: https://10.0.0.1:6443",
        "certificate-authority-data: LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0t",
        "client-certificate-data: LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0t",
        "- --cluster-name\n      - prod",
    ] {
        assert!(
            kubeconfig.contains(kept),
            "{kept:?} missing in\n{kubeconfig}"
        );
    }
    let docker = redact_text(&fixture("dockerconfig.json")).text;
    assert!(docker.contains("\"username\": \"robot$shop\""), "{docker}");
    assert!(docker.contains("\"auth\": \"<redacted>\""), "{docker}");
    let gcp = redact_text(&fixture("gcp-sa.json")).text;
    assert!(gcp.contains("\"private_key\": \"<redacted>\""), "{gcp}");
    assert!(gcp.contains("\"client_email\": \"deployer@shop-prod.iam.gserviceaccount.com\""));
    assert!(gcp.contains("\"token_uri\": \"https://oauth2.googleapis.com/token\""));
}

#[test]
fn benign_output_comes_back_byte_for_byte() {
    for name in ["pods.txt", "events.txt", "describe-secret.txt"] {
        let input = fixture(name);
        let redacted = redact_text(&input);
        assert_eq!(redacted.text, input, "{name}");
        assert_eq!(redacted.count, 0, "{name}");
    }
}

#[test]
fn redaction_is_idempotent() {
    for name in [
        "secret.yaml",
        "secret-list.json",
        "deployment.yaml",
        "logs.txt",
        "kubeconfig.yaml",
    ] {
        let once = redact_text(&fixture(name));
        let twice = redact_text(&once.text);
        assert_eq!(twice.text, once.text, "{name}");
        assert_eq!(twice.count, 0, "{name}");
        assert!(once.text.contains(MARKER));
    }
}
