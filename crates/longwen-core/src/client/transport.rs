//! Transport failures named by reqwest's own predicates and the typed errors in their source
//! chain (never by words, but for one case said below).

use crate::error::{Cut, Error, Waited};

/// Transport failures: timeout, proxy, TLS or plain network. `proxied`: whether a proxy
/// applies to the address, so that failing to connect is the proxy's fault (its refusals,
/// such as a failed CONNECT tunnel, are connect errors too), unless TLS with the service
/// behind it failed.
pub(crate) fn map_reqwest(e: reqwest::Error, proxied: bool) -> Error {
    // The words are only the detail; the kind comes from predicates and types.
    let detail = chain_text(&e);
    let tls = is_tls(&e);
    if e.is_timeout() {
        Error::Timeout {
            waited: Waited::Request,
            secs: 0,
            detail,
        }
    } else if e.is_connect() && proxied && (!tls || tunnel_failed(&e)) {
        Error::Proxy { detail }
    } else if tls {
        Error::Tls { detail }
    } else {
        Error::Network { detail }
    }
}

/// A body error while reading the answer stream: the answer was cut, unless it was a timeout.
pub(crate) fn map_body_error(e: reqwest::Error) -> Error {
    match map_reqwest(e, false) {
        e @ Error::Timeout { .. } => e,
        other => Error::StreamCut {
            cause: Cut::Transport,
            detail: other.to_string(),
        },
    }
}

/// An upload whose body could not be written: the server closed the connection while the
/// body was still going (it may have answered early, from the headers alone).
pub(crate) fn body_write_failed(e: &reqwest::Error) -> bool {
    !e.is_connect()
        && !e.is_timeout()
        && io_kinds(e).any(|k| {
            matches!(
                k,
                std::io::ErrorKind::BrokenPipe | std::io::ErrorKind::ConnectionReset
            )
        })
}

/// The reqwest error's own Display hides the cause; the chain says what really failed.
fn chain_text(e: &reqwest::Error) -> String {
    let mut text = e.to_string();
    let mut src = std::error::Error::source(e);
    while let Some(s) = src {
        text.push_str(": ");
        text.push_str(&s.to_string());
        src = s.source();
    }
    text
}

type DynError = dyn std::error::Error + 'static;

/// Every error in the chain. io::Errors nest (Other around InvalidData around rustls::Error)
/// and hide their inner error from `source`, so look inside them with `get_ref`.
fn chain(e: &DynError) -> impl Iterator<Item = &DynError> {
    std::iter::successors(Some(e), |&err| {
        match err
            .downcast_ref::<std::io::Error>()
            .and_then(|io| io.get_ref())
        {
            Some(inner) => Some(inner as &DynError),
            None => err.source(),
        }
    })
}

fn io_kinds(e: &DynError) -> impl Iterator<Item = std::io::ErrorKind> + '_ {
    chain(e).filter_map(|err| err.downcast_ref::<std::io::Error>().map(|io| io.kind()))
}

/// A rustls failure anywhere in the chain, or a peer that hung up while connecting: over
/// https that can only be the TLS handshake, which tokio-rustls reports as a bare
/// `UnexpectedEof` (a proxy tunnel's own end-of-file is a different error).
fn is_tls(e: &reqwest::Error) -> bool {
    chain(e).any(|err| err.is::<rustls::Error>())
        || (e.is_connect() && io_kinds(e).any(|k| k == std::io::ErrorKind::UnexpectedEof))
}

/// The one case told by words: TLS that failed with an https proxy itself, not with the
/// service behind it. hyper-util keeps its CONNECT tunnel's error type private, so its
/// Display prefix is the only sign. Asked only of connect errors through a proxy.
fn tunnel_failed(e: &reqwest::Error) -> bool {
    chain(e).any(|err| err.to_string().starts_with("tunnel error"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nested_io_errors_are_looked_into() {
        let tls = rustls::Error::General("bad".into());
        let io = std::io::Error::other(std::io::Error::new(std::io::ErrorKind::InvalidData, tls));
        assert!(chain(&io).any(|e| e.is::<rustls::Error>()));
        let pipe = std::io::Error::other(std::io::Error::from(std::io::ErrorKind::BrokenPipe));
        assert!(io_kinds(&pipe).any(|k| k == std::io::ErrorKind::BrokenPipe));
    }
}
