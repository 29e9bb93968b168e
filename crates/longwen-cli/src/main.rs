//! `longwen`: the headless face of the engine. Names, output lines and exit codes are an
//! interface scripts rely on (see README, "Command line").

mod chats;
mod output;
mod strings;
mod view;

use chats::ChatsCommand;
use clap::{Args, Parser, Subcommand};
use longwen_core::error::Problem;
use longwen_core::types::{AnswerEvent, AskRequest, Document, DocumentProgress};
use longwen_core::{CancellationToken, Engine, EngineConfig, Error, Lang};
use output::Printer;
use std::io::{IsTerminal, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use strings::Text;

#[derive(Parser)]
#[command(
    name = "longwen",
    version,
    about = "Ask Qwen-Long about your documents"
)]
struct Cli {
    /// Service address, e.g. https://dashscope.aliyuncs.com/compatible-mode/v1
    #[arg(long, global = true, env = "LONGWEN_BASE_URL")]
    base_url: Option<String>,
    /// Folder holding longwen.db (shared with the desktop app)
    #[arg(long, global = true, env = "LONGWEN_DATA_DIR")]
    data_dir: Option<PathBuf>,
    /// Language of messages: zh or en (default: from the system locale)
    #[arg(long, global = true, value_parser = ["zh", "en"])]
    lang: Option<String>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// The API key, kept in the OS keyring
    #[command(subcommand)]
    Key(KeyCommand),
    /// Documents in the cloud
    #[command(subcommand)]
    Files(FilesCommand),
    /// Ask a question; the answer streams to stdout
    Ask(AskArgs),
    /// Conversations stored on this computer
    #[command(subcommand)]
    Chats(ChatsCommand),
}

#[derive(Subcommand)]
enum KeyCommand {
    /// Read the key from stdin and store it in the OS keyring
    Set,
    /// Say whether a key is set, and where (never prints the key)
    Status,
    /// Remove the key from the OS keyring
    Delete,
}

#[derive(Subcommand)]
enum FilesCommand {
    /// Upload files; prints ID<TAB>NAME<TAB>BYTES per file
    Upload {
        #[arg(required = true)]
        paths: Vec<PathBuf>,
    },
    /// List the files in the cloud
    List {
        #[arg(long)]
        json: bool,
    },
    /// Delete files from the cloud
    Delete {
        #[arg(required = true)]
        ids: Vec<String>,
    },
}

#[derive(Args)]
struct AskArgs {
    /// A document to ask about (repeatable)
    #[arg(short = 'f', long = "file")]
    files: Vec<PathBuf>,
    /// An already uploaded file id (repeatable)
    #[arg(long = "file-id")]
    file_ids: Vec<String>,
    /// Plain text to ask about, from a file or - for stdin (sent without upload)
    #[arg(long)]
    text: Option<String>,
    /// Continue this conversation
    #[arg(long)]
    chat: Option<i64>,
    /// Model (default: the one in settings, qwen-long)
    #[arg(long)]
    model: Option<String>,
    question: String,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let lang = cli
        .lang
        .as_deref()
        .and_then(Lang::parse)
        .unwrap_or_else(Lang::from_env);
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(1);
        }
    };
    let printer = Printer::new(lang);
    match runtime.block_on(run(cli, &printer)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            printer.error(&e);
            ExitCode::from(strings::exit_code(&e))
        }
    }
}

async fn run(cli: Cli, printer: &Printer) -> Result<(), Error> {
    let mut config = EngineConfig::from_env()?;
    if let Some(dir) = cli.data_dir {
        config.data_dir = dir;
    }
    if cli.base_url.is_some() {
        config.base_url_override = cli.base_url;
    }
    let engine = Engine::open(config)?;
    // The app's language setting (the environment's for "system") unless --lang was given.
    if cli.lang.is_none() {
        printer.set_lang(engine.settings()?.lang());
    }
    match cli.command {
        Command::Key(cmd) => key(&engine, cmd, printer).await,
        Command::Files(cmd) => files(&engine, cmd, printer).await,
        Command::Ask(args) => ask(&engine, args, printer).await,
        Command::Chats(cmd) => chats::run(&engine, cmd, printer.lang()),
    }
}

