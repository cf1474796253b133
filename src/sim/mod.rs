//! The cluster simulator: a Kubernetes API server subset over plain HTTP on 127.0.0.1 that
//! the real kubectl and kube-rs talk to unchanged.

pub mod bootstrap;
pub mod clock;
pub mod controllers;
pub mod defaults;
pub mod events;
pub mod object;
pub mod patch;
pub mod resource;
pub mod scenarios;
pub mod selector;
pub mod status;
pub mod store;
pub mod validate;
pub mod world;
