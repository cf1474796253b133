//! Splits a command line the model wrote into an argv, refusing anything a shell would act on.
//!
//! The line is scanned once with shell quoting rules before it is split: an operator outside
//! quotes (`|`, `&&`, `;`, `>`, `(`, …) means the model expected a shell, and expansion
//! (`$(`, `${`, `$NAME`, backticks) outside single quotes would have been run by one. Inside
//! single quotes everything is literal, so `-o jsonpath='{.items[*].metadata.name}'`,
//! `-l 'app in (web,api)'` and `-p '{"spec":{"replicas":3}}'` pass untouched.

use super::error::{PolicyError, ShellSyntax};
use super::refusal::check_argv;

/// Splits `text` into kubectl's arguments without a shell.
///
/// A leading `kubectl` is optional and dropped: `kubectl get pods` and `get pods` both give
/// `["get", "pods"]`, the argv kubevibe passes to the kubectl it runs. Any other first word is
/// kept and later classified as an unknown verb or plugin (destructive). Surrounding
/// whitespace is ignored; a newline inside the command is refused. The result has passed
/// [`check_argv`].
pub fn parse_command(text: &str) -> Result<Vec<String>, PolicyError> {
    let line = text.trim();
    if line.is_empty() {
        return Err(PolicyError::Empty);
    }
    if let Some(found) = find_shell_syntax(line)? {
        return Err(PolicyError::ShellSyntax { found });
    }
    let mut argv = shell_words::split(line).map_err(|_| PolicyError::UnclosedQuote)?;
    check_argv(&argv)?;
    if argv.first().is_some_and(|word| word == "kubectl") {
        argv.remove(0);
    }
    if argv.is_empty() {
        return Err(PolicyError::Empty);
    }
    Ok(argv)
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Quote {
    None,
    Single,
    Double,
}

/// The first piece of shell syntax outside the quotes that make it literal, if any.
fn find_shell_syntax(line: &str) -> Result<Option<ShellSyntax>, PolicyError> {
    let chars: Vec<char> = line.chars().collect();
    let mut quote = Quote::None;
    let mut word_start = true;
    let mut word_is_digits = true;
    let mut index = 0;
    while index < chars.len() {
        let c = chars[index];
        let next = chars.get(index + 1).copied();
        if c == '\n' || c == '\r' {
            return Ok(Some(ShellSyntax::Newline));
        }
        match quote {
            Quote::Single => {
                if c == '\'' {
                    quote = Quote::None;
                }
            }
            Quote::Double => match c {
                '"' => quote = Quote::None,
                '\\' => index += 1,
                '`' | '$' => {
                    if let Some(found) = expansion(c, next) {
                        return Ok(Some(found));
                    }
                }
                _ => {}
            },
            Quote::None => {
                if let Some(found) = unquoted_syntax(c, next, word_start, word_is_digits) {
                    return Ok(Some(found));
                }
                match c {
                    '\'' => quote = Quote::Single,
                    '"' => quote = Quote::Double,
                    '\\' => index += 1,
                    _ => {}
                }
                if c.is_whitespace() {
                    word_start = true;
                    word_is_digits = true;
                } else {
                    word_start = false;
                    word_is_digits &= c.is_ascii_digit();
                }
            }
        }
        index += 1;
    }
    if quote == Quote::None {
        Ok(None)
    } else {
        Err(PolicyError::UnclosedQuote)
    }
}

fn unquoted_syntax(
    c: char,
    next: Option<char>,
    word_start: bool,
    word_is_digits: bool,
) -> Option<ShellSyntax> {
    match c {
        '|' if next == Some('|') => Some(ShellSyntax::Or),
        '|' => Some(ShellSyntax::Pipe),
        '&' if next == Some('&') => Some(ShellSyntax::And),
        '&' if next == Some('>') => Some(ShellSyntax::RedirectOut),
        '&' => Some(ShellSyntax::Background),
        ';' => Some(ShellSyntax::Semicolon),
        '>' if !word_start && word_is_digits => Some(ShellSyntax::RedirectStderr),
        '>' if next == Some('>') => Some(ShellSyntax::RedirectAppend),
        '>' => Some(ShellSyntax::RedirectOut),
        '<' if next == Some('<') => Some(ShellSyntax::HereDoc),
        '<' => Some(ShellSyntax::RedirectIn),
        '(' | ')' => Some(ShellSyntax::Parenthesis),
        '#' if word_start => Some(ShellSyntax::Comment),
        '`' | '$' => expansion(c, next),
        _ => None,
    }
}

/// Expansion a shell performs outside single quotes; a lone `$` stays literal.
fn expansion(c: char, next: Option<char>) -> Option<ShellSyntax> {
    if c == '`' {
        return Some(ShellSyntax::Backtick);
    }
    match next {
        Some('(') => Some(ShellSyntax::CommandSubstitution),
        Some('{') => Some(ShellSyntax::ParameterExpansion),
        Some(n) if n.is_ascii_alphanumeric() || "_?@*#$!-".contains(n) => {
            Some(ShellSyntax::Variable)
        }
        _ => None,
    }
}
