//! Reporters' contacts sealed at rest. A GeoPackage is made to be handed around (analysts open it in QGIS)
//! and a database is backed up and copied; neither may carry a readable phone number. So a contact is
//! sealed with XChaCha20-Poly1305 (a maintained AEAD, a random 192-bit nonce per contact) before it reaches
//! a store, and opened only for an audited read. The key lives outside the store: `QALA_CONTACT_KEY`
//! (base64 of 32 bytes) or a key file, created with mode 0600 on the first start of a store without
//! contacts. `qala store copy` carries the sealed text as it is; the copy opens with the same key.
//!
//! A wrong or missing key is found at start (the newest sealed contact must open) and refused with a
//! message naming where the key was looked for; qala never writes with a key that cannot read what is there.

use std::io::Write;
use std::path::{Path, PathBuf};

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{Key, XChaCha20Poly1305, XNonce};
use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};

use crate::domain::{Contact, SealedContact};

/// Marks sealed text (a space and letters: no valid e-mail address or phone number looks like it).
const PREFIX: &str = "sealed:v1 ";
/// Bound into every seal, so text sealed for another purpose with the same key does not open as a contact.
const CONTEXT: &[u8] = b"qala contact v1";
const NONCE_BYTES: usize = 24;

pub struct ContactKey {
    cipher: XChaCha20Poly1305,
    /// A key of its own for keyed hashes (idempotency fingerprints), derived from the contact key.
    mac_key: [u8; 32],
    /// Where the key came from, for messages (never the key).
    source: String,
}

#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    #[error("{0}")]
    Invalid(String),
    #[error("{path}: {source}")]
    Io { path: PathBuf, source: std::io::Error },
    #[error("no randomness from the operating system: {0}")]
    Random(String),
}

/// Where to find the key.
#[derive(Debug, Clone)]
pub struct KeySource<'a> {
    /// `QALA_CONTACT_KEY`, when set.
    pub env: Option<&'a str>,
    /// The key file (`--contact-key-file`).
    pub file: &'a Path,
}

impl ContactKey {
    pub fn from_bytes(bytes: &[u8; 32], source: impl Into<String>) -> Self {
        let mac_key = Sha256::new().chain_update(b"qala fingerprint v1").chain_update(bytes).finalize().into();
        Self { cipher: XChaCha20Poly1305::new(&Key::from(*bytes)), mac_key, source: source.into() }
    }

