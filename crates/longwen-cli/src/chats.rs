//! `longwen chats …`: list, show, search and export conversations.

use crate::output;
use crate::strings::{self, Text};
use crate::view;
use clap::Subcommand;
use longwen_core::engine::ExportFormat;
use longwen_core::error::{Problem, StorageOp};
use longwen_core::export::ExportLabels;
use longwen_core::{Engine, Error, Lang};
use std::io::Write;
use std::path::PathBuf;

#[derive(Subcommand)]
pub enum ChatsCommand {
    List {
        #[arg(long)]
        json: bool,
    },
    Show {
        id: i64,
        #[arg(long)]
        json: bool,
    },
    /// Finds questions, answers, titles and document names (Chinese from 2 characters)
    Search {
        query: String,
        #[arg(long)]
        json: bool,
    },
    /// Writes a conversation as Markdown or Word
    Export {
        id: i64,
        /// md or docx
        #[arg(long, default_value = "md")]
        format: String,
        /// The file to write (`-`: stdout, Markdown only)
        #[arg(long, short)]
        output: PathBuf,
    },
}

pub fn run(engine: &Engine, cmd: ChatsCommand, lang: Lang) -> Result<(), Error> {
    match cmd {
        ChatsCommand::List { json } => {
            let chats = engine.chats()?;
            if json {
                println!(
                    "{}",
                    serde_json::to_string_pretty(&chats).unwrap_or_default()
                );
            } else {
                for c in chats {
                    println!(
                        "{}\t{}\t{}\t{}",
                        c.id,
                        output::format_time(c.updated_at),
                        c.message_count,
                        c.title
                    );
                }
            }
        }
        ChatsCommand::Show { id, json } => {
            let chat = engine.chat(id)?;
            if json {
                let view = view::ChatView::new(&chat, lang);
                println!(
                    "{}",
                    serde_json::to_string_pretty(&view).unwrap_or_default()
                );
            } else {
                output::print_chat(&chat, lang);
            }
        }
        ChatsCommand::Search { query, json } => {
            let hits = engine.search(&query, SEARCH_LIMIT)?;
            if json {
                println!(
                    "{}",
                    serde_json::to_string_pretty(&hits).unwrap_or_default()
                );
            }
            for h in hits.iter().filter(|_| !json) {
                // The match between »«, the rest as it is.
                let snippet: String = h
                    .snippet
                    .iter()
                    .map(|p| match p.mark {
                        true => format!("»{}«", p.text),
                        false => p.text.clone(),
                    })
                    .collect();
                let message = h.message_id.map(|m| m.to_string()).unwrap_or_default();
                println!("{}\t{}\t{}\t{}", h.chat_id, message, h.chat_title, snippet);
            }
        }
        ChatsCommand::Export { id, format, output } => {
            let format = match format.as_str() {
                "md" | "markdown" => ExportFormat::Markdown,
                "docx" => ExportFormat::Docx,
                other => return Err(Error::invalid_value(Problem::Unknown, other)),
            };
            let labels = ExportLabels {
                documents: strings::text(Text::DocumentsUsed, lang).into(),
                tokens: strings::text(Text::Tokens, lang).into(),
                utc_offset_minutes: output::utc_offset_minutes(),
            };
            let bytes = engine.export(id, format, &labels)?;
            let written = if output.as_os_str() == "-" && format == ExportFormat::Markdown {
                std::io::stdout().write_all(&bytes)
            } else {
                std::fs::write(&output, bytes)
            };
            written.map_err(|e| Error::Storage {
                op: StorageOp::WriteFile,
                detail: e.to_string(),
                path: Some(output),
            })?;
        }
    }
    Ok(())
}

/// The most search results printed.
const SEARCH_LIMIT: usize = 50;
