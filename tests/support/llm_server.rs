//! A scripted HTTP/1.1 server on loopback for provider tests: captures each request and
//! answers with exact bytes, written piece by piece with a flush after each piece, then
//! closes the connection (every reply says `connection: close`).
#![allow(dead_code, clippy::unwrap_used)]

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures::{Stream, StreamExt};
use kubevibe::llm::{LlmError, LlmErrorKind, LlmEvent, LlmSettings, ProviderKind, RetryPolicy};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

/// Upper bound for anything a test awaits; reaching it means the code under test hung.
pub const DEADLINE: Duration = Duration::from_secs(20);

/// A request as the server read it.
#[derive(Debug, Clone)]
pub struct Captured {
    /// Which accepted connection carried it, counting from 0.
    pub connection: usize,
    pub method: String,
    pub path: String,
    /// Names lowercased, in arrival order.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Captured {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).expect("the request body is JSON")
    }

    /// Everything the client sent, for "this never appears anywhere" checks.
    pub fn raw_text(&self) -> String {
        let mut text = format!("{} {}\n", self.method, self.path);
        for (name, value) in &self.headers {
            text.push_str(&format!("{name}: {value}\n"));
        }
        text.push_str(&String::from_utf8_lossy(&self.body));
        text
    }
}

#[derive(Debug)]
pub enum Seen {
    Request(Captured),
    /// The client closed a connection the server was holding open (`Step::StallUntilClosed`).
    ClientClosed {
        connection: usize,
    },
}

#[derive(Debug, Clone)]
enum Step {
    Write(Vec<u8>),
    StallUntilClosed,
}

/// One scripted response.
#[derive(Debug, Clone)]
pub struct Reply {
    steps: Vec<Step>,
}

const SSE_HEAD_CHUNKED: &str = "HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ncache-control: no-cache\r\ntransfer-encoding: chunked\r\n";

fn chunk(piece: &[u8]) -> Vec<u8> {
    let mut bytes = format!("{:x}\r\n", piece.len()).into_bytes();
    bytes.extend_from_slice(piece);
    bytes.extend_from_slice(b"\r\n");
    bytes
}

impl Reply {
    /// 200 with chunked transfer encoding, one HTTP chunk per piece, properly terminated.
    pub fn sse(pieces: &[&str]) -> Self {
        Self::sse_bytes(
            pieces
                .iter()
                .map(|piece| piece.as_bytes().to_vec())
                .collect(),
        )
    }

    /// Like [`Reply::sse`] with pieces that may end inside a UTF-8 character.
    pub fn sse_bytes(pieces: Vec<Vec<u8>>) -> Self {
        let mut reply = Self::sse_unterminated(pieces);
        reply.steps.push(Step::Write(b"0\r\n\r\n".to_vec()));
        reply
    }

    /// Chunked pieces, then the server closes without the terminating chunk.
    pub fn sse_then_cut(pieces: &[&str]) -> Self {
        Self::sse_unterminated(
            pieces
                .iter()
                .map(|piece| piece.as_bytes().to_vec())
                .collect(),
        )
    }

    /// Chunked pieces, then silence until the client gives up and closes the connection.
    pub fn sse_then_stall(pieces: &[&str]) -> Self {
        let mut reply = Self::sse_unterminated(
            pieces
                .iter()
                .map(|piece| piece.as_bytes().to_vec())
                .collect(),
        );
        reply.steps.push(Step::StallUntilClosed);
        reply
    }

    /// 200 without length or chunking: the body ends when the server closes (HTTP/1.0 style).
    pub fn sse_until_close(pieces: &[&str]) -> Self {
        let head =
            "HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\nconnection: close\r\n\r\n";
        let mut steps = vec![Step::Write(head.as_bytes().to_vec())];
        steps.extend(
            pieces
                .iter()
                .map(|piece| Step::Write(piece.as_bytes().to_vec())),
        );
        Self { steps }
    }

    fn sse_unterminated(pieces: Vec<Vec<u8>>) -> Self {
        let head = format!("{SSE_HEAD_CHUNKED}connection: close\r\n\r\n");
        let mut steps = vec![Step::Write(head.into_bytes())];
        steps.extend(pieces.iter().map(|piece| Step::Write(chunk(piece))));
        Self { steps }
    }

