//! Which names mark a credential (`DB_PASSWORD`, `client-key-data`, `--token`) and which
//! values are not secrets even under such a name (`<none>`, `8 bytes`, `true`).

use super::MARKER;

/// Parts of a normalised name (upper case, letters and digits only) that mark a credential.
const CREDENTIAL_PARTS: &[&str] = &[
    "PASSWORD",
    "PASSWD",
    "PASSPHRASE",
    "SECRET",
    "TOKEN",
    "APIKEY",
    "ACCESSKEY",
    "PRIVATEKEY",
    "CLIENTKEY",
    "SIGNINGKEY",
    "ENCRYPTIONKEY",
    "MASTERKEY",
    "ACCOUNTKEY",
    "SSHKEY",
    "CREDENTIAL",
];

/// Endings of names that hold a reference, a setting or a list of names rather than a
/// secret: `secretName`, `TOKEN_FILE`, `tokenExpirationSeconds`, `Mountable secrets`.
const REFERENCE_ENDINGS: &[&str] = &[
    "NAME", "NAMES", "REF", "REFS", "PATH", "FILE", "DIR", "TYPE", "KIND", "SECONDS", "TTL",
    "SECRETS", "TOKENS", "ID", "IDS", "URL", "URI", "ENDPOINT", "ENABLED", "MODE", "POLICY",
    "HEADER",
];

/// Whether a key, variable or flag name (`DB_PASSWORD`, `client-key-data`, `--token`, `auth`)
/// holds a credential.
pub(crate) fn is_credential_name(name: &str) -> bool {
    let normal: String = name
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_uppercase())
        .collect();
    if normal == "AUTH" || normal.ends_with("PASS") {
        return true;
    }
    if REFERENCE_ENDINGS
        .iter()
        .any(|ending| normal.ends_with(ending))
    {
        return false;
    }
    CREDENTIAL_PARTS.iter().any(|part| normal.contains(part))
}

/// Values that say nothing secret even under a credential name: empty, booleans, references
/// and placeholders (`<none>`, `<set to the key 'password' in secret 'db'>`, `$(DB_PASSWORD)`),
/// sizes from `kubectl describe secret` (`8 bytes`), kubectl's own redactions, block-scalar
/// indicators and empty collections.
pub(crate) fn is_benign_value(value: &str) -> bool {
    let value = value.trim().trim_matches(|c| c == '"' || c == '\'');
    if value.is_empty() || value == MARKER {
        return true;
    }
    if matches!(
        value.to_ascii_lowercase().as_str(),
        "true" | "false" | "null" | "~" | "redacted" | "data+omitted" | "{}" | "[]"
    ) {
        return true;
    }
    if value.starts_with('<') || value.starts_with("$(") || value.starts_with("${") {
        return true;
    }
    if is_block_indicator(value) {
        return true;
    }
    value
        .strip_suffix(" bytes")
        .is_some_and(|size| !size.is_empty() && size.chars().all(|c| c.is_ascii_digit()))
}

/// `|`, `|-`, `>+`, `|2`: the value continues on the following, more indented lines.
pub(crate) fn is_block_indicator(value: &str) -> bool {
    let mut chars = value.chars();
    matches!(chars.next(), Some('|' | '>'))
        && chars.all(|c| matches!(c, '-' | '+') || c.is_ascii_digit())
}

/// Secret `type`s, for a Secret printed without its `kind` (items of a raw `SecretList`).
pub(crate) fn is_secret_type(value: &str) -> bool {
    value == "Opaque"
        || value.starts_with("kubernetes.io/")
        || value.starts_with("bootstrap.kubernetes.io/")
        || value.starts_with("helm.sh/release")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credential_names() {
        for name in [
            "DB_PASSWORD",
            "password",
            "client-key-data",
            "token",
            "--token",
            "auth",
            "aws_secret_access_key",
            "AWS_ACCESS_KEY",
            "private_key",
            "AccountKey",
            "SMTP_PASS",
            "clientSecret",
            "apiKey",
        ] {
            assert!(is_credential_name(name), "{name}");
        }
        for name in [
            "secretName",
            "TOKEN_FILE",
            "tokenExpirationSeconds",
            "Mountable secrets",
            "authority",
            "certificate-authority-data",
            "key",
            "name",
            "AWS_ACCESS_KEY_ID",
            "username",
        ] {
            assert!(!is_credential_name(name), "{name}");
        }
    }

    #[test]
    fn benign_values() {
        for value in [
            "",
            "true",
            "<none>",
            "8 bytes",
            "$(DB_PASSWORD)",
            "|-",
            "DATA+OMITTED",
        ] {
            assert!(is_benign_value(value), "{value}");
        }
        for value in ["hunter2", "8", "bytes", "12 bytes of it"] {
            assert!(!is_benign_value(value), "{value}");
        }
    }
}
