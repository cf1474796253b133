//! Snapshots of whole rendered messages: as text at two widths, and with styles in a buffer.
#![allow(clippy::unwrap_used)]

use kubevibe::ui::markdown::MarkdownDoc;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;

const ANSWER: &str = r#"## Why `web` is crash looping

The pod **web-7d9f** restarts because its *liveness probe* fails. See the
[probe docs](https://kubernetes.io/docs/tasks/configure-pod-container/).

1. Check the events:
   ```sh
   kubectl describe pod web-7d9f -n prod | tail -20
   ```
2. Raise the probe's `initialDelaySeconds`:
   - the app needs ~40 s to warm its cache
   - ~~restart the node~~ (not needed)

> Changing the probe triggers a rollout of every replica.

| pod | status | restarts |
|:----|:------:|---------:|
| web-7d9f | `CrashLoopBackOff` | 14 |
| web-5c2a | Running | 0 |

```yaml
livenessProbe:
  httpGet:
    path: /healthz
    port: 8080
  initialDelaySeconds: 45 # was 5
```

---
日本語のメッセージも正しく折り返されます。
"#;

fn rendered_text(source: &str, width: u16) -> String {
    let mut doc = MarkdownDoc::from_text(source);
    doc.layout(width);
    doc.lines(0..doc.height())
        .iter()
        .map(|line| {
            line.spans
                .iter()
                .map(|span| span.content.as_ref())
                .collect::<String>()
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn answer_at_sixty_columns() {
    insta::assert_snapshot!(rendered_text(ANSWER, 60));
}

#[test]
fn answer_at_twenty_eight_columns() {
    insta::assert_snapshot!(rendered_text(ANSWER, 28));
}

#[test]
fn styles_in_a_buffer() {
    let source = "# Pods\n\n- **web** is `Running`\n- see [logs](https://x.io)\n\n```json\n{\"ready\": true}\n```\n";
    let area = Rect::new(0, 0, 32, 7);
    let mut doc = MarkdownDoc::from_text(source);
    doc.layout(area.width);
    let mut buffer = Buffer::empty(area);
    for (y, line) in (0..area.height).zip(doc.lines(0..usize::from(area.height))) {
        buffer.set_line(0, y, line, area.width);
    }
    insta::assert_snapshot!(format!("{buffer:?}"));
}