async fn key(engine: &Engine, cmd: KeyCommand, printer: &Printer) -> Result<(), Error> {
    match cmd {
        KeyCommand::Set => {
            let stdin = std::io::stdin();
            let key = if stdin.is_terminal() {
                rpassword::prompt_password(printer.text(Text::KeyPrompt)).map_err(unreadable)?
            } else {
                let mut s = String::new();
                stdin.lock().read_to_string(&mut s).map_err(unreadable)?;
                s
            };
            if key.trim().is_empty() {
                return Err(Error::invalid(Problem::EmptyKey));
            }
            let status = engine.set_key(key.trim())?;
            // Another key of the same account may have uploaded these documents already.
            // Best effort: offline, the next add uploads as before.
            let _ = engine.adopt_cloud_files().await;
            printer.key_status(&status, true);
        }
        KeyCommand::Status => printer.key_status(&engine.key_status()?, false),
        KeyCommand::Delete => {
            engine.delete_key()?;
            printer.key_status(&engine.key_status()?, false);
        }
    }
    Ok(())
}

async fn files(engine: &Engine, cmd: FilesCommand, printer: &Printer) -> Result<(), Error> {
    match cmd {
        FilesCommand::Upload { paths } => {
            let cancel = interrupt_token();
            for path in paths {
                let doc = add_document(engine, &path, printer, &cancel).await?;
                println!(
                    "{}\t{}\t{}",
                    doc.remote_id.unwrap_or_default(),
                    doc.name,
                    doc.size
                );
            }
        }
        FilesCommand::List { json } => {
            let files = engine.remote_files().await?;
            if json {
                println!(
                    "{}",
                    serde_json::to_string_pretty(&files).unwrap_or_default()
                );
            } else {
                for f in files {
                    println!("{}\t{}\t{}\t{}", f.id, f.filename, f.bytes, f.status);
                }
            }
        }
        FilesCommand::Delete { ids } => {
            for id in ids {
                engine.delete_remote_file(&id).await?;
                println!("{id}\tdeleted");
            }
        }
    }
    Ok(())
}

async fn add_document(
    engine: &Engine,
    path: &Path,
    printer: &Printer,
    cancel: &CancellationToken,
) -> Result<Document, Error> {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let progress = |p: DocumentProgress| printer.document_progress(&name, &p);
    let result = engine.add_document(path, &progress, cancel).await;
    printer.end_progress_line();
    result
}

