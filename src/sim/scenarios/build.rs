//! Small builders for the objects scenarios seed: namespaces, deployments, services, config.

use serde_json::{Value, json};

/// An application deployed as a Deployment (or the pod template of another workload).
#[derive(Clone, Debug)]
pub struct App {
    pub name: String,
    pub image: String,
    pub replicas: i64,
    pub port: Option<(i64, &'static str)>,
    pub labels: Vec<(&'static str, String)>,
    pub env: Vec<Value>,
    pub annotations: Vec<(&'static str, String)>,
    pub requests: Option<(&'static str, &'static str)>,
    pub limits: Option<(&'static str, &'static str)>,
    pub tolerate_control_plane: bool,
    pub readiness: bool,
}

impl App {
    pub fn new(name: &str, image: &str, replicas: i64) -> Self {
        Self {
            name: name.to_string(),
            image: image.to_string(),
            replicas,
            port: None,
            labels: Vec::new(),
            env: Vec::new(),
            annotations: Vec::new(),
            requests: Some(("100m", "128Mi")),
            limits: None,
            tolerate_control_plane: false,
            readiness: false,
        }
    }

    pub fn port(mut self, port: i64, name: &'static str) -> Self {
        self.port = Some((port, name));
        self
    }

    pub fn label(mut self, key: &'static str, value: &str) -> Self {
        self.labels.push((key, value.to_string()));
        self
    }

    pub fn env(mut self, name: &str, value: &str) -> Self {
        self.env.push(json!({ "name": name, "value": value }));
        self
    }

    pub fn env_from_secret(mut self, name: &str, secret: &str, key: &str) -> Self {
        self.env.push(json!({ "name": name, "valueFrom": { "secretKeyRef": { "name": secret, "key": key } } }));
        self
    }

    pub fn annotate(mut self, key: &'static str, value: &str) -> Self {
        self.annotations.push((key, value.to_string()));
        self
    }

    pub fn resources(
        mut self,
        requests: Option<(&'static str, &'static str)>,
        limits: Option<(&'static str, &'static str)>,
    ) -> Self {
        self.requests = requests;
        self.limits = limits;
        self
    }

    pub fn on_control_plane(mut self) -> Self {
        self.tolerate_control_plane = true;
        self
    }

    pub fn with_readiness(mut self) -> Self {
        self.readiness = true;
        self
    }

    pub fn selector_labels(&self) -> Value {
        json!({ "app.kubernetes.io/name": self.name })
    }

    fn pod_labels(&self) -> Value {
        let mut labels = self.selector_labels();
        for (key, value) in &self.labels {
            labels[*key] = json!(value);
        }
        labels
    }

    pub fn template(&self) -> Value {
        let mut container = json!({ "name": self.name, "image": self.image });
        if let Some((port, name)) = self.port {
            container["ports"] =
                json!([{ "name": name, "containerPort": port, "protocol": "TCP" }]);
            if self.readiness {
                container["readinessProbe"] = json!({ "httpGet": { "path": "/healthz", "port": name }, "initialDelaySeconds": 2, "periodSeconds": 10 });
            }
        }
        if !self.env.is_empty() {
            container["env"] = json!(self.env);
        }
        let mut resources = json!({});
        if let Some((cpu, memory)) = self.requests {
            resources["requests"] = json!({ "cpu": cpu, "memory": memory });
        }
        if let Some((cpu, memory)) = self.limits {
            resources["limits"] = json!({ "cpu": cpu, "memory": memory });
        }
        container["resources"] = resources;
        let mut template = json!({ "metadata": { "labels": self.pod_labels() }, "spec": { "containers": [container] } });
        if !self.annotations.is_empty() {
            let annotations: serde_json::Map<String, Value> = self
                .annotations
                .iter()
                .map(|(k, v)| (k.to_string(), json!(v)))
                .collect();
            template["metadata"]["annotations"] = Value::Object(annotations);
        }
        if self.tolerate_control_plane {
            template["spec"]["tolerations"] = json!([{ "key": "node-role.kubernetes.io/control-plane", "operator": "Exists", "effect": "NoSchedule" }]);
        }
        template
    }

    pub fn deployment(&self) -> Value {
        json!({
            "apiVersion": "apps/v1",
            "kind": "Deployment",
            "metadata": { "name": self.name, "labels": self.pod_labels() },
            "spec": {
                "replicas": self.replicas,
                "selector": { "matchLabels": self.selector_labels() },
                "template": self.template(),
            },
        })
    }

    pub fn daemonset(&self) -> Value {
        json!({
            "apiVersion": "apps/v1",
            "kind": "DaemonSet",
            "metadata": { "name": self.name, "labels": self.pod_labels() },
            "spec": { "selector": { "matchLabels": self.selector_labels() }, "template": self.template() },
        })
    }

    pub fn statefulset(&self, service: &str) -> Value {
        json!({
            "apiVersion": "apps/v1",
            "kind": "StatefulSet",
            "metadata": { "name": self.name, "labels": self.pod_labels() },
            "spec": {
                "replicas": self.replicas,
                "serviceName": service,
                "selector": { "matchLabels": self.selector_labels() },
                "template": self.template(),
            },
        })
    }

    /// A ClusterIP service in front of the app's named port.
    pub fn service(&self, port: i64) -> Value {
        let (target, name) = self
            .port
            .map_or((json!(port), "http"), |(_, name)| (json!(name), name));
        json!({
            "apiVersion": "v1",
            "kind": "Service",
            "metadata": { "name": self.name, "labels": self.pod_labels() },
            "spec": {
                "selector": self.selector_labels(),
                "ports": [{ "name": name, "port": port, "targetPort": target, "protocol": "TCP" }],
            },
        })
    }
}

pub fn namespace(name: &str, labels: Value) -> Value {
    json!({ "apiVersion": "v1", "kind": "Namespace", "metadata": { "name": name, "labels": labels } })
}

pub fn config_map(name: &str, data: Value) -> Value {
    json!({ "apiVersion": "v1", "kind": "ConfigMap", "metadata": { "name": name }, "data": data })
}

pub fn secret(name: &str, string_data: Value) -> Value {
    json!({ "apiVersion": "v1", "kind": "Secret", "metadata": { "name": name }, "type": "Opaque", "stringData": string_data })
}
