//! `kubevibe memory …` and `kubevibe audit …`: the cockpit's notes per context and its audit
//! trail, read and changed from the shell, no cluster needed.

use std::io::{self, IsTerminal, Read};
use std::path::{Path, PathBuf};
use std::process::Command as Process;

use color_eyre::eyre::{Result, WrapErr, bail, eyre};
use jiff::civil::Date;

use crate::cli::{AuditArgs, JournalCommand, LlmFlags, MemoryAction};
use crate::config::{Config, ProcessEnv};
use crate::paths;
use crate::store::audit::{self, AuditRecord};
use crate::store::memory::MemoryStore;

/// Runs a journal subcommand with the configuration the flags and environment select.
pub fn run(llm: &LlmFlags, command: JournalCommand) -> Result<()> {
    let (config, problems) = Config::load_for_cockpit(&llm.overrides(), &ProcessEnv)?;
    for problem in problems {
        eprintln!("kubevibe: warning: {problem}");
    }
    match command {
        JournalCommand::Memory { action, context } => memory(&config, action, context),
        JournalCommand::Audit(args) => audit_command(&config.paths.data_dir, &args),
    }
}

fn memory(config: &Config, action: MemoryAction, context: Option<String>) -> Result<()> {
    let context = match context {
        Some(context) => context,
        None => current_context()?,
    };
    let store = config.memory_store(&context);
    let shown = store.path().display().to_string();
    match action {
        MemoryAction::Show => {
            let notes = store
                .load()
                .wrap_err_with(|| format!("cannot read {shown}"))?;
            if notes.trim().is_empty() {
                println!(
                    "No notes for context `{context}` yet. Add some with `kubevibe memory set TEXT`."
                );
            } else {
                println!("{}", notes.trim_end());
            }
            if store.is_paused() {
                eprintln!("(updates to these notes are paused for context `{context}`)");
            }
        }
        MemoryAction::Set { text } => {
            let text = if text == "-" { read_stdin()? } else { text };
            save(&store, &context, &text)?;
        }
        MemoryAction::Clear => {
            store
                .clear()
                .wrap_err_with(|| format!("cannot remove {shown}"))?;
            println!("Cleared the notes for context `{context}`.");
        }
        MemoryAction::Edit => edit(&store, &context)?,
    }
    Ok(())
}

fn save(store: &MemoryStore, context: &str, text: &str) -> Result<()> {
    let kept = store
        .save(text)
        .wrap_err_with(|| format!("cannot write {}", store.path().display()))?;
    let kept_chars = kept.chars().count();
    if kept_chars < text.trim_end().chars().count() {
        println!(
            "Saved the notes for context `{context}`, cut to {kept_chars} characters \
             (the cap is {}; raise `memory_chars` under [agent] in the config file).",
            store.max_chars()
        );
    } else {
        println!("Saved the notes for context `{context}` ({kept_chars} characters).");
    }
    Ok(())
}

fn read_stdin() -> Result<String> {
    let mut stdin = io::stdin();
    if stdin.is_terminal() {
        eprintln!("Reading the notes from standard input; end with Ctrl-D.");
    }
    let mut text = String::new();
    stdin
        .read_to_string(&mut text)
        .wrap_err("cannot read the notes from standard input")?;
    Ok(text)
}

/// Opens the editor on a private copy of the notes, then saves the copy through the store
/// so the cap applies.
fn edit(store: &MemoryStore, context: &str) -> Result<()> {
    let notes = store
        .load()
        .wrap_err_with(|| format!("cannot read {}", store.path().display()))?;
    let copy = edit_copy_path(store.path());
    paths::create_private_file(&copy, notes.as_bytes())
        .wrap_err_with(|| format!("cannot create {}", copy.display()))?;
    let edited = run_editor(&copy).and_then(|()| {
        std::fs::read_to_string(&copy).wrap_err_with(|| format!("cannot read {}", copy.display()))
    });
    let _ = std::fs::remove_file(&copy);
    let edited = edited?;
    if edited == notes {
        println!("No changes to the notes for context `{context}`.");
        return Ok(());
    }
    save(store, context, &edited)
}

fn edit_copy_path(notes: &Path) -> PathBuf {
    let name = notes
        .file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_else(|| "notes.md".to_owned());
    notes.with_file_name(format!(".edit-{}-{name}", std::process::id()))
}

fn run_editor(file: &Path) -> Result<()> {
    let configured = ["VISUAL", "EDITOR"]
        .into_iter()
        .find_map(|name| {
            std::env::var(name)
                .ok()
                .filter(|value| !value.trim().is_empty())
        })
        .unwrap_or_else(|| "vi".to_owned());
    let words = shell_words::split(&configured)
        .map_err(|error| eyre!("cannot read the editor command `{configured}`: {error}"))?;
    let Some((program, args)) = words.split_first() else {
        bail!("the editor command is empty: set VISUAL or EDITOR");
    };
    let status = Process::new(program)
        .args(args)
        .arg(file)
        .status()
        .wrap_err_with(|| format!("cannot start the editor `{program}`: set VISUAL or EDITOR"))?;
    if !status.success() {
        bail!("the editor `{configured}` failed ({status}); the notes are unchanged");
    }
    Ok(())
}

/// The kubeconfig's current context (`$KUBECONFIG` or `~/.kube/config`).
fn current_context() -> Result<String> {
    let kubeconfig = kube::config::Kubeconfig::read().map_err(|error| {
        eyre!("cannot read the kubeconfig ({error}); name the context with --context NAME")
    })?;
    kubeconfig
        .current_context
        .filter(|name| !name.trim().is_empty())
        .ok_or_else(|| eyre!("the kubeconfig has no current context; name one with --context NAME"))
}

fn audit_command(data_dir: &Path, args: &AuditArgs) -> Result<()> {
    let dir = data_dir.join(audit::AUDIT_DIR);
    let day = match &args.day {
        Some(text) => text.trim().parse::<Date>().map_err(|_| {
            eyre!("--day `{text}` is not a date: write it as YYYY-MM-DD, e.g. 2026-11-21")
        })?,
        None => match audit::days(data_dir)?.last() {
            Some(day) => *day,
            None => {
                println!(
                    "No audit records yet: the cockpit writes them to {} as it works.",
                    dir.display()
                );
                return Ok(());
            }
        },
    };
    let read = audit::read_day_report(data_dir, day)?;
    for problem in &read.problems {
        eprintln!("kubevibe: warning: {problem}");
    }
    let records: Vec<AuditRecord> = read
        .records
        .into_iter()
        .filter(|record| args.session.as_ref().is_none_or(|id| &record.session == id))
        .collect();
    if records.is_empty() {
        let day_text = day.strftime("%Y-%m-%d");
        match &args.session {
            Some(id) => println!("No audit records of session `{id}` on {day_text}."),
            None => println!("No audit records on {day_text}."),
        }
        let others = audit::days(data_dir)?;
        if !others.is_empty() {
            let listed: Vec<String> = others
                .iter()
                .map(|day| day.strftime("%Y-%m-%d").to_string())
                .collect();
            println!("Days with records: {}", listed.join(", "));
        }
        return Ok(());
    }
    if args.markdown {
        print!("{}", audit::render_markdown(&records));
    } else {
        for record in &records {
            println!("{}", audit::render_line(record));
        }
    }
    Ok(())
}
