//! The demo driven end to end in a pseudo-terminal, as a user would: focus the watch pane,
//! list and filter pods, open the crash-looping rollout, forward a port of the web service and
//! fetch a page through it with a real TCP client, then quit and find everything stopped.
#![cfg(unix)]

#[path = "support/pty.rs"]
mod pty;

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::Duration;

use pty::PtyApp;

/// A give-up deadline that only catches hangs: the CI machine is slow and loaded.
const WAIT: Duration = Duration::from_secs(60);

/// Where a pane's top-left corner is drawn: its border colour tells whether it has focus.
fn corner(title: &str) -> String {
    format!("┌ {title}")
}

fn border_color(app: &PtyApp, title: &str) -> Option<vt100::Color> {
    app.colors_of(&corner(title)).map(|(fg, _)| fg)
}

/// Whether the table row whose first cell is `name` (right after the pane's left border) is
/// the selected one: it is the row drawn on a background.
fn row_selected(app: &PtyApp, name: &str) -> bool {
    let Some((row, col)) = app.position_of(&format!("│{name} ")) else {
        return false;
    };
    app.colors_at(row, col + 1)
        .is_some_and(|(_, bg)| bg != vt100::Color::Default)
}

/// Screen lines that hold a table row starting with `prefix` (right after a border).
fn table_rows(screen: &str, prefix: &str) -> usize {
    let needle = format!("│{prefix}");
    screen.lines().filter(|l| l.contains(&needle)).count()
}

/// The forward row for `target` (`svc/web:80`), once it is on screen.
fn forward_line(screen: &str, target: &str) -> Option<String> {
    screen
        .lines()
        .find(|l| l.contains(&format!("→ {target}")))
        .map(str::to_string)
}

/// The local port of the forward row: the word before ` → ` (`8080` or `127.0.0.1:8080`).
fn local_port(line: &str) -> u16 {
    let before = line.split(" → ").next().unwrap_or_default();
    let word = before.split_whitespace().last().unwrap_or_default();
    let port = word.rsplit(':').next().unwrap_or_default();
    port.parse()
        .unwrap_or_else(|_| panic!("no local port in the forward row {line:?}"))
}

/// Whether the row's byte counter ending in `arrow` (`151B↓`, `1.2k↑`) is above zero.
fn moved(line: &str, arrow: char) -> bool {
    line.split_whitespace()
        .filter_map(|word| word.strip_suffix(arrow))
        .any(|count| count != "0B")
}

/// An HTTP GET through the forward; returns the reply once it holds `expected` (or at its end).
fn http_get(port: u16, expected: &str) -> String {
    let address = SocketAddr::from(([127, 0, 0, 1], port));
    let mut stream =
        TcpStream::connect_timeout(&address, WAIT).expect("connect to the forwarded port");
    stream.set_read_timeout(Some(WAIT)).expect("read timeout");
    stream
        .write_all(b"GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
        .expect("send the request");
    let mut reply = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        let n = stream.read(&mut buf).expect("read the reply");
        if n == 0 {
            break;
        }
        reply.extend_from_slice(&buf[..n]);
        let text = String::from_utf8_lossy(&reply);
        if text
            .split_once(expected)
            .is_some_and(|(_, rest)| rest.contains('\n'))
        {
            break;
        }
    }
    String::from_utf8_lossy(&reply).into_owned()
}

