//! Secrets recognised by their shape in any text: private-key blocks, authorization headers,
//! bearer tokens, JWTs, cloud keys, passwords in URLs, and values under credential names
//! (`DB_PASSWORD=…`, `token: …`, `"password": "…"`, `--token …`).
//!
//! Every expression runs on the `regex` crate's finite automata: time is linear in the input
//! and no input can make it backtrack. A first pass with all of them as one set skips text
//! with nothing to redact without copying it.

use std::borrow::Cow;
use std::sync::LazyLock;

use regex::{Captures, Regex, RegexSet};

use super::MARKER;
use super::keys::{is_benign_value, is_credential_name};

/// Words one of which every credential name contains, for the name-based expressions.
const NAME_WORDS: &str = "(?i:pass|secret|token|key|credential|auth)";
const NAME_CHARS: &str = "[A-Za-z0-9_.\\-]";

struct Patterns {
    any: RegexSet,
    private_key: Regex,
    authorization: Regex,
    bearer: Regex,
    jwt: Regex,
    aws_key_id: Regex,
    azure_key: Regex,
    sas_signature: Regex,
    url_password: Regex,
    quoted_pair: Regex,
    yaml_pair: Regex,
    assignment: Regex,
    flag_value: Regex,
}

static PATTERNS: LazyLock<Patterns> = LazyLock::new(Patterns::new);

impl Patterns {
    fn new() -> Self {
        let sources = [
            r"-----BEGIN ([A-Z0-9 ]*PRIVATE KEY[A-Z ]*)-----(?s:(.*?))(-----END [A-Z0-9 ]*PRIVATE KEY[A-Z ]*-----|\z)".to_owned(),
            r#"(?i)\b((?:proxy-)?authorization["']?\s*[:=]\s*["']?)((?:bearer|basic|token|negotiate|digest)\s+)?([^\s"',;]+)"#.to_owned(),
            r"(?i)\b(bearer\s+)([A-Za-z0-9\-._~+/]{16,}=*)".to_owned(),
            r"\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}".to_owned(),
            r"\b(?:AKIA|ASIA)[A-Z0-9]{16}\b".to_owned(),
            r#"(?i)\b(AccountKey|SharedAccessKey|SharedAccessSignature)=([^;\s"']+)"#.to_owned(),
            r#"(?i)([?&]sig=)([^&\s"']+)"#.to_owned(),
            r"\b([a-zA-Z][a-zA-Z0-9+.\-]*://[^/\s:@]+:)([^/\s@]+)@".to_owned(),
            format!(r#""({NAME_CHARS}*{NAME_WORDS}{NAME_CHARS}*)"(\s*:\s*)"((?:[^"\\\n]|\\.)*)""#),
            format!(r"(?m)^([ \t]*(?:- )*)({NAME_CHARS}*{NAME_WORDS}{NAME_CHARS}*)(:[ \t]+)([^\r\n]*?)([ \t]*\r?)$"),
            format!(r#"({NAME_CHARS}*{NAME_WORDS}{NAME_CHARS}*)=("(?:[^"\\\n]|\\.)*"|'[^'\n]*'|[^\s"'&;,]+)"#),
            format!(r#"(?m)(^|[\s"'\[(,])(--?[A-Za-z0-9\-]*{NAME_WORDS}[A-Za-z0-9\-]*)([ \t]+)([^\s"'\-][^\s"']*)"#),
        ];
        let compile = |index: usize| Regex::new(&sources[index]).expect("valid pattern");
        Self {
            any: RegexSet::new(&sources).expect("valid patterns"),
            private_key: compile(0),
            authorization: compile(1),
            bearer: compile(2),
            jwt: compile(3),
            aws_key_id: compile(4),
            azure_key: compile(5),
            sas_signature: compile(6),
            url_password: compile(7),
            quoted_pair: compile(8),
            yaml_pair: compile(9),
            assignment: compile(10),
            flag_value: compile(11),
        }
    }
}

/// Replaces every secret recognised by its shape; returns the text and how many were replaced.
pub(crate) fn redact_patterns(text: &str) -> (Cow<'_, str>, usize) {
    let patterns = &*PATTERNS;
    if !patterns.any.is_match(text) {
        return (Cow::Borrowed(text), 0);
    }
    let mut count = 0;
    let mut text = Cow::Borrowed(text);
    let mut pass =
        |text: &mut Cow<'_, str>, regex: &Regex, rule: &dyn Fn(&Captures) -> Option<String>| {
            let replaced = regex.replace_all(text, |captures: &Captures| match rule(captures) {
                Some(replacement) => {
                    count += 1;
                    replacement
                }
                None => captures[0].to_owned(),
            });
            if let Cow::Owned(replaced) = replaced {
                *text = Cow::Owned(replaced);
            }
        };
    pass(&mut text, &patterns.private_key, &|c| {
        (&c[2] != MARKER).then(|| format!("-----BEGIN {}-----{MARKER}{}", &c[1], &c[3]))
    });
    pass(&mut text, &patterns.authorization, &|c| {
        (&c[3] != MARKER).then(|| {
            let scheme = c.get(2).map_or("", |m| m.as_str());
            format!("{}{scheme}{MARKER}", &c[1])
        })
    });
    pass(&mut text, &patterns.bearer, &|c| {
        Some(format!("{}{MARKER}", &c[1]))
    });
    pass(&mut text, &patterns.jwt, &|_| Some(MARKER.to_owned()));
    pass(&mut text, &patterns.aws_key_id, &|_| {
        Some(MARKER.to_owned())
    });
    pass(&mut text, &patterns.azure_key, &|c| {
        (&c[2] != MARKER).then(|| format!("{}={MARKER}", &c[1]))
    });
    pass(&mut text, &patterns.sas_signature, &|c| {
        (&c[2] != MARKER).then(|| format!("{}{MARKER}", &c[1]))
    });
    pass(&mut text, &patterns.url_password, &|c| {
        (&c[2] != MARKER).then(|| format!("{}{MARKER}@", &c[1]))
    });
    pass(&mut text, &patterns.quoted_pair, &|c| {
        named_secret(&c[1], &c[3]).then(|| format!("\"{}\"{}\"{MARKER}\"", &c[1], &c[2]))
    });
    pass(&mut text, &patterns.yaml_pair, &|c| {
        named_secret(&c[2], &c[4]).then(|| format!("{}{}{}{MARKER}{}", &c[1], &c[2], &c[3], &c[5]))
    });
    pass(&mut text, &patterns.assignment, &|c| {
        named_secret(&c[1], &c[2]).then(|| format!("{}={MARKER}", &c[1]))
    });
    pass(&mut text, &patterns.flag_value, &|c| {
        (named_secret(&c[2], &c[4]) && !is_short_word(&c[4]))
            .then(|| format!("{}{}{}{MARKER}", &c[1], &c[2], &c[3]))
    });
    (text, count)
}

fn named_secret(name: &str, value: &str) -> bool {
    is_credential_name(name) && !is_benign_value(value)
}

/// A short lower-case word after a flag in prose ("pass --token to the client"), not a value.
fn is_short_word(value: &str) -> bool {
    value.len() <= 5 && value.chars().all(|c| c.is_ascii_lowercase())
}
