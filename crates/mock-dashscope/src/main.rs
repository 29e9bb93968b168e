//! `mock-dashscope [--port N] [--parse-delay-ms N] [--chunk-delay-ms N] [--report-parsing]`
//! Prints `listening on http://127.0.0.1:PORT/compatible-mode/v1` as its first stdout line.

use mock_dashscope::{MockConfig, MockServer};
use std::io::Write;
use std::time::Duration;

fn usage() -> ! {
    eprintln!(
        "usage: mock-dashscope [--port N] [--parse-delay-ms N] [--chunk-delay-ms N] [--report-parsing]"
    );
    std::process::exit(2)
}

fn main() {
    let mut config = MockConfig::default();
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        match flag.as_str() {
            "-h" | "--help" => usage(),
            "--report-parsing" => {
                config.report_parsing = true;
                continue;
            }
            _ => {}
        }
        let value: u64 = match args.next().map(|v| v.parse()) {
            Some(Ok(v)) => v,
            _ => usage(),
        };
        match flag.as_str() {
            "--port" => config
                .addr
                .set_port(u16::try_from(value).unwrap_or_else(|_| usage())),
            "--parse-delay-ms" => config.parse_delay = Duration::from_millis(value),
            "--chunk-delay-ms" => config.chunk_delay = Duration::from_millis(value),
            _ => usage(),
        }
    }
    let rt = tokio::runtime::Runtime::new().expect("tokio runtime");
    rt.block_on(async {
        let server = match MockServer::start(config).await {
            Ok(s) => s,
            Err(e) => {
                eprintln!("mock-dashscope: cannot listen: {e}");
                std::process::exit(1)
            }
        };
        let mut out = std::io::stdout();
        let _ = writeln!(out, "listening on {}", server.base_url());
        let _ = out.flush();
        tokio::select! {
            _ = server.wait() => {}
            _ = tokio::signal::ctrl_c() => {}
        }
    });
}