    /// A complete response with a `content-length` body.
    pub fn status(status: &str, headers: &[(&str, &str)], body: &str) -> Self {
        let mut head = format!(
            "HTTP/1.1 {status}\r\ncontent-length: {}\r\nconnection: close\r\n",
            body.len()
        );
        for (name, value) in headers {
            head.push_str(&format!("{name}: {value}\r\n"));
        }
        head.push_str("\r\n");
        head.push_str(body);
        Self {
            steps: vec![Step::Write(head.into_bytes())],
        }
    }

    /// A JSON error body with the given status line, e.g. `"401 Unauthorized"`.
    pub fn json_status(status: &str, body: &serde_json::Value) -> Self {
        Self::status(
            status,
            &[("content-type", "application/json")],
            &body.to_string(),
        )
    }
}

/// The server; aborted when dropped.
pub struct LlmServer {
    pub base_url: String,
    seen: mpsc::UnboundedReceiver<Seen>,
    task: JoinHandle<()>,
}

impl Drop for LlmServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl LlmServer {
    /// Serve `replies` in order, one per request, across connections. `path_prefix` is
    /// appended to the base URL (`/v1` for OpenAI-compatible servers).
    pub async fn start(path_prefix: &str, replies: Vec<Reply>) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = listener.local_addr().unwrap();
        let (seen_tx, seen) = mpsc::unbounded_channel();
        let script = Arc::new(Mutex::new(VecDeque::from(replies)));
        let task = tokio::spawn(async move {
            let mut connection = 0;
            while let Ok((socket, _)) = listener.accept().await {
                let _ = socket.set_nodelay(true);
                tokio::spawn(serve(
                    socket,
                    connection,
                    Arc::clone(&script),
                    seen_tx.clone(),
                ));
                connection += 1;
            }
        });
        Self {
            base_url: format!("http://{address}{path_prefix}"),
            seen,
            task,
        }
    }

    /// The next thing the server saw, waiting at most [`DEADLINE`].
    pub async fn next_seen(&mut self) -> Seen {
        tokio::time::timeout(DEADLINE, self.seen.recv())
            .await
            .expect("the server saw nothing before the deadline")
            .expect("the server stopped")
    }

    pub async fn next_request(&mut self) -> Captured {
        match self.next_seen().await {
            Seen::Request(request) => request,
            other => panic!("expected a request, got {other:?}"),
        }
    }

    /// Requests seen so far, without waiting.
    pub fn requests_so_far(&mut self) -> Vec<Captured> {
        let mut requests = Vec::new();
        while let Ok(seen) = self.seen.try_recv() {
            if let Seen::Request(request) = seen {
                requests.push(request);
            }
        }
        requests
    }
}

async fn serve(
    mut socket: TcpStream,
    connection: usize,
    script: Arc<Mutex<VecDeque<Reply>>>,
    seen: mpsc::UnboundedSender<Seen>,
) {
    let Some(request) = read_request(&mut socket, connection).await else {
        return;
    };
    let _ = seen.send(Seen::Request(request));
    let reply = script.lock().unwrap().pop_front().unwrap_or_else(|| {
        Reply::status(
            "599 Unscripted",
            &[],
            "the test scripted no reply for this request",
        )
    });
    for step in &reply.steps {
        match step {
            Step::Write(bytes) => {
                if socket.write_all(bytes).await.is_err() || socket.flush().await.is_err() {
                    return;
                }
            }
            Step::StallUntilClosed => {
                let mut sink = [0u8; 1024];
                while matches!(socket.read(&mut sink).await, Ok(n) if n > 0) {}
                let _ = seen.send(Seen::ClientClosed { connection });
                return;
            }
        }
    }
    let _ = socket.shutdown().await;
}

