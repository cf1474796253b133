//! Container logs: a bounded buffer of lines per (namespace, pod, container), the previous
//! container instance's lines, and live followers, who reach the end of the log when its
//! container instance exits (as `kubectl logs -f` does). Buffers go when their pod goes.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex, PoisonError};

use tokio::sync::broadcast;

/// One log line with the time it was written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LogLine {
    pub time: jiff::Timestamp,
    pub text: String,
}

type LogKey = (String, String, String);

struct Buffer {
    current: VecDeque<Arc<LogLine>>,
    previous: Vec<Arc<LogLine>>,
    /// False once the current instance has exited: nothing more will be written.
    running: bool,
    /// Made on the first `follow` and dropped when nobody follows any more, so that tens of
    /// thousands of containers nobody follows hold no channel (each preallocates its slots).
    followers: Option<broadcast::Sender<Arc<LogLine>>>,
}

/// Lines a slow follower may fall behind by before it skips ahead.
const FOLLOW_BACKLOG: usize = 1024;

impl Buffer {
    fn new() -> Self {
        Self {
            current: VecDeque::new(),
            previous: Vec::new(),
            running: true,
            followers: None,
        }
    }
}

/// A receiver that has already reached the end.
fn ended() -> broadcast::Receiver<Arc<LogLine>> {
    broadcast::channel(1).1
}

pub(crate) struct LogStore {
    buffers: Mutex<HashMap<LogKey, Buffer>>,
    max_lines: usize,
}

fn key(namespace: &str, pod: &str, container: &str) -> LogKey {
    (
        namespace.to_string(),
        pod.to_string(),
        container.to_string(),
    )
}

