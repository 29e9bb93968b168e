//! Which links may leave the app for the system browser: absolute http(s) URLs to a public
//! host, with no user name or password in them. A link in an answer is the model's output:
//! it must not reach this computer's own services or the office network behind it.

use crate::error::{Error, Problem, Result};
use std::net::{Ipv4Addr, Ipv6Addr};

fn private_v4(ip: Ipv4Addr) -> bool {
    let [a, b, ..] = ip.octets();
    ip.is_private()
        || ip.is_loopback()
        || ip.is_link_local()
        || ip.is_unspecified()
        || ip.is_broadcast()
        // 100.64.0.0/10: carrier-grade NAT, private in practice.
        || (a == 100 && (64..128).contains(&b))
}

fn private_v6(ip: Ipv6Addr) -> bool {
    let first = ip.segments()[0];
    ip.is_loopback()
        || ip.is_unspecified()
        || (first & 0xfe00) == 0xfc00 // unique local fc00::/7
        || (first & 0xffc0) == 0xfe80 // link-local fe80::/10
        || ip.to_ipv4_mapped().is_some_and(private_v4)
}

/// The link, parsed, when it may be opened.
pub fn check_link(link: &str) -> Result<url::Url> {
    // The link is not echoed back: it is the caller's own input and may carry anything.
    let refused = || Error::invalid(Problem::LinkNotAllowed);
    let parsed = url::Url::parse(link.trim()).map_err(|_| refused())?;
    if !matches!(parsed.scheme(), "http" | "https")
        || !parsed.username().is_empty()
        || parsed.password().is_some()
    {
        return Err(refused());
    }
    let public = match parsed.host() {
        Some(url::Host::Domain(d)) => {
            let d = d.trim_end_matches('.').to_ascii_lowercase();
            !d.is_empty() && d != "localhost" && !d.ends_with(".localhost")
        }
        Some(url::Host::Ipv4(ip)) => !private_v4(ip),
        Some(url::Host::Ipv6(ip)) => !private_v6(ip),
        None => false,
    };
    if !public {
        return Err(refused());
    }
    Ok(parsed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_public_web_links_open() {
        for ok in [
            "https://help.aliyun.com/zh/model-studio/",
            "http://example.com/a?b=c",
            "https://8.8.8.8/",
            "https://[2001:db8::1]/",
        ] {
            assert!(check_link(ok).is_ok(), "{ok}");
        }
        for bad in [
            "file:///etc/passwd",
            "javascript:alert(1)",
            "ftp://example.com",
            "data:text/html,hi",
            "/relative",
            "https://",
            "smb://server/share",
            "https://user:pw@example.com/",
            "https://user@example.com/",
            "http://localhost:8080/",
            "http://api.localhost/",
            "http://127.0.0.1/",
            "http://10.1.2.3/",
            "http://192.168.1.1/admin",
            "http://172.16.0.1/",
            "http://169.254.169.254/latest/meta-data/",
            "http://100.64.0.1/",
            "http://0.0.0.0/",
            "http://[::1]/",
            "http://[fe80::1]/",
            "http://[fd00::1]/",
            "http://[::ffff:192.168.0.1]/",
        ] {
            let e = check_link(bad).unwrap_err();
            assert_eq!(e.kind(), "invalid_argument", "{bad}");
        }
    }
}
