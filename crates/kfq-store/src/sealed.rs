//! 备份加密 — a backup sealed with SM4 (GB/T 32907) in GCM mode (as RFC 8998 names it), with a
//! 128-bit key the operator supplies. The file is cut into 1 MiB chunks, each sealed with its
//! own nonce in the STREAM construction, so a backup of any size is sealed without holding it
//! in memory and a chunk altered, reordered or cut off is refused.

use std::io::{Read, Write};
use std::path::Path;

use aead::stream::{DecryptorBE32, EncryptorBE32};
use aead::KeyInit;
use aes_gcm::AesGcm;

use crate::{FileProblem, StoreError};

/// SM4-GCM with a 96-bit nonce.
type Sm4Gcm = AesGcm<sm4::Sm4, aead::consts::U12>;

/// What a sealed backup starts with.
const MAGIC: &[u8; 10] = b"KFQ-SM4-1\n";
const CHUNK: usize = 1024 * 1024;
const TAG: usize = 16;
/// The nonce's random part (the STREAM construction adds a counter and a last-chunk flag).
const PREFIX: usize = 7;

/// A backup key: 128 bits, written as 32 hexadecimal digits.
#[derive(Clone, PartialEq, Eq)]
pub struct BackupKey([u8; 16]);

impl std::fmt::Debug for BackupKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("BackupKey(…)")
    }
}

impl BackupKey {
    /// Reads a key file: 32 hexadecimal digits (whitespace around them ignored).
    pub fn from_file(path: &Path) -> Result<BackupKey, StoreError> {
        let text = std::fs::read_to_string(path).map_err(|e| io(path, e))?;
        BackupKey::parse(text.trim()).ok_or_else(|| StoreError::File {
            path: path.to_path_buf(),
            problem: FileProblem::BadKey,
        })
    }

    pub fn parse(hex: &str) -> Option<BackupKey> {
        if hex.len() != 32 || !hex.is_ascii() {
            return None;
        }
        let mut key = [0u8; 16];
        for (i, byte) in key.iter_mut().enumerate() {
            *byte = u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).ok()?;
        }
        Some(BackupKey(key))
    }

    /// A new random key, as the hexadecimal text of a key file.
    pub fn generate() -> Result<String, StoreError> {
        let mut key = [0u8; 16];
        getrandom::fill(&mut key).map_err(|e| StoreError::File {
            path: "random".into(),
            problem: FileProblem::Io(e.to_string()),
        })?;
        Ok(key.iter().map(|b| format!("{b:02x}")).collect())
    }

    fn cipher(&self) -> Sm4Gcm {
        Sm4Gcm::new(&self.0.into())
    }
}

fn io(path: &Path, e: impl std::fmt::Display) -> StoreError {
    StoreError::File {
        path: path.to_path_buf(),
        problem: FileProblem::Io(e.to_string()),
    }
}

/// Whether a file is a sealed backup (by its first bytes).
pub fn is_sealed(path: &Path) -> Result<bool, StoreError> {
    let mut head = [0u8; MAGIC.len()];
    let mut file = std::fs::File::open(path).map_err(|e| io(path, e))?;
    let n = read_full(&mut file, &mut head).map_err(|e| io(path, e))?;
    Ok(n == MAGIC.len() && &head == MAGIC)
}

/// Reads until `buf` is full or the file ends; how many bytes were read.
fn read_full(reader: &mut impl Read, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut filled = 0;
    while filled < buf.len() {
        match reader.read(&mut buf[filled..])? {
            0 => break,
            n => filled += n,
        }
    }
    Ok(filled)
}

/// Seals `plain` into `sealed` (which must not exist).
pub fn seal(plain: &Path, sealed: &Path, key: &BackupKey) -> Result<(), StoreError> {
    let mut prefix = [0u8; PREFIX];
    getrandom::fill(&mut prefix).map_err(|e| io(sealed, e))?;
    let mut input = std::fs::File::open(plain).map_err(|e| io(plain, e))?;
    let mut output = std::fs::File::create_new(sealed).map_err(|e| io(sealed, e))?;
    output.write_all(MAGIC).map_err(|e| io(sealed, e))?;
    output.write_all(&prefix).map_err(|e| io(sealed, e))?;
    let mut stream = EncryptorBE32::from_aead(key.cipher(), prefix.as_slice().into());
    let mut chunk = vec![0u8; CHUNK];
    let mut n = read_full(&mut input, &mut chunk).map_err(|e| io(plain, e))?;
    let sealing = |e: aead::Error| io(sealed, e);
    loop {
        let mut next = vec![0u8; CHUNK];
        let m = if n == CHUNK {
            read_full(&mut input, &mut next).map_err(|e| io(plain, e))?
        } else {
            0
        };
        if m == 0 {
            let last = stream.encrypt_last(&chunk[..n]).map_err(sealing)?;
            output.write_all(&last).map_err(|e| io(sealed, e))?;
            break;
        }
        let part = stream.encrypt_next(&chunk[..n]).map_err(sealing)?;
        output.write_all(&part).map_err(|e| io(sealed, e))?;
        (chunk, n) = (next, m);
    }
    output.sync_all().map_err(|e| io(sealed, e))
}

