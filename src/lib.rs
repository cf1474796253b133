//! kubevibe: a terminal cockpit for Kubernetes driven by an LLM.
//!
//! The binary (`src/main.rs`) only parses the command line and calls into this library, so
//! tests and benchmarks drive the same code the binary runs.

pub mod llm;
pub mod sim;