    /// The key from the environment, else from the key file; a missing file is created (a new random key,
    /// mode 0600) only when `create` (a store with no sealed contact yet). Returns whether it was created.
    ///
    /// # Errors
    /// A malformed key, an unreadable file, or a missing one that may not be created.
    pub fn load(from: &KeySource<'_>, create: bool) -> Result<(Self, bool), KeyError> {
        if let Some(text) = from.env {
            // Set but empty is a mistake (a secret that did not arrive), not a reason to make a new key.
            return Ok((Self::from_bytes(&decode(text, "QALA_CONTACT_KEY")?, "QALA_CONTACT_KEY"), false));
        }
        let path = from.file;
        let source = path.display().to_string();
        match std::fs::read_to_string(path) {
            Ok(text) => Ok((Self::from_bytes(&decode(&text, &source)?, source), false)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound && create => {
                let mut bytes = [0u8; 32];
                getrandom::fill(&mut bytes).map_err(|e| KeyError::Random(e.to_string()))?;
                match write_new_key_file(path, &STANDARD.encode(bytes)) {
                    Ok(()) => Ok((Self::from_bytes(&bytes, source), true)),
                    // Another instance made it first: use that one.
                    Err(KeyError::Io { source: e, .. }) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                        Self::load(from, false)
                    }
                    Err(e) => Err(e),
                }
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Err(KeyError::Invalid(format!(
                "{source} does not exist, and this store holds contacts sealed with a key: give that key {}",
                "(QALA_CONTACT_KEY, or --contact-key-file PATH)"
            ))),
            Err(source_err) => Err(KeyError::Io { path: path.to_owned(), source: source_err }),
        }
    }

    /// Where the key came from (`QALA_CONTACT_KEY` or the file's path).
    pub fn source(&self) -> &str {
        &self.source
    }

    /// HMAC-SHA256 of `bytes` under a key derived from the contact key: a fingerprint that reveals nothing
    /// about what it fingerprints to whoever holds the store but not the key.
    pub fn fingerprint(&self, bytes: &[u8]) -> [u8; 32] {
        // A 32-byte key is always a valid HMAC key; the fallback never runs.
        match <Hmac<Sha256> as Mac>::new_from_slice(&self.mac_key) {
            Ok(mac) => mac.chain_update(bytes).finalize().into_bytes().into(),
            Err(_) => Sha256::digest(bytes).into(),
        }
    }

    /// Seals a contact for the store.
    ///
    /// # Errors
    /// The operating system gave no randomness for the nonce.
    pub fn seal(&self, contact: &Contact) -> Result<SealedContact, KeyError> {
        let mut nonce = [0u8; NONCE_BYTES];
        getrandom::fill(&mut nonce).map_err(|e| KeyError::Random(e.to_string()))?;
        let sealed = self
            .cipher
            .encrypt(&XNonce::from(nonce), Payload { msg: contact.expose().as_bytes(), aad: CONTEXT })
            .map_err(|_| KeyError::Invalid("the contact could not be sealed".into()))?;
        let mut bytes = nonce.to_vec();
        bytes.extend(sealed);
        Ok(SealedContact::new_unchecked(format!("{PREFIX}{}", STANDARD.encode(bytes))))
    }

    /// Opens a sealed contact.
    ///
    /// # Errors
    /// The text is not sealed, or not with this key (or was altered).
    pub fn open(&self, sealed: &SealedContact) -> Result<Contact, KeyError> {
        let wrong = || KeyError::Invalid(format!("a contact does not open with the key from {}", self.source));
        let body = sealed.as_str().strip_prefix(PREFIX).ok_or_else(wrong)?;
        let bytes = STANDARD.decode(body).map_err(|_| wrong())?;
        if bytes.len() <= NONCE_BYTES {
            return Err(wrong());
        }
        let (nonce, ciphertext) = bytes.split_at(NONCE_BYTES);
        let nonce: [u8; NONCE_BYTES] = nonce.try_into().map_err(|_| wrong())?;
        let plain = self
            .cipher
            .decrypt(&XNonce::from(nonce), Payload { msg: ciphertext, aad: CONTEXT })
            .map_err(|_| wrong())?;
        String::from_utf8(plain).map(Contact::new_unchecked).map_err(|_| wrong())
    }
}

/// Whether stored text is sealed (an older qala stored contacts in plain text).
pub fn is_sealed(text: &str) -> bool {
    text.starts_with(PREFIX)
}

fn decode(text: &str, source: &str) -> Result<[u8; 32], KeyError> {
    let bytes =
        STANDARD.decode(text.trim()).map_err(|_| KeyError::Invalid(format!("{source}: not base64 (or empty)")))?;
    bytes
        .try_into()
        .map_err(|_| KeyError::Invalid(format!("{source}: a contact key is 32 bytes (44 base64 characters)")))
}

/// Writes a new key file readable by its owner only, refusing to overwrite one that appeared meanwhile. The key
/// is written whole to a private temporary file first and then hard-linked into place, so an instance starting
/// at the same moment finds either no file or the whole key, never a half-written one.
fn write_new_key_file(path: &Path, text: &str) -> Result<(), KeyError> {
    let io = |source| KeyError::Io { path: path.to_owned(), source };
    let dir = path.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).map_err(io)?;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut bytes = [0u8; 8];
    getrandom::fill(&mut bytes).map_err(|e| KeyError::Random(e.to_string()))?;
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let temp = dir.join(format!(".{name}.{}.tmp", u64::from_le_bytes(bytes)));
    let written = options.open(&temp).and_then(|mut file| {
        file.write_all(format!("{text}\n").as_bytes())?;
        file.sync_all()
    });
    // hard_link fails with AlreadyExists when another instance linked its key first.
    let linked = written.and_then(|()| std::fs::hard_link(&temp, path));
    let _ = std::fs::remove_file(&temp);
    linked.map_err(io)?;
    std::fs::File::open(dir).and_then(|d| d.sync_all()).map_err(io)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seals_open_only_with_their_key() {
        let key = ContactKey::from_bytes(&[7; 32], "test");
        let contact = Contact::new_unchecked("+7 701 234 56 78".into());
        let sealed = key.seal(&contact).ok().unwrap_or_else(|| SealedContact::new_unchecked(String::new()));
        assert!(is_sealed(sealed.as_str()));
        assert!(!sealed.as_str().contains("701"), "{}", sealed.as_str());
        assert_eq!(key.open(&sealed).ok().map(|c| c.expose().to_owned()).as_deref(), Some("+7 701 234 56 78"));
        let again = key.seal(&contact).ok().map(|s| s.as_str().to_owned());
        assert_ne!(again.as_deref(), Some(sealed.as_str()), "a fresh nonce every time");
        assert!(ContactKey::from_bytes(&[8; 32], "other").open(&sealed).is_err());
        let mut tampered = sealed.as_str().to_owned();
        tampered.pop();
        tampered.push(if sealed.as_str().ends_with('A') { 'B' } else { 'A' });
        assert!(key.open(&SealedContact::new_unchecked(tampered)).is_err());
        assert!(key.open(&SealedContact::new_unchecked("+7 701 234 56 78".into())).is_err());
    }

