//! Binary entry point: parse the command line and hand over to the library.

use clap::Parser;
use kubevibe::cli::{Dispatch, Invocation};

/// The system allocator, switched to mimalloc when this process is the simulator.
#[global_allocator]
static ALLOCATOR: kubevibe::allocator::Allocator = kubevibe::allocator::Allocator;

fn main() -> std::process::ExitCode {
    let started = std::time::Instant::now();
    if let Err(error) = color_eyre::install() {
        eprintln!("kubevibe: {error}");
    }
    let cli = match Invocation::parse().dispatch() {
        Dispatch::Cockpit(cli) => cli,
        Dispatch::Journal { llm, command } => {
            return exit_code(kubevibe::journal_cli::run(&llm, command));
        }
    };
    if matches!(cli.command, Some(kubevibe::cli::Command::Sim(_))) {
        kubevibe::allocator::Allocator::use_mimalloc();
    } else {
        kubevibe::allocator::tune_for_cockpit();
    }
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("kubevibe: cannot start the async runtime: {error}");
            return std::process::ExitCode::FAILURE;
        }
    };
    exit_code(runtime.block_on(kubevibe::start::main(cli, started)))
}

fn exit_code(result: color_eyre::Result<()>) -> std::process::ExitCode {
    match result {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("kubevibe: {error:#}");
            std::process::ExitCode::FAILURE
        }
    }
}