async fn read_request(socket: &mut TcpStream, connection: usize) -> Option<Captured> {
    let mut buffer = Vec::new();
    let head_end = loop {
        if let Some(end) = buffer.windows(4).position(|window| window == b"\r\n\r\n") {
            break end + 4;
        }
        let mut piece = [0u8; 4096];
        let read = socket.read(&mut piece).await.ok()?;
        if read == 0 {
            return None;
        }
        buffer.extend_from_slice(&piece[..read]);
    };
    let head = String::from_utf8(buffer[..head_end].to_vec()).ok()?;
    let mut lines = head.split("\r\n");
    let mut request_line = lines.next()?.split(' ');
    let method = request_line.next()?.to_owned();
    let path = request_line.next()?.to_owned();
    let headers: Vec<(String, String)> = lines
        .filter(|line| !line.is_empty())
        .filter_map(|line| line.split_once(':'))
        .map(|(name, value)| (name.trim().to_lowercase(), value.trim().to_owned()))
        .collect();
    let length: usize = headers
        .iter()
        .find(|(name, _)| name == "content-length")
        .and_then(|(_, value)| value.parse().ok())
        .unwrap_or(0);
    while buffer.len() < head_end + length {
        let mut piece = [0u8; 4096];
        let read = socket.read(&mut piece).await.ok()?;
        if read == 0 {
            return None;
        }
        buffer.extend_from_slice(&piece[..read]);
    }
    let body = buffer[head_end..head_end + length].to_vec();
    Some(Captured {
        connection,
        method,
        path,
        headers,
        body,
    })
}

/// Every event of `stream`, failing the test if it does not end before [`DEADLINE`].
pub async fn collect(stream: impl Stream<Item = LlmEvent>) -> Vec<LlmEvent> {
    tokio::time::timeout(DEADLINE, stream.collect::<Vec<_>>())
        .await
        .expect("the stream did not end before the deadline")
}

/// The text of every token, joined.
pub fn text_of(events: &[LlmEvent]) -> String {
    events
        .iter()
        .filter_map(|event| match event {
            LlmEvent::Token(text) => Some(text.as_str()),
            _ => None,
        })
        .collect()
}

/// The final event, which the contract says is the only `Done` or `Error`.
pub fn terminal_error(events: &[LlmEvent]) -> &LlmError {
    let terminal: Vec<_> = events
        .iter()
        .filter(|event| matches!(event, LlmEvent::Done | LlmEvent::Error(_)))
        .collect();
    assert_eq!(
        terminal.len(),
        1,
        "exactly one terminal event in {events:?}"
    );
    match events.last() {
        Some(LlmEvent::Error(error)) => error,
        other => panic!("expected the stream to end with an error, got {other:?}"),
    }
}

pub fn assert_error_kind(events: &[LlmEvent], kind: LlmErrorKind) -> &LlmError {
    let error = terminal_error(events);
    assert_eq!(error.kind, kind, "{error:?}");
    error
}

pub fn settings(kind: ProviderKind, base_url: &str, api_key: Option<&str>) -> LlmSettings {
    LlmSettings {
        kind,
        provider: match kind {
            ProviderKind::OpenAi => "openai".into(),
            ProviderKind::Anthropic => "anthropic".into(),
            ProviderKind::Replay => "replay".into(),
        },
        model: "test-model".into(),
        base_url: base_url.into(),
        api_key: api_key.map(Into::into),
        connect_timeout: Duration::from_secs(5),
        idle_timeout: Duration::from_secs(10),
        max_retries: 2,
        replay_speed: 1.0,
        record_to: None,
    }
}

/// Retries a few milliseconds apart, so tests wait for nothing.
pub fn fast_retries(max_retries: u32) -> RetryPolicy {
    RetryPolicy::new(max_retries).with_delays(Duration::from_millis(5), Duration::from_millis(20))
}

/// A port nobody listens on: bound, then released.
pub async fn dead_port_url(path_prefix: &str) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    drop(listener);
    format!("http://{address}{path_prefix}")
}

/// `text` cut at byte offsets, so pieces may end inside a UTF-8 character.
pub fn cut_bytes(text: &str, cuts: &[usize]) -> Vec<Vec<u8>> {
    let mut bounds = vec![0];
    bounds.extend_from_slice(cuts);
    bounds.push(text.len());
    bounds
        .windows(2)
        .map(|pair| text.as_bytes()[pair[0]..pair[1]].to_vec())
        .collect()
}

/// Byte offsets that fall inside the first occurrence of each of `chars`, one past its start.
pub fn inside_each(text: &str, chars: &[char]) -> Vec<usize> {
    let mut cuts: Vec<usize> = chars
        .iter()
        .map(|c| text.find(*c).expect("the character occurs") + 1)
        .collect();
    cuts.sort_unstable();
    cuts
}
