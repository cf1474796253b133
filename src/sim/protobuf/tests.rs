//! Decoding protobuf bodies built with a small test writer.
use serde_json::json;

use super::*;

/// A minimal protobuf writer for building test bodies.
#[derive(Default)]
struct Writer(Vec<u8>);

impl Writer {
    fn varint(&mut self, mut value: u64) -> &mut Self {
        loop {
            let byte = (value & 0x7f) as u8;
            value >>= 7;
            if value == 0 {
                self.0.push(byte);
                return self;
            }
            self.0.push(byte | 0x80);
        }
    }

    fn int(&mut self, number: u32, value: i64) -> &mut Self {
        self.varint(u64::from(number) << 3).varint(value as u64)
    }

    fn bytes(&mut self, number: u32, value: &[u8]) -> &mut Self {
        self.varint((u64::from(number) << 3) | 2)
            .varint(value.len() as u64);
        self.0.extend_from_slice(value);
        self
    }

    fn text(&mut self, number: u32, value: &str) -> &mut Self {
        self.bytes(number, value.as_bytes())
    }

    fn done(&mut self) -> Vec<u8> {
        std::mem::take(&mut self.0)
    }
}

fn envelope(api_version: &str, kind: &str, raw: &[u8]) -> Vec<u8> {
    let type_meta = Writer::default().text(1, api_version).text(2, kind).done();
    let mut body = MAGIC.to_vec();
    body.extend(
        Writer::default()
            .bytes(1, &type_meta)
            .bytes(2, raw)
            .text(3, "")
            .text(4, "")
            .done(),
    );
    body
}

fn entry(key: &str, value: &[u8]) -> Vec<u8> {
    Writer::default().text(1, key).bytes(2, value).done()
}

#[test]
fn a_config_map_with_go_zero_values() {
    // ObjectMeta as Go writes it: every non-pointer field, empty or zero.
    let metadata = Writer::default()
        .text(1, "cfg")
        .text(2, "")
        .text(3, "")
        .int(7, 0)
        .bytes(8, &[])
        .bytes(11, &entry("app", b"web"))
        .done();
    let config_map = Writer::default()
        .bytes(1, &metadata)
        .bytes(2, &entry("a", b"1"))
        .bytes(3, &entry("bin", &[0, 1]))
        .done();
    let object = decode_object(&envelope("v1", "ConfigMap", &config_map)).expect("decodes");
    assert_eq!(
        object,
        json!({
            "apiVersion": "v1", "kind": "ConfigMap",
            "metadata": { "name": "cfg", "labels": { "app": "web" } },
            "data": { "a": "1" },
            "binaryData": { "bin": "AAE=" }
        })
    );
}

#[test]
fn special_types_and_meaningful_zeros() {
    let quantity = Writer::default().text(1, "250m").done();
    let requests = entry("cpu", &quantity);
    let resources = Writer::default().bytes(2, &requests).done();
    let port_name = Writer::default().int(1, 1).text(3, "http").done();
    let port = Writer::default()
        .int(3, 80)
        .bytes(4, &port_name)
        .int(5, 0)
        .done();
    let container = Writer::default()
        .text(1, "app")
        .text(2, "nginx")
        .bytes(8, &resources)
        .int(16, 0)
        .done();
    let pod_spec = Writer::default().bytes(2, &container).int(4, 0).done();
    let template = Writer::default().bytes(2, &pod_spec).done();
    let spec = Writer::default().int(1, 0).bytes(3, &template).done();
    let created = Writer::default().int(1, 1_700_000_000).done();
    let metadata = Writer::default().text(1, "web").bytes(8, &created).done();
    let deployment = Writer::default().bytes(1, &metadata).bytes(2, &spec).done();
    let object = decode_object(&envelope("apps/v1", "Deployment", &deployment)).expect("decodes");
    assert_eq!(object["spec"]["replicas"], 0);
    assert_eq!(
        object["metadata"]["creationTimestamp"],
        "2023-11-14T22:13:20Z"
    );
    let container = &object["spec"]["template"]["spec"]["containers"][0];
    assert_eq!(container["resources"]["requests"]["cpu"], "250m");
    assert!(container.get("stdin").is_none());
    assert_eq!(
        object["spec"]["template"]["spec"]["terminationGracePeriodSeconds"],
        0
    );
    let service_port = super::decode::message("core.v1.ServicePort", &port, 0)
        .ok()
        .expect("decodes");
    assert_eq!(service_port, json!({ "port": 80, "targetPort": "http" }));
}

#[test]
fn malformed_and_unknown_bodies_are_refused() {
    assert_eq!(
        decode_object(b"{}").expect_err("no magic").code().as_u16(),
        400
    );
    let truncated = envelope("v1", "ConfigMap", &[0x0a, 0x05, b'x']);
    assert_eq!(
        decode_object(&truncated)
            .expect_err("truncated")
            .code()
            .as_u16(),
        400
    );
    let unknown = envelope("example.com/v1", "Widget", &[]);
    assert_eq!(
        decode_object(&unknown)
            .expect_err("unknown kind")
            .code()
            .as_u16(),
        415
    );
}
