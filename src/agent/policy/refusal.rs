//! Refusals for an argv, whether the model wrote a command line or gave a list of words.
//!
//! kubevibe passes the argv to kubectl without a shell, so shell syntax in it can only mean
//! the model expected a shell: refused, so that what the operator approves is what runs.
//! The cockpit owns where and as whom a command runs: it adds the context and namespace
//! itself, so flags that change the kubeconfig, cluster, credentials or identity are refused.

use super::args::ParsedArgs;
use super::error::{PolicyError, ShellSyntax};

/// Flags that pick the cluster, the credentials or the identity a command runs with.
const OWNED_FLAGS: &[&str] = &[
    "as",
    "as-group",
    "as-uid",
    "certificate-authority",
    "client-certificate",
    "client-key",
    "cluster",
    "context",
    "insecure-skip-tls-verify",
    "kubeconfig",
    "password",
    "server",
    "tls-server-name",
    "token",
    "user",
    "username",
];

/// `config` subcommands that only read the kubeconfig; every other one writes it.
const READ_ONLY_CONFIG: &[&str] = &[
    "view",
    "get-contexts",
    "current-context",
    "get-clusters",
    "get-users",
];

/// Programs that would run kubectl through something else.
const WRAPPERS: &[&str] = &["sudo", "doas", "env", "xargs", "nohup", "time"];
const SHELLS: &[&str] = &["sh", "bash", "zsh", "dash", "ksh", "fish"];

/// Refuses shell syntax in any word, a wrapper or shell as the program, flags the cockpit
/// owns, and `config` subcommands that change the kubeconfig. A leading `kubectl` is allowed
/// and skipped.
pub fn check_argv(argv: &[String]) -> Result<(), PolicyError> {
    let Some(first) = argv.first() else {
        return Err(PolicyError::Empty);
    };
    check_program(first, argv)?;
    for word in argv {
        if let Some(found) = shell_syntax_in_word(word) {
            return Err(PolicyError::ShellSyntaxInArgument {
                argument: word.clone(),
                found,
            });
        }
    }
    let args = ParsedArgs::parse(argv);
    for flag in &args.flags {
        if OWNED_FLAGS.contains(&flag.name) && !subject_flag(&args, flag.name) {
            return Err(PolicyError::OwnedFlag {
                flag: flag.written.to_owned(),
            });
        }
    }
    if args.verb == Some("config")
        && let Some(subcommand) = args.subcommand()
        && !READ_ONLY_CONFIG.contains(&subcommand)
    {
        return Err(PolicyError::KubeconfigChange {
            subcommand: subcommand.to_owned(),
        });
    }
    Ok(())
}

fn check_program(first: &str, argv: &[String]) -> Result<(), PolicyError> {
    if WRAPPERS.contains(&first) {
        return Err(PolicyError::Wrapper {
            wrapper: first.to_owned(),
        });
    }
    if SHELLS.contains(&first) {
        let wrapper = if argv.iter().any(|word| word == "-c") {
            format!("{first} -c")
        } else {
            first.to_owned()
        };
        return Err(PolicyError::Wrapper { wrapper });
    }
    if is_assignment(first) {
        return Err(PolicyError::EnvironmentAssignment {
            assignment: first.to_owned(),
        });
    }
    Ok(())
}

/// `NAME=value` as a first word: a shell would set an environment variable.
fn is_assignment(word: &str) -> bool {
    word.split_once('=').is_some_and(|(name, _)| {
        !name.is_empty()
            && !name.starts_with(|c: char| c.is_ascii_digit())
            && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
    })
}

/// `--user` and `--group` name the subject of a role binding, not the caller.
fn subject_flag(args: &ParsedArgs<'_>, flag: &str) -> bool {
    flag == "user"
        && match (args.verb, args.subcommand()) {
            (Some("create"), Some(kind)) => {
                kind.starts_with("rolebinding") || kind.starts_with("clusterrolebinding")
            }
            (Some("set"), Some("subject")) => true,
            _ => false,
        }
}

/// Shell syntax in one word of an argv: an operator as the whole word or at its edge
/// (`|`, `&&`, `;`, `>out`, `2>/dev/null`), or expansion anywhere (`$(`, `${`, backticks),
/// or a newline. An operator inside a word (`sh -c 'ps | grep x'` after `exec --`) is left:
/// without a shell it is only text.
fn shell_syntax_in_word(word: &str) -> Option<ShellSyntax> {
    if word.contains('\n') || word.contains('\r') {
        return Some(ShellSyntax::Newline);
    }
    if word.contains("$(") {
        return Some(ShellSyntax::CommandSubstitution);
    }
    if word.contains("${") {
        return Some(ShellSyntax::ParameterExpansion);
    }
    if word.contains('`') {
        return Some(ShellSyntax::Backtick);
    }
    let digits = word.trim_start_matches(|c: char| c.is_ascii_digit());
    if digits.len() < word.len() && digits.starts_with('>') {
        return Some(ShellSyntax::RedirectStderr);
    }
    let leading = [
        ("||", ShellSyntax::Or),
        ("|", ShellSyntax::Pipe),
        ("&&", ShellSyntax::And),
        ("&>", ShellSyntax::RedirectOut),
        ("&", ShellSyntax::Background),
        (";", ShellSyntax::Semicolon),
        (">>", ShellSyntax::RedirectAppend),
        (">", ShellSyntax::RedirectOut),
        ("<<", ShellSyntax::HereDoc),
        ("<", ShellSyntax::RedirectIn),
    ];
    if let Some((_, found)) = leading.iter().find(|(op, _)| word.starts_with(op)) {
        return Some(*found);
    }
    let trailing = [
        ("||", ShellSyntax::Or),
        ("|", ShellSyntax::Pipe),
        ("&&", ShellSyntax::And),
        ("&", ShellSyntax::Background),
        (";", ShellSyntax::Semicolon),
    ];
    trailing
        .iter()
        .find(|(op, _)| word.ends_with(op))
        .map(|(_, found)| *found)
}