/// Opens a sealed backup into `plain` (which must not exist); refuses a wrong key, or a file
/// altered, reordered or cut short, leaving nothing behind.
pub fn open(sealed: &Path, plain: &Path, key: &BackupKey) -> Result<(), StoreError> {
    let refused = || StoreError::File {
        path: sealed.to_path_buf(),
        problem: FileProblem::WrongKeyOrAltered,
    };
    let mut input = std::fs::File::open(sealed).map_err(|e| io(sealed, e))?;
    let mut head = [0u8; MAGIC.len() + PREFIX];
    if read_full(&mut input, &mut head).map_err(|e| io(sealed, e))? != head.len()
        || &head[..MAGIC.len()] != MAGIC
    {
        return Err(refused());
    }
    let mut output = std::fs::File::create_new(plain).map_err(|e| io(plain, e))?;
    let result = (|| {
        let mut stream = DecryptorBE32::from_aead(key.cipher(), head[MAGIC.len()..].into());
        let mut chunk = vec![0u8; CHUNK + TAG];
        let mut n = read_full(&mut input, &mut chunk).map_err(|e| io(sealed, e))?;
        loop {
            let mut next = vec![0u8; CHUNK + TAG];
            let m = if n == CHUNK + TAG {
                read_full(&mut input, &mut next).map_err(|e| io(sealed, e))?
            } else {
                0
            };
            if m == 0 {
                let last = stream.decrypt_last(&chunk[..n]).map_err(|_| refused())?;
                output.write_all(&last).map_err(|e| io(plain, e))?;
                break;
            }
            let part = stream.decrypt_next(&chunk[..n]).map_err(|_| refused())?;
            output.write_all(&part).map_err(|e| io(plain, e))?;
            (chunk, n) = (next, m);
        }
        output.sync_all().map_err(|e| io(plain, e))
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(plain);
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    fn round_trip(size: usize) {
        let dir = tempfile::tempdir().unwrap();
        let plain = dir.path().join("plain");
        let bytes: Vec<u8> = (0..size).map(|i| (i * 7 % 251) as u8).collect();
        std::fs::write(&plain, &bytes).unwrap();
        let key = BackupKey::parse(&BackupKey::generate().unwrap()).unwrap();
        let sealed = dir.path().join("sealed");
        seal(&plain, &sealed, &key).unwrap();
        assert!(is_sealed(&sealed).unwrap());
        assert!(!is_sealed(&plain).unwrap());
        if size >= 64 {
            let sealed_bytes = std::fs::read(&sealed).unwrap();
            let shows = sealed_bytes.windows(64).any(|w| w == &bytes[..64]);
            assert!(!shows, "nothing of the plain text shows");
        }
        let back = dir.path().join("back");
        open(&sealed, &back, &key).unwrap();
        assert_eq!(std::fs::read(&back).unwrap(), bytes, "{size} bytes");
    }

    #[test]
    fn a_sealed_backup_opens_to_the_same_bytes_at_any_size() {
        for size in [0, 1, 1000, CHUNK - 1, CHUNK, CHUNK + 1, 2 * CHUNK + 17] {
            round_trip(size);
        }
    }

    #[test]
    fn a_wrong_key_or_an_altered_or_shortened_file_is_refused_and_leaves_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let plain = dir.path().join("plain");
        std::fs::write(&plain, vec![42u8; CHUNK + 500]).unwrap();
        let key = BackupKey::parse("000102030405060708090a0b0c0d0e0f").unwrap();
        let sealed = dir.path().join("sealed");
        seal(&plain, &sealed, &key).unwrap();
        let other = BackupKey::parse("ffeeddccbbaa99887766554433221100").unwrap();
        let back = dir.path().join("back");
        let refused = open(&sealed, &back, &other).unwrap_err();
        assert!(matches!(
            refused,
            StoreError::File {
                problem: FileProblem::WrongKeyOrAltered,
                ..
            }
        ));
        assert!(!back.exists());
        let bytes = std::fs::read(&sealed).unwrap();
        let mut altered = bytes.clone();
        altered[MAGIC.len() + PREFIX + 100] ^= 1;
        std::fs::write(&sealed, &altered).unwrap();
        assert!(open(&sealed, &back, &key).is_err());
        // Cut after the first chunk: what remains would open as a whole file, but the first
        // chunk was not sealed as the last.
        let cut = &bytes[..MAGIC.len() + PREFIX + CHUNK + TAG];
        std::fs::write(&sealed, cut).unwrap();
        assert!(open(&sealed, &back, &key).is_err());
        assert!(!back.exists());
        std::fs::write(&sealed, &bytes).unwrap();
        open(&sealed, &back, &key).unwrap();
        assert!(BackupKey::parse("not a key").is_none());
    }
}
