//! Reasoning that some models (DeepSeek-R1, Qwen3, …) write before their answer in
//! `<think>…</think>`: it is not the answer, and its draft plans must not compete with it.

const CLOSING_TAGS: [&str; 2] = ["</think>", "</thinking>"];
const OPENING_TAGS: [&str; 2] = ["<think>", "<thinking>"];

/// The answer without its reasoning, or `None` when the reply has no reasoning block.
///
/// Everything up to the last closing tag is reasoning, opened or not (some chat templates put
/// the opening tag in the prompt). An opening tag that is never closed means the answer never
/// came: what is before the tag is kept.
pub(super) fn without_reasoning(reply: &str) -> Option<&str> {
    let after_last_close = CLOSING_TAGS
        .iter()
        .filter_map(|tag| reply.rfind(tag).map(|at| at + tag.len()))
        .max();
    if let Some(answer_start) = after_last_close {
        return Some(&reply[answer_start..]);
    }
    OPENING_TAGS
        .iter()
        .filter_map(|tag| reply.find(tag))
        .min()
        .map(|reasoning_start| &reply[..reasoning_start])
}
