//! `scale:N`: N pods spread over 100 namespaces as deployments of ten replicas, with enough
//! nodes to hold them, for benchmarks.

use serde_json::json;

use super::build::App;
use super::{Seed, ns, seed_in};
use crate::sim::resource;

const NAMESPACES: usize = 100;
const REPLICAS: usize = 10;
const PODS_PER_NODE: usize = 100;
const IMAGES: [&str; 4] = [
    "nginx:1.27.3",
    "ghcr.io/kubevibe-demo/checkout:2.4.1",
    "redis:7.4.1",
    "ghcr.io/kubevibe-demo/cart:1.9.0",
];

/// Workers enough for `pods` at most 100 per node, plus the control plane.
pub fn nodes_for(pods: usize) -> usize {
    pods.div_ceil(PODS_PER_NODE).max(3) + 1
}

pub fn objects(pods: usize) -> Vec<Seed> {
    let namespaces = NAMESPACES.min(pods.div_ceil(REPLICAS)).max(1);
    let mut objects: Vec<Seed> = (0..namespaces)
        .map(|i| ns(&namespace(i), json!({ "kubevibe.dev/scale": "true" })))
        .collect();
    let deployments = pods.div_ceil(REPLICAS);
    for index in 0..deployments {
        let replicas = (pods - index * REPLICAS).min(REPLICAS) as i64;
        let image = IMAGES[index % IMAGES.len()];
        let app = App::new(&format!("app-{index:05}"), image, replicas).resources(None, None);
        objects.push(seed_in(
            &namespace(index % namespaces),
            resource::DEPLOYMENTS,
            app.deployment(),
        ));
    }
    objects
}

fn namespace(index: usize) -> String {
    format!("scale-{index:03}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pods_are_spread_over_deployments_and_namespaces() {
        let objects = objects(1005);
        let replicas: i64 = objects
            .iter()
            .filter(|(gr, _, _)| *gr == resource::DEPLOYMENTS)
            .map(|(_, _, d)| d["spec"]["replicas"].as_i64().unwrap_or(0))
            .sum();
        assert_eq!(replicas, 1005);
        let namespaces = objects
            .iter()
            .filter(|(gr, _, _)| *gr == resource::NAMESPACES)
            .count();
        assert_eq!(namespaces, 100);
        assert_eq!(nodes_for(50_000), 501);
    }
}
