//! Validation the API server does before storing: names, labels and each kind's required fields.

use serde_json::Value;

use crate::sim::object::At;
use crate::sim::object::str_at;
use crate::sim::resource::{self, ResourceType};
use crate::sim::selector::{LabelSelector, label_key_problem, label_value_problem};
use crate::sim::status::Cause;

const SUBDOMAIN_HELP: &str = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const LABEL_HELP: &str = "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
const DNS1035_HELP: &str = "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')";
const CONFIG_KEY_HELP: &str = "a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')";

pub fn is_dns_label(text: &str) -> bool {
    let bytes = text.as_bytes();
    !bytes.is_empty()
        && bytes.len() <= 63
        && bytes
            .iter()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || *b == b'-')
        && bytes.first().is_some_and(u8::is_ascii_alphanumeric)
        && bytes.last().is_some_and(u8::is_ascii_alphanumeric)
}

pub fn is_dns_subdomain(text: &str) -> bool {
    text.len() <= 253
        && text.split('.').all(|part| {
            let bytes = part.as_bytes();
            !bytes.is_empty()
                && bytes
                    .iter()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || *b == b'-')
                && bytes.first().is_some_and(u8::is_ascii_alphanumeric)
                && bytes.last().is_some_and(u8::is_ascii_alphanumeric)
        })
}

fn is_dns1035_label(text: &str) -> bool {
    is_dns_label(text) && text.as_bytes().first().is_some_and(u8::is_ascii_lowercase)
}

/// Why `name` is not valid for this kind, if it is not.
pub fn name_problem(rt: &ResourceType, name: &str) -> Option<String> {
    let gr = rt.group_resource();
    let (valid, limit, help) = if gr == resource::NAMESPACES {
        (is_dns_label(name), 63, LABEL_HELP)
    } else if gr == resource::SERVICES {
        (is_dns1035_label(name), 63, DNS1035_HELP)
    } else {
        (is_dns_subdomain(name), 253, SUBDOMAIN_HELP)
    };
    if name.len() > limit {
        Some(format!("must be no more than {limit} characters"))
    } else if valid {
        None
    } else {
        Some(help.to_string())
    }
}

/// Every problem with `object` as a stored `rt`; empty when it is valid.
pub fn validate(rt: &ResourceType, object: &Value) -> Vec<Cause> {
    let mut causes = metadata_causes(rt, object);
    let gr = rt.group_resource();
    if gr == resource::PODS {
        pod_spec_causes(object.get("spec"), "spec", &mut causes);
    } else if [
        resource::DEPLOYMENTS,
        resource::REPLICASETS,
        resource::STATEFULSETS,
        resource::DAEMONSETS,
    ]
    .contains(&gr)
    {
        workload_causes(object, &mut causes);
    } else if gr == resource::JOBS {
        job_spec_causes(object.get("spec"), "spec", &mut causes);
    } else if gr == resource::CRONJOBS {
        if str_at(object, "/spec/schedule").is_empty() {
            causes.push(Cause::required("spec.schedule", ""));
        }
        job_spec_causes(
            object.at("/spec/jobTemplate/spec"),
            "spec.jobTemplate.spec",
            &mut causes,
        );
    } else if gr == resource::SERVICES {
        service_causes(object, &mut causes);
    } else if gr == resource::CONFIGMAPS {
        config_key_causes(object, "data", &mut causes);
        config_key_causes(object, "binaryData", &mut causes);
    } else if gr == resource::CRDS {
        causes.extend(resource::validate_crd(object));
    }
    causes
}

