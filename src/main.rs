//! Binary entry point: parse the command line and hand over to the library.

use clap::Parser;

fn main() -> std::process::ExitCode {
    let started = std::time::Instant::now();
    if let Err(error) = color_eyre::install() {
        eprintln!("kubevibe: {error}");
    }
    let cli = kubevibe::cli::Cli::parse();
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
    match runtime.block_on(kubevibe::start::main(cli, started)) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("kubevibe: {error:#}");
            std::process::ExitCode::FAILURE
        }
    }
}
