//! Placeholder; replaced by the provider implementation.
use super::{ChatRequest, LlmError, LlmEvent, LlmSettings, Provider};
use futures::stream::BoxStream;
pub struct OpenAiProvider;
impl OpenAiProvider {
    pub fn new(_s: &LlmSettings) -> Result<Self, LlmError> {
        Ok(Self)
    }
}
impl Provider for OpenAiProvider {
    fn label(&self) -> String {
        String::new()
    }
    fn stream(&self, _r: ChatRequest) -> BoxStream<'static, LlmEvent> {
        Box::pin(futures::stream::empty())
    }
}