fn metadata_causes(rt: &ResourceType, object: &Value) -> Vec<Cause> {
    let mut causes = Vec::new();
    let name = str_at(object, "/metadata/name");
    if name.is_empty() {
        causes.push(Cause::required(
            "metadata.name",
            "name or generateName is required",
        ));
    } else if let Some(problem) = name_problem(rt, name) {
        causes.push(Cause::invalid(
            "metadata.name",
            &Value::from(name),
            &problem,
        ));
    }
    if let Some(labels) = object.at("/metadata/labels").and_then(Value::as_object) {
        for (key, value) in labels {
            if let Some(problem) = label_key_problem(key) {
                causes.push(Cause::invalid(
                    "metadata.labels",
                    &Value::from(key.as_str()),
                    &problem,
                ));
            }
            match value.as_str() {
                Some(text) => {
                    if let Some(problem) = label_value_problem(text) {
                        causes.push(Cause::invalid(
                            format!("metadata.labels.{key}"),
                            value,
                            &problem,
                        ));
                    }
                }
                None => causes.push(Cause::invalid(
                    format!("metadata.labels.{key}"),
                    value,
                    "must be a string",
                )),
            }
        }
    }
    causes
}

fn pod_spec_causes(spec: Option<&Value>, path: &str, causes: &mut Vec<Cause>) {
    let containers = spec
        .and_then(|s| s.get("containers"))
        .and_then(Value::as_array);
    let Some(containers) = containers.filter(|c| !c.is_empty()) else {
        causes.push(Cause::required(format!("{path}.containers"), ""));
        return;
    };
    let mut seen = Vec::new();
    for (i, container) in containers.iter().enumerate() {
        let field = format!("{path}.containers[{i}]");
        let name = str_at(container, "/name");
        if name.is_empty() {
            causes.push(Cause::required(format!("{field}.name"), ""));
        } else if !is_dns_label(name) {
            causes.push(Cause::invalid(
                format!("{field}.name"),
                &Value::from(name),
                LABEL_HELP,
            ));
        } else if seen.contains(&name) {
            causes.push(Cause {
                reason: "FieldValueDuplicate",
                field: format!("{field}.name"),
                message: format!("Duplicate value: {name:?}"),
            });
        }
        seen.push(name);
        if str_at(container, "/image").trim().is_empty() {
            causes.push(Cause::required(format!("{field}.image"), ""));
        }
    }
}

fn template_causes(spec: &Value, path: &str, restart_policies: &[&str], causes: &mut Vec<Cause>) {
    let template_spec = spec.at("/template/spec");
    pod_spec_causes(template_spec, &format!("{path}.template.spec"), causes);
    let restart = template_spec
        .map(|s| str_at(s, "/restartPolicy"))
        .unwrap_or("");
    if !restart.is_empty() && !restart_policies.contains(&restart) {
        causes.push(Cause::not_supported(
            format!("{path}.template.spec.restartPolicy"),
            restart,
            restart_policies,
        ));
    }
}

fn workload_causes(object: &Value, causes: &mut Vec<Cause>) {
    let spec = object.get("spec").cloned().unwrap_or(Value::Null);
    match spec.get("selector") {
        None | Some(Value::Null) => causes.push(Cause::required("spec.selector", "")),
        Some(selector) => {
            let parsed = LabelSelector::from_object(selector);
            if parsed.is_empty() {
                causes.push(Cause::invalid(
                    "spec.selector",
                    selector,
                    "empty selector is invalid for deployment",
                ));
            }
            let labels = crate::sim::object::string_map(&spec, "/template/metadata/labels");
            if !parsed.is_empty() && !parsed.matches(&labels) {
                let shown = spec
                    .at("/template/metadata/labels")
                    .cloned()
                    .unwrap_or(Value::Null);
                causes.push(Cause::invalid(
                    "spec.template.metadata.labels",
                    &shown,
                    "`selector` does not match template `labels`",
                ));
            }
        }
    }
    if let Some(replicas) = spec.get("replicas").and_then(Value::as_i64)
        && replicas < 0
    {
        causes.push(Cause::invalid(
            "spec.replicas",
            &Value::from(replicas),
            "must be greater than or equal to 0",
        ));
    }
    template_causes(&spec, "spec", &["Always"], causes);
}

fn job_spec_causes(spec: Option<&Value>, path: &str, causes: &mut Vec<Cause>) {
    let spec = spec.cloned().unwrap_or(Value::Null);
    template_causes(&spec, path, &["OnFailure", "Never"], causes);
    if str_at(&spec, "/template/spec/restartPolicy").is_empty() {
        causes.push(Cause::required(
            format!("{path}.template.spec.restartPolicy"),
            "valid values: \"OnFailure\", \"Never\"",
        ));
    }
}

