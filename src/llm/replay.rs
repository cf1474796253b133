//! Placeholder; replaced by the provider implementation.
use super::{ChatRequest, LlmError, LlmEvent, LlmSettings, Provider};
use futures::stream::BoxStream;
pub struct ReplayProvider;
impl ReplayProvider {
    pub fn from_settings(_s: &LlmSettings) -> Result<Self, LlmError> {
        Ok(Self)
    }
}
impl Provider for ReplayProvider {
    fn label(&self) -> String {
        String::new()
    }
    fn stream(&self, _r: ChatRequest) -> BoxStream<'static, LlmEvent> {
        Box::pin(futures::stream::empty())
    }
}