async fn ask(engine: &Engine, args: AskArgs, printer: &Printer) -> Result<(), Error> {
    // What the engine refuses without the service is refused before any document is
    // uploaded: a question refused for its length must not cost an upload first.
    let question = args.question.trim();
    if question.is_empty() {
        return Err(Error::invalid(Problem::EmptyQuestion));
    }
    let documents = args.files.len() + args.file_ids.len() + usize::from(args.text.is_some());
    longwen_core::checks::check_document_count(documents)?;
    longwen_core::checks::check_question(question, documents > 0)?;
    let cancel = interrupt_token();
    let mut document_ids = Vec::new();
    for path in &args.files {
        document_ids.push(add_document(engine, path, printer, &cancel).await?.id);
    }
    if let Some(source) = &args.text {
        let text = read_text(source)?;
        let name = (source != "-").then(|| {
            PathBuf::from(source)
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default()
        });
        document_ids.push(engine.add_text(&text, name.as_deref())?.id);
    }
    let request = AskRequest {
        chat_id: args.chat,
        document_ids,
        file_ids: args.file_ids,
        question: args.question,
        model: args.model,
    };
    let mut stdout = std::io::stdout();
    let mut chat_id = None;
    let mut on_event = |event: AnswerEvent| match event {
        AnswerEvent::Started { chat_id: id, .. } => chat_id = Some(id),
        AnswerEvent::Delta { text } => {
            printer.end_progress_line();
            // A closed stdout (e.g. `| head`) must not abort the stored answer.
            let _ = stdout.write_all(text.as_bytes());
            let _ = stdout.flush();
        }
        AnswerEvent::Waiting {
            reason,
            retry_in_ms,
            ..
        } => printer.waiting(reason, retry_in_ms),
        AnswerEvent::Preparing { progress, .. } => printer.document_progress("", &progress),
        AnswerEvent::Usage { .. } => {}
    };
    let result = engine.ask(request, &cancel, &mut on_event).await;
    let _ = writeln!(stdout);
    match result {
        Ok(answer) => {
            let usage = answer.message.usage.unwrap_or_default();
            // What the app estimated the question would read, beside what the service counted.
            let estimated = answer
                .message
                .estimated_tokens
                .map(|e| format!(" estimated={e}"))
                .unwrap_or_default();
            eprintln!(
                "usage: prompt={} completion={} total={}{estimated}",
                usage.prompt_tokens, usage.completion_tokens, usage.total_tokens
            );
            eprintln!("chat: {}", answer.chat_id);
            Ok(())
        }
        Err(e) => {
            if let Some(id) = chat_id {
                printer.partial_kept(&e);
                eprintln!("chat: {id}");
            }
            Err(e)
        }
    }
}

/// A token cancelled by the first Ctrl-C; a second one exits at once.
fn interrupt_token() -> CancellationToken {
    let token = CancellationToken::new();
    let child = token.clone();
    tokio::spawn(async move {
        if tokio::signal::ctrl_c().await.is_ok() {
            child.cancel();
            if tokio::signal::ctrl_c().await.is_ok() {
                std::process::exit(130);
            }
        }
    });
    token
}

/// Reads a text document: UTF-8 (with or without BOM), else GB18030 (GBK files are common).
fn read_text(source: &str) -> Result<String, Error> {
    let bytes = if source == "-" {
        let mut b = Vec::new();
        std::io::stdin().read_to_end(&mut b).map_err(unreadable)?;
        b
    } else {
        let path = PathBuf::from(source);
        if path.is_dir() {
            return Err(Error::input_is_directory(&path));
        }
        std::fs::read(&path).map_err(|_| Error::input_missing(&path))?
    };
    let text = decode_text(&bytes);
    if text.trim().is_empty() {
        return Err(Error::input_empty(Path::new(source)));
    }
    Ok(text)
}

/// Reading stdin or the terminal failed: bad input, in the io error's own words.
fn unreadable(e: std::io::Error) -> Error {
    Error::InvalidArgument {
        problem: Problem::UnreadableInput,
        value: String::new(),
        detail: e.to_string(),
    }
}

fn decode_text(bytes: &[u8]) -> String {
    let (text, _, had_errors) = encoding_rs::UTF_8.decode(bytes);
    if !had_errors {
        return text.into_owned();
    }
    encoding_rs::GB18030.decode(bytes).0.into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_utf8_bom_and_gbk() {
        assert_eq!(decode_text("合同".as_bytes()), "合同");
        let (gbk, _, _) = encoding_rs::GBK.encode("年休假");
        assert_eq!(decode_text(&gbk), "年休假");
    }

    #[test]
    fn cli_parses_the_documented_interface() {
        Cli::try_parse_from([
            "longwen",
            "--lang",
            "zh",
            "ask",
            "-f",
            "a.docx",
            "-f",
            "b.pdf",
            "--file-id",
            "file-fe-1",
            "--text",
            "-",
            "--chat",
            "3",
            "--model",
            "qwen-long",
            "Q?",
        ])
        .unwrap();
        Cli::try_parse_from(["longwen", "files", "list", "--json"]).unwrap();
        Cli::try_parse_from(["longwen", "chats", "show", "2", "--json"]).unwrap();
        assert!(Cli::try_parse_from(["longwen", "files", "upload"]).is_err());
    }
}
