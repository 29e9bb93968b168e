//! Message building, exactly as the contract says.

use super::{ChatMessage, Role};

/// What one question refers to.
#[derive(Debug, Clone, Default)]
pub struct Context<'a> {
    pub instruction: &'a str,
    /// Remote ids; all go in one `fileid://A,fileid://B` system message.
    pub file_ids: &'a [String],
    /// Plain-text documents, one system message each.
    pub texts: &'a [String],
    /// Earlier user/assistant turns.
    pub history: &'a [ChatMessage],
}

/// instruction, `fileid://…` alone, plain texts, earlier turns, then the question.
pub fn build(ctx: &Context<'_>, question: &str) -> Vec<ChatMessage> {
    let _ = (ctx, question, Role::System);
    todo!()
}
