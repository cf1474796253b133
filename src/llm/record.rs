//! Placeholder; replaced by the provider implementation.
use super::{ChatRequest, LlmEvent, Provider};
use futures::stream::BoxStream;
use std::sync::Arc;
pub struct RecordingProvider(Arc<dyn Provider>);
impl RecordingProvider {
    pub fn new(p: Arc<dyn Provider>, _path: std::path::PathBuf) -> Self {
        Self(p)
    }
}
impl Provider for RecordingProvider {
    fn label(&self) -> String {
        self.0.label()
    }
    fn stream(&self, r: ChatRequest) -> BoxStream<'static, LlmEvent> {
        self.0.stream(r)
    }
}
