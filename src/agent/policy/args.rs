//! Reads a kubectl argv the way kubectl's flag parser would: the verb, positional words, flags
//! with their values, and what follows `--`.
//!
//! Whether a flag takes a value decides which word is the verb or the resource, so the tables
//! below list kubectl's value flags. A flag missing from them is read as a switch: its next
//! word then stays positional, where the rules still see it, instead of being swallowed.

/// One flag as kubectl would read it, named by its long name without dashes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Flag<'a> {
    pub name: &'a str,
    pub value: Option<&'a str>,
    /// The flag as written, for messages (`-n`, `--context=x`).
    pub written: &'a str,
}

#[derive(Debug, Default)]
pub(crate) struct ParsedArgs<'a> {
    pub verb: Option<&'a str>,
    /// Positional words after the verb, before `--`.
    pub positionals: Vec<&'a str>,
    pub flags: Vec<Flag<'a>>,
    /// Words after `--`: the command run in a container by `exec`, `debug`, `run`.
    pub passthrough: Vec<&'a str>,
}

impl<'a> ParsedArgs<'a> {
    /// Parses `argv`, skipping a leading `kubectl`.
    pub fn parse(argv: &'a [String]) -> Self {
        let words = match argv.first() {
            Some(first) if first == "kubectl" => &argv[1..],
            _ => argv,
        };
        let mut parsed = ParsedArgs::default();
        let mut index = 0;
        while index < words.len() {
            let word = words[index].as_str();
            index += 1;
            if word == "--" {
                parsed.passthrough = words[index..].iter().map(String::as_str).collect();
                break;
            }
            if let Some(long) = word.strip_prefix("--") {
                let (name, inline) = split_inline(long);
                let value = match inline {
                    Some(value) => Some(value),
                    None if takes_value(name, parsed.verb) => take_next(words, &mut index),
                    None => None,
                };
                parsed.flags.push(Flag {
                    name,
                    value,
                    written: word,
                });
            } else if word.len() > 1 && word.starts_with('-') {
                parsed.read_short_cluster(word, words, &mut index);
            } else if parsed.verb.is_none() {
                parsed.verb = Some(word);
            } else {
                parsed.positionals.push(word);
            }
        }
        parsed
    }

    /// `-n x`, `-nx`, `-n=x`, and switch clusters such as `-it`.
    fn read_short_cluster(&mut self, word: &'a str, words: &'a [String], index: &mut usize) {
        let letters = &word[1..];
        for (offset, letter) in letters.char_indices() {
            let name = short_name(letter, self.verb);
            let rest = &letters[offset + letter.len_utf8()..];
            if short_takes_value(letter, self.verb) {
                let value = if rest.is_empty() {
                    take_next(words, index)
                } else {
                    Some(rest.strip_prefix('=').unwrap_or(rest))
                };
                self.flags.push(Flag {
                    name,
                    value,
                    written: word,
                });
                return;
            }
            if let Some(value) = rest.strip_prefix('=') {
                self.flags.push(Flag {
                    name,
                    value: Some(value),
                    written: word,
                });
                return;
            }
            self.flags.push(Flag {
                name,
                value: None,
                written: word,
            });
        }
    }

    pub fn flag(&self, name: &str) -> Option<&Flag<'a>> {
        self.flags.iter().rev().find(|flag| flag.name == name)
    }

    pub fn value(&self, name: &str) -> Option<&'a str> {
        self.flag(name).and_then(|flag| flag.value)
    }

    pub fn values<'s>(&'s self, name: &'s str) -> impl Iterator<Item = &'a str> + 's {
        self.flags
            .iter()
            .filter(move |flag| flag.name == name)
            .filter_map(|flag| flag.value)
    }

    /// A switch is on when present without a value or with anything but a false value
    /// (kubectl rejects values that are not booleans, so reading them as on is the safe side).
    pub fn switch(&self, name: &str) -> bool {
        self.flag(name).is_some_and(|flag| {
            !flag.value.is_some_and(|value| {
                ["false", "0", "f"]
                    .iter()
                    .any(|off| value.eq_ignore_ascii_case(off))
            })
        })
    }

    /// The first positional word: the subcommand of `rollout`, `config`, `auth`, ….
    pub fn subcommand(&self) -> Option<&'a str> {
        self.positionals.first().copied()
    }
}

fn split_inline(long: &str) -> (&str, Option<&str>) {
    match long.split_once('=') {
        Some((name, value)) => (name, Some(value)),
        None => (long, None),
    }
}

