//! Message building, exactly as the contract says.

use super::config::DEFAULT_INSTRUCTION;
use super::types::{ChatMessage, Role};

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

fn system(content: String) -> ChatMessage {
    ChatMessage {
        role: Role::System,
        content,
    }
}

/// The `fileid://A,fileid://B` content, or `None` without ids.
pub fn fileid_content(ids: &[String]) -> Option<String> {
    if ids.is_empty() {
        return None;
    }
    Some(
        ids.iter()
            .map(|id| format!("fileid://{id}"))
            .collect::<Vec<_>>()
            .join(","),
    )
}

/// instruction, `fileid://…` alone, plain texts, earlier turns, then the question.
pub fn build(ctx: &Context<'_>, question: &str) -> Vec<ChatMessage> {
    let instruction = if ctx.instruction.trim().is_empty() {
        DEFAULT_INSTRUCTION
    } else {
        ctx.instruction
    };
    let mut out = vec![system(instruction.to_string())];
    // The ids go alone: mixing other text into this message breaks the reference.
    out.extend(fileid_content(ctx.file_ids).map(system));
    out.extend(ctx.texts.iter().cloned().map(system));
    out.extend(ctx.history.iter().cloned());
    out.push(ChatMessage {
        role: Role::User,
        content: question.to_string(),
    });
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(role: Role, c: &str) -> ChatMessage {
        ChatMessage {
            role,
            content: c.into(),
        }
    }

    #[test]
    fn full_order() {
        let ids = vec!["file-fe-A".to_string(), "file-fe-B".to_string()];
        let texts = vec!["text one".to_string(), "text two".to_string()];
        let history = vec![m(Role::User, "q1"), m(Role::Assistant, "a1")];
        let ctx = Context {
            instruction: "Be brief.",
            file_ids: &ids,
            texts: &texts,
            history: &history,
        };
        let got = build(&ctx, "q2");
        assert_eq!(
            got,
            vec![
                m(Role::System, "Be brief."),
                m(Role::System, "fileid://file-fe-A,fileid://file-fe-B"),
                m(Role::System, "text one"),
                m(Role::System, "text two"),
                m(Role::User, "q1"),
                m(Role::Assistant, "a1"),
                m(Role::User, "q2"),
            ]
        );
    }

    #[test]
    fn no_ids_no_fileid_message_and_default_instruction() {
        let got = build(&Context::default(), "hi");
        assert_eq!(
            got,
            vec![
                m(Role::System, crate::client::DEFAULT_INSTRUCTION),
                m(Role::User, "hi")
            ]
        );
        let ids = vec!["file-fe-1".to_string()];
        let ctx = Context {
            instruction: "x",
            file_ids: &ids,
            ..Default::default()
        };
        assert_eq!(build(&ctx, "q")[1], m(Role::System, "fileid://file-fe-1"));
    }

    #[test]
    fn serialises_as_plain_strings() {
        let v = serde_json::to_value(m(Role::System, "fileid://a")).unwrap();
        assert_eq!(
            v,
            serde_json::json!({"role":"system","content":"fileid://a"})
        );
    }
}
