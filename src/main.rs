//! Binary entry point: parse the command line and hand over to the library.

use clap::Parser;
use kubevibe::cli::{Dispatch, Invocation};

/// mimalloc instead of glibc's malloc: the simulator's writes and the watch pipeline build and
/// drop many small JSON values, and glibc's allocator took a third of their time.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

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
