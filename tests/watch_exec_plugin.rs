//! A kubeconfig whose exec credential plugin fails: with fd 2 captured as the cockpit does
//! it, the plugin's stderr becomes a chat line (never written over the screen) and the watch
//! pane shows the failure. Its own test binary, as it redirects the process's fd 2.
#![allow(clippy::unwrap_used)]

#[path = "support/sim.rs"]
mod sim;
#[path = "support/watch_harness.rs"]
mod watch_harness;

use std::os::unix::fs::PermissionsExt;

use kubevibe::app::msg::Msg;
use kubevibe::terminal::stderr_capture::StderrCapture;
use watch_harness::Harness;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failing_exec_plugin_is_shown_in_chat_and_in_the_pane() {
    let sim = sim::TestSim::start().await;
    let plugin = sim.dir.path().join("corp-login");
    std::fs::write(
        &plugin,
        "#!/bin/sh\necho 'corp-login: your session expired, run: corp-login --renew' >&2\nexit 1\n",
    )
    .unwrap();
    std::fs::set_permissions(&plugin, std::fs::Permissions::from_mode(0o700)).unwrap();
    let yaml = sim.handle.kubeconfig_yaml(sim::CONTEXT);
    let token_line = yaml
        .lines()
        .find(|line| line.trim_start().starts_with("token:"))
        .unwrap()
        .to_string();
    let exec = format!(
        "    exec:\n      apiVersion: client.authentication.k8s.io/v1beta1\n      command: {}\n      interactiveMode: IfAvailable",
        plugin.display()
    );
    let kubeconfig = sim.dir.path().join("exec-kubeconfig");
    std::fs::write(&kubeconfig, yaml.replace(&token_line, &exec)).unwrap();

    let mut harness = Harness::new(kubeconfig, sim::CONTEXT, "default");
    let tx = harness.tx.clone();
    let capture = StderrCapture::start(move |line| {
        let _ = tx.blocking_send(Msg::Notice {
            text: format!("stderr: {line}"),
            error: true,
        });
    })
    .unwrap();
    harness
        .until(
            "the plugin's stderr in chat and the failure in the pane",
            |h| {
                h.chat().iter().any(|text| text.contains("session expired"))
                    && h.error().is_some_and(|e| e.contains("exec"))
            },
        )
        .await;
    capture.stop();
    let line = harness
        .chat()
        .into_iter()
        .find(|text| text.contains("session expired"))
        .unwrap();
    assert_eq!(
        line,
        "stderr: corp-login: your session expired, run: corp-login --renew"
    );
    let error = harness.error().unwrap();
    assert!(error.contains("exit status: 1"), "{error}");
}
