//! kubevibe: a terminal cockpit for Kubernetes driven by an LLM.
//!
//! The binary (`src/main.rs`) only parses the command line and calls into this library, so
//! tests and benchmarks drive the same code the binary runs.

pub mod agent;
pub mod allocator;
pub mod app;
pub mod cli;
pub mod config;
pub mod exec;
pub mod journal_cli;
pub mod live;
pub mod llm;
pub mod logging;
pub mod paths;
pub mod pricing;
pub mod sim;
pub mod start;
pub mod store;
pub mod terminal;
pub mod ui;
