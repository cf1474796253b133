//! The moving parts of the simulated cluster: seeds a scenario, then runs every controller
//! (scheduler, kubelet, workload controllers, endpoints, event expiry) as tasks that stop when
//! the [`World`] is shut down or dropped.

use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

use crate::sim::controllers::cronjob::CronJobController;
use crate::sim::controllers::daemonset::DaemonSetController;
use crate::sim::controllers::deployment::DeploymentController;
use crate::sim::controllers::endpoints::EndpointsController;
use crate::sim::controllers::job::JobController;
use crate::sim::controllers::kubelet::Kubelet;
use crate::sim::controllers::replicaset::ReplicaSetController;
use crate::sim::controllers::scheduler::Scheduler;
use crate::sim::controllers::statefulset::StatefulSetController;
use crate::sim::controllers::{Controller, Ctx, nodes, runner};
use crate::sim::events::EventRecorder;
use crate::sim::scenarios::{self, Scenario, ScenarioError};
use crate::sim::status::ApiError;
use crate::sim::store::Store;

#[derive(Debug, thiserror::Error)]
pub enum WorldError {
    #[error("the simulated world needs a Tokio runtime")]
    NoRuntime,
    #[error(transparent)]
    Scenario(#[from] ScenarioError),
    #[error("seeding the cluster failed: {0}")]
    Seed(#[from] ApiError),
}

/// The running controllers of one simulated cluster.
pub struct World {
    cancel: CancellationToken,
    tasks: Vec<JoinHandle<()>>,
    events: EventRecorder,
}

impl World {
    /// Creates nodes if the cluster has none, seeds `scenario`, and starts the controllers.
    pub fn start(store: &Store, scenario: &Scenario) -> Result<Self, WorldError> {
        let runtime = tokio::runtime::Handle::try_current().map_err(|_| WorldError::NoRuntime)?;
        let plan = scenario.plan();
        nodes::ensure_nodes(store, plan.nodes)?;
        let events = EventRecorder::new(store.clone());
        events.set_per_pod(plan.per_pod_events);
        scenarios::seed(store, scenario)?;
        let ctx = Ctx {
            store: store.clone(),
            events: events.clone(),
            clock: store.clock(),
        };
        let cancel = CancellationToken::new();
        let mut world = Self {
            cancel: cancel.clone(),
            tasks: Vec::new(),
            events: events.clone(),
        };
        world.spawn(&runtime, Scheduler::default(), &ctx);
        world.spawn(&runtime, Kubelet::default(), &ctx);
        world.spawn(&runtime, ReplicaSetController::default(), &ctx);
        world.spawn(&runtime, DeploymentController::default(), &ctx);
        world.spawn(&runtime, StatefulSetController::default(), &ctx);
        world.spawn(&runtime, DaemonSetController::default(), &ctx);
        world.spawn(&runtime, JobController::default(), &ctx);
        world.spawn(&runtime, CronJobController::default(), &ctx);
        world.spawn(&runtime, EndpointsController::default(), &ctx);
        world
            .tasks
            .push(runtime.spawn(events.run_expiry(cancel.child_token())));
        let follow_up = scenario
            .clone()
            .follow_up(store.clone(), cancel.child_token());
        world.tasks.push(runtime.spawn(follow_up));
        Ok(world)
    }

    fn spawn<C: Controller>(&mut self, runtime: &tokio::runtime::Handle, controller: C, ctx: &Ctx) {
        let task = runner::run(controller, ctx.clone(), self.cancel.child_token());
        self.tasks.push(runtime.spawn(task));
    }

    /// The recorder the controllers emit events through.
    pub fn events(&self) -> &EventRecorder {
        &self.events
    }

    /// A token that fires when the world stops.
    pub fn cancellation(&self) -> CancellationToken {
        self.cancel.clone()
    }

    /// Stops every controller and waits for them to finish.
    pub async fn shutdown(mut self) {
        self.cancel.cancel();
        for task in self.tasks.drain(..) {
            let _ = task.await;
        }
    }
}

impl Drop for World {
    fn drop(&mut self) {
        self.cancel.cancel();
    }
}