fn service_causes(object: &Value, causes: &mut Vec<Cause>) {
    let kind = str_at(object, "/spec/type");
    let allowed = ["ClusterIP", "NodePort", "LoadBalancer", "ExternalName"];
    if !kind.is_empty() && !allowed.contains(&kind) {
        causes.push(Cause::not_supported("spec.type", kind, &allowed));
    }
    let headless = str_at(object, "/spec/clusterIP") == "None";
    let ports = object.at("/spec/ports").and_then(Value::as_array);
    match ports {
        Some(ports) if !ports.is_empty() => {
            for (i, port) in ports.iter().enumerate() {
                let number = port.get("port").and_then(Value::as_i64).unwrap_or(0);
                if !(1..=65535).contains(&number) {
                    causes.push(Cause::invalid(
                        format!("spec.ports[{i}].port"),
                        &Value::from(number),
                        "must be between 1 and 65535, inclusive",
                    ));
                }
            }
        }
        _ if kind == "ExternalName" || headless => {}
        _ => causes.push(Cause::required("spec.ports", "")),
    }
}

fn config_key_causes(object: &Value, field: &str, causes: &mut Vec<Cause>) {
    let Some(map) = object.get(field).and_then(Value::as_object) else {
        return;
    };
    for key in map.keys() {
        let valid = !key.is_empty()
            && key.len() <= 253
            && key
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'));
        if !valid {
            causes.push(Cause::invalid(
                format!("{field}[{key}]"),
                &Value::from(key.as_str()),
                CONFIG_KEY_HELP,
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::resource::{Catalog, GroupResource};
    use serde_json::json;

    fn rt(gr: &GroupResource) -> std::sync::Arc<ResourceType> {
        Catalog::default()
            .by_group_resource(gr)
            .expect("built-in type")
    }

    #[test]
    fn names_follow_the_kind_rule() {
        assert!(name_problem(&rt(&resource::PODS), "web-1.example").is_none());
        assert!(name_problem(&rt(&resource::NAMESPACES), "a.b").is_some());
        assert!(name_problem(&rt(&resource::SERVICES), "1web").is_some());
        assert!(name_problem(&rt(&resource::PODS), "Web").is_some());
        assert_eq!(
            name_problem(&rt(&resource::NAMESPACES), &"a".repeat(64)).as_deref(),
            Some("must be no more than 63 characters")
        );
    }

    #[test]
    fn a_pod_needs_containers_with_images() {
        let causes = validate(
            &rt(&resource::PODS),
            &json!({ "metadata": { "name": "p" }, "spec": {} }),
        );
        assert_eq!(causes, vec![Cause::required("spec.containers", "")]);
        let pod =
            json!({ "metadata": { "name": "p" }, "spec": { "containers": [{ "name": "c" }] } });
        assert_eq!(
            validate(&rt(&resource::PODS), &pod)[0].field,
            "spec.containers[0].image"
        );
    }

    #[test]
    fn a_deployment_needs_a_selector_matching_its_template() {
        let deployment = json!({
            "metadata": { "name": "web" },
            "spec": {
                "selector": { "matchLabels": { "app": "web" } },
                "template": { "metadata": { "labels": { "app": "other" } },
                              "spec": { "containers": [{ "name": "c", "image": "nginx" }] } }
            }
        });
        let causes = validate(&rt(&resource::DEPLOYMENTS), &deployment);
        assert_eq!(causes.len(), 1);
        assert_eq!(causes[0].field, "spec.template.metadata.labels");
        let mut no_selector = deployment.clone();
        no_selector["spec"]
            .as_object_mut()
            .map(|s| s.remove("selector"));
        assert_eq!(
            validate(&rt(&resource::DEPLOYMENTS), &no_selector)[0].field,
            "spec.selector"
        );
    }
}