impl LogStore {
    pub fn new(max_lines: usize) -> Self {
        Self {
            buffers: Mutex::new(HashMap::new()),
            max_lines: max_lines.max(1),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<LogKey, Buffer>> {
        self.buffers.lock().unwrap_or_else(PoisonError::into_inner)
    }

    pub fn append(&self, namespace: &str, pod: &str, container: &str, text: String) {
        let line = Arc::new(LogLine {
            time: jiff::Timestamp::now(),
            text,
        });
        let mut buffers = self.lock();
        let buffer = buffers
            .entry(key(namespace, pod, container))
            .or_insert_with(Buffer::new);
        buffer.current.push_back(line.clone());
        while buffer.current.len() > self.max_lines {
            buffer.current.pop_front();
        }
        if let Some(followers) = &buffer.followers
            && followers.send(line).is_err()
        {
            // The last follower has gone.
            buffer.followers = None;
        }
    }

    /// Appends `lines` written together (one timestamp) to a container's log.
    pub fn append_lines(&self, namespace: &str, pod: &str, container: &str, lines: Vec<String>) {
        let time = jiff::Timestamp::now();
        let mut buffers = self.lock();
        let buffer = buffers
            .entry(key(namespace, pod, container))
            .or_insert_with(Buffer::new);
        for text in lines {
            let line = Arc::new(LogLine { time, text });
            buffer.current.push_back(line.clone());
            if let Some(followers) = &buffer.followers
                && followers.send(line).is_err()
            {
                buffer.followers = None;
            }
        }
        while buffer.current.len() > self.max_lines {
            buffer.current.pop_front();
        }
    }

    /// The container instance exited: its followers get the lines sent so far, then the end.
    pub fn end(&self, namespace: &str, pod: &str, container: &str) {
        let mut buffers = self.lock();
        let buffer = buffers
            .entry(key(namespace, pod, container))
            .or_insert_with(Buffer::new);
        buffer.running = false;
        buffer.followers = None;
    }

    /// The container restarted: its lines become `previous` and a new, empty log starts.
    /// Followers of the old instance reach their end.
    pub fn restart(&self, namespace: &str, pod: &str, container: &str) {
        let mut buffers = self.lock();
        let buffer = buffers
            .entry(key(namespace, pod, container))
            .or_insert_with(Buffer::new);
        buffer.previous = buffer.current.drain(..).collect();
        buffer.running = true;
        buffer.followers = None;
    }

    pub fn lines(
        &self,
        namespace: &str,
        pod: &str,
        container: &str,
        previous: bool,
    ) -> Vec<Arc<LogLine>> {
        let buffers = self.lock();
        let Some(buffer) = buffers.get(&key(namespace, pod, container)) else {
            return Vec::new();
        };
        if previous {
            buffer.previous.clone()
        } else {
            buffer.current.iter().cloned().collect()
        }
    }

    /// The lines so far and a receiver for every later one; the receiver closes when the
    /// instance exits or the pod goes, and is closed already if the instance has exited.
    pub fn follow(
        &self,
        namespace: &str,
        pod: &str,
        container: &str,
    ) -> (Vec<Arc<LogLine>>, broadcast::Receiver<Arc<LogLine>>) {
        let mut buffers = self.lock();
        let buffer = buffers
            .entry(key(namespace, pod, container))
            .or_insert_with(Buffer::new);
        let live = if buffer.running {
            buffer
                .followers
                .get_or_insert_with(|| broadcast::channel(FOLLOW_BACKLOG).0)
                .subscribe()
        } else {
            ended()
        };
        (buffer.current.iter().cloned().collect(), live)
    }

    pub fn drop_pod(&self, namespace: &str, pod: &str) {
        self.lock()
            .retain(|(ns, name, _), _| ns != namespace || name != pod);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(lines: &[Arc<LogLine>]) -> Vec<&str> {
        lines.iter().map(|l| l.text.as_str()).collect()
    }

    #[test]
    fn keeps_the_newest_lines_and_the_previous_instance() {
        let logs = LogStore::new(2);
        for text in ["a", "b", "c"] {
            logs.append("ns", "p", "c", text.to_string());
        }
        assert_eq!(texts(&logs.lines("ns", "p", "c", false)), ["b", "c"]);
        logs.restart("ns", "p", "c");
        logs.append("ns", "p", "c", "d".to_string());
        assert_eq!(texts(&logs.lines("ns", "p", "c", true)), ["b", "c"]);
        assert_eq!(texts(&logs.lines("ns", "p", "c", false)), ["d"]);
    }

    #[tokio::test]
    async fn followers_see_new_lines_and_end_with_the_pod() {
        let logs = LogStore::new(10);
        logs.append("ns", "p", "c", "before".to_string());
        let (past, mut live) = logs.follow("ns", "p", "c");
        assert_eq!(texts(&past), ["before"]);
        logs.append("ns", "p", "c", "after".to_string());
        assert_eq!(
            live.recv().await.map(|l| l.text.clone()).ok().as_deref(),
            Some("after")
        );
        logs.drop_pod("ns", "p");
        assert!(matches!(
            live.recv().await,
            Err(broadcast::error::RecvError::Closed)
        ));
    }

    #[tokio::test]
    async fn followers_reach_the_end_when_the_instance_exits() {
        let logs = LogStore::new(10);
        logs.append("ns", "p", "c", "first".to_string());
        let (_, mut live) = logs.follow("ns", "p", "c");
        logs.append("ns", "p", "c", "panic: boom".to_string());
        logs.end("ns", "p", "c");
        assert_eq!(
            live.recv().await.map(|l| l.text.clone()).ok().as_deref(),
            Some("panic: boom")
        );
        assert!(matches!(
            live.recv().await,
            Err(broadcast::error::RecvError::Closed)
        ));

        let (past, mut late) = logs.follow("ns", "p", "c");
        assert_eq!(texts(&past), ["first", "panic: boom"]);
        assert!(matches!(
            late.recv().await,
            Err(broadcast::error::RecvError::Closed)
        ));

        logs.restart("ns", "p", "c");
        let (past, mut next) = logs.follow("ns", "p", "c");
        assert!(past.is_empty());
        logs.append("ns", "p", "c", "second".to_string());
        assert_eq!(
            next.recv().await.map(|l| l.text.clone()).ok().as_deref(),
            Some("second")
        );
    }
}
