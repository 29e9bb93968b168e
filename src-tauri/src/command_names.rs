// Shared by build.rs (AppManifest::commands) and lib.rs (tests).

/// Every command the webview may call. Keep in sync with `generate_handler!` in lib.rs and
/// with docs/ipc.md (a unit test checks the capability file against this list).
pub const COMMANDS: &[&str] = &[
    "get_state",
    "save_settings",
    "set_api_key",
    "confirm_endpoint",
    "delete_api_key",
    "test_connection",
    "list_chats",
    "open_chat",
    "delete_chat",
    "watch_documents",
    "add_pending_documents",
    "discard_pending_documents",
    "pick_documents",
    "retry_document",
    "estimate_text",
    "add_text",
    "add_text_as_file",
    "remove_document",
    "ask",
    "stop_answer",
    "regenerate",
    "open_link",
];