#[test]
fn the_demo_end_to_end_watch_filter_rollout_forward_and_quit() {
    let mut app = PtyApp::spawn(&["demo"], 160, 48);
    app.wait_for("DEMO ⎈ kubevibe-demo", WAIT);
    app.wait_for(&corner("watch"), WAIT);

    // 1. Tab twice (chat → plan → watch): the focused border colour moves with it.
    let focused = border_color(&app, "chat").expect("the chat pane's corner");
    let unfocused = border_color(&app, "watch").expect("the watch pane's corner");
    assert_ne!(focused, unfocused, "the focused pane is drawn apart");
    app.send(b"\t");
    app.wait_until_app(WAIT, "focus on the plan pane", |app| {
        border_color(app, "plan") == Some(focused) && border_color(app, "chat") == Some(unfocused)
    });
    app.send(b"\t");
    app.wait_until_app(WAIT, "focus on the watch pane", |app| {
        border_color(app, "watch") == Some(focused) && border_color(app, "plan") == Some(unfocused)
    });

    app.send(b":pods\r");
    // The web pods must be ready before their service is forwarded (step 4).
    app.wait_until(WAIT, "pods of shop, checkout and ready web ones", |s| {
        s.contains("pods · shop")
            && table_rows(s, "checkout-") >= 1
            && table_rows(s, "web-") >= 1
            && s.lines()
                .filter(|l| l.contains("│web-"))
                .all(|l| l.contains(" 1/1 ") && l.contains("Running"))
    });
    assert!(
        !app.contents().contains(":pods"),
        "the command went to the watch pane, not the chat input"
    );

    // 2. A filter keeps the matching rows only; `/` then Esc clears it.
    app.send(b"/web\r");
    app.wait_until(WAIT, "only web pods", |s| {
        s.contains("filter web") && table_rows(s, "web-") >= 1 && table_rows(s, "checkout-") == 0
    });
    app.send(b"/");
    app.wait_for("│/web", WAIT);
    app.send(b"\x1b");
    app.wait_until(WAIT, "the filter cleared", |s| {
        !s.contains("filter web") && table_rows(s, "checkout-") >= 1
    });

    // 3. Deployments: checkout is the second row; r follows its rollout.
    app.send(b":deploy\r");
    app.wait_until(WAIT, "the deployments of shop", |s| {
        s.contains("deployments · shop") && table_rows(s, "checkout ") == 1
    });
    app.wait_until_app(WAIT, "the first deployment selected", |app| {
        row_selected(app, "cart")
    });
    app.send(b"j");
    app.wait_until_app(WAIT, "checkout selected", |app| {
        row_selected(app, "checkout") && !row_selected(app, "cart")
    });
    app.send(b"r");
    app.wait_for("deployment/checkout", WAIT);
    app.wait_until(WAIT, "the rollout stuck on CrashLoopBackOff", |s| {
        s.lines()
            .any(|l| l.contains("deployment/checkout") && l.contains("stuck: CrashLoopBackOff"))
    });

    // 4. Services: web is the last row; f forwards its only port.
    app.send(b":svc\r");
    app.wait_until(WAIT, "the services of shop", |s| {
        s.contains("services · shop") && table_rows(s, "web ") == 1
    });
    app.send(b"G");
    app.wait_until_app(WAIT, "web selected", |app| row_selected(app, "web"));
    app.send(b"f");
    app.wait_until(WAIT, "the forward to svc/web:80 listening", |s| {
        forward_line(s, "svc/web:80").is_some_and(|l| l.contains("listening"))
    });
    let row = forward_line(&app.contents(), "svc/web:80").expect("the forward row");
    let port = local_port(&row);
    let reply = http_get(port, "hello from shop/web-");
    assert!(
        reply.contains("hello from shop/web-"),
        "the reply through 127.0.0.1:{port} was:\n{reply}"
    );
    app.wait_until(WAIT, "the forward's byte counters to move", |s| {
        forward_line(s, "svc/web:80").is_some_and(|l| moved(&l, '↓') && moved(&l, '↑'))
    });

    // 5. q quits: the process exits cleanly, the terminal is restored, the port is closed.
    app.send(b"q");
    assert!(app.wait_exit(WAIT), "kubevibe exited with a failure");
    app.assert_terminal_restored();
    let address = SocketAddr::from(([127, 0, 0, 1], port));
    assert!(
        TcpStream::connect_timeout(&address, Duration::from_secs(5)).is_err(),
        "127.0.0.1:{port} still accepts connections after quitting"
    );
}