fn take_next<'a>(words: &'a [String], index: &mut usize) -> Option<&'a str> {
    let value = words.get(*index).map(String::as_str);
    if value.is_some() {
        *index += 1;
    }
    value
}

/// Long names of the short flags; `-f` and `-p` mean different things for `logs`.
fn short_name(letter: char, verb: Option<&str>) -> &'static str {
    match (letter, verb) {
        ('f', Some("logs")) => "follow",
        ('p', Some("logs")) => "previous",
        ('p', Some("exec")) => "pod",
        ('n', _) => "namespace",
        ('l', _) => "selector",
        ('o', _) => "output",
        ('f', _) => "filename",
        ('k', _) => "kustomize",
        ('c', _) => "container",
        ('p', _) => "patch",
        ('L', _) => "label-columns",
        ('A', _) => "all-namespaces",
        ('R', _) => "recursive",
        ('w', _) => "watch",
        ('i', _) => "stdin",
        ('t', _) => "tty",
        ('q', _) => "quiet",
        ('e', _) => "env",
        ('v', _) => "v",
        ('h', _) => "help",
        ('s', _) => "server",
        _ => "unknown-short-flag",
    }
}

fn short_takes_value(letter: char, verb: Option<&str>) -> bool {
    match letter {
        'f' | 'p' => verb != Some("logs"),
        'n' | 'l' | 'o' | 'k' | 'c' | 'L' | 'e' | 'v' | 's' => true,
        _ => false,
    }
}

/// Long flags that read the next word as their value when written without `=`.
///
/// `--dry-run`, `--cascade` and `--validate` have optional values in kubectl and never take the
/// next word; `--raw` is a value for `get`/`create`/`replace`/`delete` but a switch for
/// `config view`; `--prefix` is a switch for `logs`.
fn takes_value(name: &str, verb: Option<&str>) -> bool {
    match name {
        "raw" => verb != Some("config"),
        _ => VALUE_FLAGS.binary_search(&name).is_ok(),
    }
}

/// Sorted for binary search.
const VALUE_FLAGS: &[&str] = &[
    "address",
    "annotation",
    "api-group",
    "as",
    "as-group",
    "as-uid",
    "audience",
    "bound-object-kind",
    "bound-object-name",
    "bound-object-uid",
    "cache-dir",
    "cert",
    "certificate-authority",
    "chunk-size",
    "class",
    "client-certificate",
    "client-key",
    "cluster",
    "clusterrole",
    "columns",
    "container",
    "containers",
    "context",
    "copy-to",
    "cpu",
    "cpu-percent",
    "current-replicas",
    "default-backend",
    "docker-email",
    "docker-password",
    "docker-server",
    "docker-username",
    "duration",
    "env",
    "external-ip",
    "field-manager",
    "field-selector",
    "filename",
    "for",
    "from",
    "from-env-file",
    "from-file",
    "from-literal",
    "grace-period",
    "group",
    "hostport",
    "image",
    "image-pull-policy",
    "key",
    "keys",
    "kubeconfig",
    "kustomize",
    "label-columns",
    "labels",
    "limit-bytes",
    "limits",
    "load-balancer-ip",
    "log-dir",
    "log-file",
    "log-file-max-size",
    "max",
    "max-log-requests",
    "memory",
    "min",
    "name",
    "namespace",
    "output",
    "overrides",
    "password",
    "patch",
    "patch-file",
    "pod-running-timeout",
    "pod-selector",
    "port",
    "profile",
    "protocol",
    "prune-allowlist",
    "replicas",
    "request-timeout",
    "requests",
    "resource",
    "resource-name",
    "resource-version",
    "restart",
    "revision",
    "role",
    "rule",
    "schedule",
    "selector",
    "server",
    "serviceaccount",
    "session-affinity",
    "since",
    "since-time",
    "skip-wait-for-delete-timeout",
    "sort-by",
    "subresource",
    "tail",
    "target",
    "target-port",
    "template",
    "timeout",
    "tls-server-name",
    "to-revision",
    "token",
    "type",
    "types",
    "user",
    "username",
    "v",
    "verb",
    "verbs",
    "vmodule",
];

#[cfg(test)]
mod tests {
    use super::VALUE_FLAGS;

    #[test]
    fn value_flags_are_sorted_for_binary_search() {
        assert!(VALUE_FLAGS.windows(2).all(|pair| pair[0] < pair[1]));
    }
}
