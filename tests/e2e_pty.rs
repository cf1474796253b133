//! The real binary in a pseudo-terminal: the demo streams an answer on screen, and every way
//! out (quit key, SIGTERM) restores the terminal.
#![cfg(unix)]

#[path = "support/pty.rs"]
mod pty;

use std::time::Duration;

use pty::PtyApp;

const WAIT: Duration = Duration::from_secs(30);

#[test]
fn demo_streams_an_answer_then_quits_cleanly() {
    let mut app = PtyApp::spawn(&["demo", "--replay-speed", "20"], 120, 36);
    app.wait_for("why is checkout crashlooping?", WAIT);
    app.wait_for("press Enter to send it", WAIT);
    app.wait_for("DEMO ⎈ kubevibe-demo", WAIT);
    app.send(b"\r");
    app.wait_for("▌ you", WAIT);
    app.wait_for("▌ kubevibe", WAIT);
    app.wait_for("✓ done", WAIT);
    // Ctrl+C with nothing in flight quits.
    app.send(b"\x03");
    assert!(app.wait_exit(WAIT), "kubevibe exited with a failure");
    app.assert_terminal_restored();
}

#[test]
fn sigterm_and_sighup_restore_the_terminal() {
    for signal in ["-TERM", "-HUP"] {
        let mut app = PtyApp::spawn(&["demo"], 100, 30);
        app.wait_for("DEMO ⎈ kubevibe-demo", WAIT);
        let pid = app.child.process_id().expect("pid");
        let status = std::process::Command::new("kill")
            .args([signal, &pid.to_string()])
            .status()
            .expect("kill");
        assert!(status.success());
        assert!(app.wait_exit(WAIT), "kubevibe failed after kill {signal}");
        app.assert_terminal_restored();
    }
}

#[test]
fn a_broken_config_file_opens_the_cockpit_and_names_the_mistake() {
    let mut app = PtyApp::spawn_with(&["demo", "--replay-speed", "20"], 120, 36, |home| {
        let dir = home.join("config");
        std::fs::create_dir_all(&dir).expect("config dir");
        std::fs::write(dir.join("config.toml"), "[llm]\nidle_timeout_secs = = 5\n")
            .expect("config");
    });
    app.wait_for("config.toml:2:21: TOML syntax error", WAIT);
    app.wait_for("✖ error", WAIT);
    app.wait_for("using defaults", WAIT);
    app.send(b"\r");
    app.wait_for("✓ done", WAIT);
    app.send(b"\x03");
    assert!(app.wait_exit(WAIT));
    app.assert_terminal_restored();
}

#[test]
fn a_tiny_terminal_shows_one_pane_and_a_hint() {
    let mut app = PtyApp::spawn(&["demo"], 60, 20);
    app.wait_for("60x20: showing chat", WAIT);
    app.send(b"\t");
    app.wait_until(WAIT, "the plan pane", |s| {
        s.contains("plan") && s.contains("No plan yet")
    });
    app.send(b"q");
    assert!(app.wait_exit(WAIT));
    app.assert_terminal_restored();
}

#[path = "support/sim.rs"]
mod sim;

#[test]
fn demo_plan_is_approved_and_kubectl_runs_against_the_demo_cluster() {
    if !sim::kubectl_available() {
        return;
    }
    let mut app = PtyApp::spawn(&["demo", "--replay-speed", "20"], 160, 48);
    app.wait_for("DEMO ⎈ kubevibe-demo", WAIT);
    app.send(b"\r");
    // The plan waits in the plan pane; nothing runs before the key.
    app.wait_for("[read] $ kubectl --context kubevibe-demo", WAIT);
    app.wait_for("y approves", WAIT);
    assert!(!app.contents().contains("exit 0 in"));
    app.send(b"y");
    app.wait_for("exit 0 in", WAIT);
    // The plan's second step reads logs (data egress): it waits for its own key.
    app.wait_for("[data-egress] $ kubectl", WAIT);
    app.send(b"y");
    // Both outputs went back; the next plan (a write) waits for approval.
    app.wait_for("[write]", WAIT);
    app.send(b"\x03");
    assert!(app.wait_exit(WAIT), "kubevibe exited with a failure");
    app.assert_terminal_restored();
}

#[test]
fn the_demo_watch_pane_shows_checkout_crashlooping() {
    let mut app = PtyApp::spawn(&["demo"], 160, 48);
    app.wait_for("DEMO ⎈ kubevibe-demo", WAIT);
    app.wait_until(WAIT, "live checkout pods in CrashLoopBackOff", |s| {
        s.contains("pods · shop")
            && s.contains("● live")
            && s.lines()
                .any(|l| l.contains("checkout-") && l.contains("CrashLoopBackOff"))
    });
    app.send(b"\x03");
    assert!(app.wait_exit(WAIT), "kubevibe exited with a failure");
    app.assert_terminal_restored();
}
