//! Live resource panes: compact rows decoded from kube-rs watchers ([`projection`]), a store
//! per watched kind with an incremental sort and filter index ([`store`]), and the watcher
//! task feeding it ([`watch`]); the rollout follower ([`rollout`]). The table widget is `ui::resource_table`.

pub mod age;
pub mod events;
pub mod forward;
pub mod logs;
pub mod projection;
pub mod rollout;
pub mod row;
pub mod stall;
pub mod store;
pub mod watch;
