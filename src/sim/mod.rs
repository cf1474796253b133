//! The cluster simulator: a Kubernetes API server subset over HTTPS on 127.0.0.1 that the
//! real kubectl and kube-rs talk to unchanged.
//!
//! [`start`] serves a fresh cluster (system namespaces and the `kubernetes` Service) from a
//! [`store::Store`], seeds the chosen [`scenarios::Scenario`] and runs its [`world::World`]
//! (scheduler, kubelet, workload controllers) on the same store until the handle is shut down
//! or dropped. [`SimHandle::write_kubeconfig`] gives clients a context for it.
//!
//! It serves HTTPS with a CA made at start (in the kubeconfig): client-go, and so kubectl,
//! never sends a bearer token over plain HTTP, and every request but `/version` and the
//! health checks needs the token.
//!
//! Known limits: responses are JSON only (protobuf request bodies of the built-in kinds are
//! decoded; CBOR is not), objects are not checked field by field against schemas
//! (`fieldValidation` is accepted and ignored; OpenAPI component schemas list top-level
//! fields only, so `kubectl explain` goes one level deep), and server-side apply tracks only
//! what each manager applied (not fields set by other writes), so it never reports conflicts.

pub mod bootstrap;
mod cli;
pub mod clock;
pub mod controllers;
pub mod defaults;
mod error;
pub mod events;
mod handle;
mod kubeconfig;
pub mod network;
pub mod object;
mod parallel;
pub mod patch;
mod protobuf;
pub mod resource;
pub mod scenarios;
pub mod selector;
pub mod server;
pub mod status;
pub mod store;
pub mod table;
mod tls;
pub mod validate;
pub mod world;

pub use cli::{SimArgs, run_cli};
pub use error::SimError;
pub use handle::{SimHandle, SimOptions, start};
