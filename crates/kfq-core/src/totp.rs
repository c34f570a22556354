//! 动态口令 — the time-based one-time passwords of RFC 6238 (HMAC-SHA1, 30-second steps, six
//! digits), as authenticator apps make them: the second factor of a sign-in.

use hmac::{Hmac, Mac};

/// Seconds a code lasts.
pub const STEP: u64 = 30;
/// How many steps either side of now a code is still taken (clock drift of a phone).
pub const DRIFT: u64 = 1;

/// The six-digit code of `secret` for the step that holds `unix_seconds`.
pub fn code_at(secret: &[u8], unix_seconds: u64) -> u32 {
    code_of_step(secret, unix_seconds / STEP)
}

fn code_of_step(secret: &[u8], step: u64) -> u32 {
    let Ok(mut mac) = Hmac::<sha1::Sha1>::new_from_slice(secret) else {
        return u32::MAX; // HMAC takes keys of any length; never reached.
    };
    mac.update(&step.to_be_bytes());
    let digest = mac.finalize().into_bytes();
    let offset = usize::from(digest[19] & 0x0f);
    let binary = u32::from_be_bytes([
        digest[offset] & 0x7f,
        digest[offset + 1],
        digest[offset + 2],
        digest[offset + 3],
    ]);
    binary % 1_000_000
}

/// The step a typed code belongs to, if it is a code of `secret` within [`DRIFT`] steps of
/// `unix_seconds` and later than `after_step` (a code is used once). Spaces are ignored.
pub fn check(
    secret: &[u8],
    typed: &str,
    unix_seconds: u64,
    after_step: Option<u64>,
) -> Option<u64> {
    let digits: String = typed.chars().filter(|c| !c.is_whitespace()).collect();
    if digits.len() != 6 || !digits.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let typed: u32 = digits.parse().ok()?;
    let now = unix_seconds / STEP;
    (now.saturating_sub(DRIFT)..=now + DRIFT)
        .filter(|step| after_step.is_none_or(|used| *step > used))
        .find(|step| code_of_step(secret, *step) == typed)
}

const ALPHABET: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/// RFC 4648 base32 without padding, as authenticator apps take a secret.
pub fn base32(bytes: &[u8]) -> String {
    let mut out = String::new();
    for chunk in bytes.chunks(5) {
        let mut block = [0u8; 5];
        block[..chunk.len()].copy_from_slice(chunk);
        let bits = block.iter().fold(0u64, |acc, b| (acc << 8) | u64::from(*b));
        let chars = (chunk.len() * 8).div_ceil(5);
        for i in 0..chars {
            let index = (bits >> (35 - 5 * i)) & 31;
            out.push(char::from(ALPHABET[index as usize]));
        }
    }
    out
}

/// Reads base32 (any case, spaces and padding ignored).
pub fn from_base32(text: &str) -> Option<Vec<u8>> {
    let mut bits: u64 = 0;
    let mut count = 0;
    let mut out = Vec::new();
    for c in text.chars().filter(|c| !c.is_whitespace() && *c != '=') {
        let value = ALPHABET
            .iter()
            .position(|a| char::from(*a) == c.to_ascii_uppercase())?;
        bits = (bits << 5) | value as u64;
        count += 5;
        if count >= 8 {
            count -= 8;
            out.push((bits >> count) as u8);
        }
    }
    Some(out)
}

/// The `otpauth://` address an authenticator app reads (typed in, or from a QR code).
pub fn uri(issuer: &str, account: &str, secret: &[u8]) -> String {
    let escape = |text: &str| -> String {
        text.bytes()
            .map(|b| match b {
                b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' => {
                    char::from(b).to_string()
                }
                _ => format!("%{b:02X}"),
            })
            .collect()
    };
    format!(
        "otpauth://totp/{}:{}?secret={}&issuer={}&algorithm=SHA1&digits=6&period={STEP}",
        escape(issuer),
        escape(account),
        base32(secret),
        escape(issuer)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 6238, appendix B: the SHA-1 rows (eight digits there; six here are their last six).
    #[test]
    fn the_codes_of_rfc_6238() {
        let secret = b"12345678901234567890";
        for (time, eight) in [
            (59, 94287082),
            (1111111109, 7081804),
            (1111111111, 14050471),
            (1234567890, 89005924),
            (2000000000, 69279037),
            (20000000000, 65353130),
        ] {
            assert_eq!(code_at(secret, time), eight % 1_000_000, "at {time}");
        }
    }

    #[test]
    fn a_code_is_taken_within_a_step_of_now_and_only_once() {
        let secret = b"12345678901234567890";
        let now = 1_111_111_111;
        let code = format!("{:06}", code_at(secret, now));
        let step = check(secret, &code, now, None).unwrap();
        assert_eq!(step, now / STEP);
        assert_eq!(
            check(secret, &code, now + STEP, None),
            Some(step),
            "a phone a step behind"
        );
        assert_eq!(check(secret, &code, now + 3 * STEP, None), None, "too old");
        assert_eq!(check(secret, &code, now, Some(step)), None, "used once");
        assert_eq!(check(secret, "123", now, None), None);
        assert_eq!(check(secret, "abcdef", now, None), None);
        let spaced = format!("{} {}", &code[..3], &code[3..]);
        assert!(check(secret, &spaced, now, None).is_some());
    }

    #[test]
    fn base32_as_rfc_4648_and_back() {
        assert_eq!(base32(b"foobar"), "MZXW6YTBOI");
        assert_eq!(
            base32(b"12345678901234567890"),
            "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
        );
        assert_eq!(from_base32("mzxw 6ytb oi==").unwrap(), b"foobar");
        assert_eq!(from_base32("1"), None);
        let uri = uri("kfq 开发区", "shanxi", b"foobar");
        assert!(uri.starts_with("otpauth://totp/kfq%20%E5"), "{uri}");
        assert!(uri.contains("secret=MZXW6YTBOI&issuer=kfq%20"));
    }
}