    #[test]
    fn instances_starting_together_share_one_whole_key() {
        let dir = tempfile::tempdir().ok();
        let Some(dir) = dir else { return };
        let file = dir.path().join("contact.key");
        for _round in 0..20 {
            let _ = std::fs::remove_file(&file);
            let keys: Vec<Option<[u8; 32]>> = std::thread::scope(|scope| {
                let handles: Vec<_> = (0..8)
                    .map(|_| {
                        scope.spawn(|| {
                            let from = KeySource { env: None, file: &file };
                            ContactKey::load(&from, true).ok().map(|(k, _)| k.fingerprint(b"same?"))
                        })
                    })
                    .collect();
                handles.into_iter().map(|h| h.join().ok().flatten()).collect()
            });
            assert!(keys.iter().all(Option::is_some), "every instance got a key: {keys:?}");
            assert!(keys.windows(2).all(|w| w[0] == w[1]), "one key for all");
        }
        let left: Vec<_> = std::fs::read_dir(dir.path()).into_iter().flatten().flatten().collect();
        assert_eq!(left.len(), 1, "no temporary file left behind: {left:?}");
    }

    #[test]
    fn a_key_file_is_made_once_for_its_owner_only() {
        let dir = tempfile::tempdir().ok();
        let Some(dir) = dir else { return };
        let file = dir.path().join("keys/contact.key");
        let from = KeySource { env: None, file: &file };
        assert!(ContactKey::load(&from, false).is_err(), "not created when contacts exist");
        let (first, created) =
            ContactKey::load(&from, true).ok().unwrap_or((ContactKey::from_bytes(&[0; 32], "x"), false));
        assert!(created);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&file).map(|m| m.permissions().mode() & 0o777).unwrap_or(0);
            assert_eq!(mode, 0o600);
        }
        let sealed = first.seal(&Contact::new_unchecked("a@b.kz".into())).ok();
        let (second, created) =
            ContactKey::load(&from, true).ok().unwrap_or((ContactKey::from_bytes(&[0; 32], "x"), true));
        assert!(!created, "read, not made again");
        assert!(sealed.as_ref().is_some_and(|s| second.open(s).is_ok()));
        let env = KeySource { env: Some("not a key"), file: &file };
        assert!(ContactKey::load(&env, true).is_err());
        let short = KeySource { env: Some("AAAA"), file: &file };
        assert!(ContactKey::load(&short, true).is_err());
        let empty = KeySource { env: Some(""), file: &file };
        assert!(ContactKey::load(&empty, true).is_err(), "an empty QALA_CONTACT_KEY is refused, not replaced");
        let a = first.fingerprint(b"report");
        assert_eq!(a, second.fingerprint(b"report"));
        assert_ne!(a, ContactKey::from_bytes(&[9; 32], "other").fingerprint(b"report"));
        let plain: [u8; 32] = Sha256::digest(b"report").into();
        assert_ne!(a, plain, "keyed, not a plain hash");
    }
}
