//! Why a planned command was refused before it could be shown for approval.

use std::fmt;

/// A piece of shell syntax found in a command; kubevibe runs kubectl without a shell.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ShellSyntax {
    Pipe,
    And,
    Or,
    Semicolon,
    Background,
    Backtick,
    CommandSubstitution,
    ParameterExpansion,
    Variable,
    RedirectOut,
    RedirectAppend,
    RedirectIn,
    RedirectStderr,
    HereDoc,
    Newline,
    Parenthesis,
    Comment,
}

impl fmt::Display for ShellSyntax {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Pipe => "a pipe `|`",
            Self::And => "`&&`",
            Self::Or => "`||`",
            Self::Semicolon => "a command separator `;`",
            Self::Background => "a background `&`",
            Self::Backtick => "a backtick command substitution",
            Self::CommandSubstitution => "a command substitution `$(`",
            Self::ParameterExpansion => "a parameter expansion `${`",
            Self::Variable => "a shell variable `$`",
            Self::RedirectOut => "a redirection `>`",
            Self::RedirectAppend => "a redirection `>>`",
            Self::RedirectIn => "a redirection `<`",
            Self::RedirectStderr => "a redirection `2>`",
            Self::HereDoc => "a here-document `<<`",
            Self::Newline => "a newline (one command per line)",
            Self::Parenthesis => "an unquoted parenthesis (quote the argument)",
            Self::Comment => "a shell comment `#`",
        })
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PolicyError {
    #[error("the command is empty")]
    Empty,
    #[error("the command has an unclosed quote")]
    UnclosedQuote,
    #[error("commands run without a shell: found {found}")]
    ShellSyntax { found: ShellSyntax },
    #[error("commands run without a shell: argument `{argument}` contains {found}")]
    ShellSyntaxInArgument {
        argument: String,
        found: ShellSyntax,
    },
    #[error("commands run as kubectl directly: `{wrapper}` is not allowed")]
    Wrapper { wrapper: String },
    #[error(
        "commands run without a shell: the environment assignment `{assignment}` is not allowed"
    )]
    EnvironmentAssignment { assignment: String },
    #[error("`{flag}` is set by the cockpit (context, cluster and identity); leave it out")]
    OwnedFlag { flag: String },
    #[error("`config {subcommand}` changes the kubeconfig, which the cockpit owns")]
    KubeconfigChange { subcommand: String },
}
