//! Free text a stranger (or a staff member) sends: a description, a comment, a reason. One checker for all of
//! them, because each is shown to other people: on the map, in a planner's spreadsheet, in the audit log.
//!
//! What is refused, and why:
//! - control characters other than line breaks and tabs (they corrupt exports and terminals);
//! - bidirectional overrides and isolates (U+202A–U+202E, U+2066–U+2069, U+061C): they reorder what a reader
//!   sees, so a description can display a different phone number or street than the one stored ("Trojan
//!   Source"); a plain right-to-left text needs none of them;
//! - a text with nothing visible in it (only spaces, zero-width or other invisible characters): "not empty"
//!   must mean a reader sees something.

use unicode_properties::{GeneralCategory, UnicodeGeneralCategory};

/// Checks and trims one text field of `min`..=`max` Unicode scalar values (after trimming).
///
/// # Errors
/// Why the text is refused, as a phrase that follows the field's name ("must not be empty").
pub fn check_text(raw: &str, max: usize) -> Result<String, String> {
    let text = raw.trim();
    let chars = text.chars().count();
    if chars == 0 {
        return Err("must not be empty".into());
    }
    if chars > max {
        return Err(format!("is {chars} characters long; at most {max} are allowed"));
    }
    if text.chars().any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t')) {
        return Err("must be plain text: control characters are not allowed".into());
    }
    if let Some(c) = text.chars().find(|&c| is_bidi_control(c)) {
        return Err(format!(
            "must not hold bidirectional control characters (U+{:04X}): they change the order a reader sees",
            u32::from(c)
        ));
    }
    if !text.chars().any(is_visible) {
        return Err("must hold visible text, not only spaces or invisible characters".into());
    }
    Ok(text.to_owned())
}

/// The embedding, override and isolate controls of Unicode's bidirectional algorithm, and the Arabic letter
/// mark. The plain marks (U+200E, U+200F) only nudge neutral characters and are allowed.
pub fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{061C}')
}

/// Whether `c` puts ink on the screen: not whitespace, not a control or format character (zero-width space,
/// joiners, word joiner, soft hyphen, BOM…), not a variation selector or a filler that renders as nothing.
fn is_visible(c: char) -> bool {
    if c.is_whitespace() {
        return false;
    }
    if matches!(
        c,
        '\u{115F}' | '\u{1160}' | '\u{3164}' | '\u{FFA0}' | '\u{2800}' | '\u{180E}' | '\u{FE00}'..='\u{FE0F}'
            | '\u{E0100}'..='\u{E01EF}'
    ) {
        return false;
    }
    !matches!(
        c.general_category(),
        GeneralCategory::Control
            | GeneralCategory::Format
            | GeneralCategory::Unassigned
            | GeneralCategory::PrivateUse
            | GeneralCategory::Surrogate
            | GeneralCategory::SpaceSeparator
            | GeneralCategory::LineSeparator
            | GeneralCategory::ParagraphSeparator
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_ordinary_text_in_three_scripts_and_trims() {
        assert_eq!(check_text("  Пандус жоқ — no ramp  ", 100).as_deref(), Ok("Пандус жоқ — no ramp"));
        assert_eq!(check_text("שלום עולם", 100).as_deref(), Ok("שלום עולם"));
        assert_eq!(check_text("line\nline\ttab", 100).as_deref(), Ok("line\nline\ttab"));
        // A zero-width joiner inside an emoji sequence is fine when something visible is there.
        assert!(check_text("👩\u{200D}🦽", 100).is_ok());
    }

    #[test]
    fn refuses_invisible_only_text() {
        for raw in [
            "",
            "   ",
            "\u{200B}",
            "\u{200B}\u{200C}\u{200D}\u{2060}\u{FEFF}",
            "\u{00AD}",
            "\u{3164}",
            "\u{2800}",
            "\u{FE0F}",
        ] {
            let why = check_text(raw, 100).err().unwrap_or_default();
            assert!(why.contains("empty") || why.contains("visible"), "{raw:?}: {why}");
        }
    }

    #[test]
    fn refuses_bidi_overrides_and_isolates() {
        for c in
            ['\u{202A}', '\u{202B}', '\u{202C}', '\u{202D}', '\u{202E}', '\u{2066}', '\u{2067}', '\u{2068}', '\u{2069}']
        {
            let why = check_text(&format!("call +7 701{c}987"), 100).err().unwrap_or_default();
            assert!(why.contains("bidirectional"), "{c:?}: {why}");
        }
        assert!(check_text("a\u{200F}b", 100).is_ok(), "a right-to-left mark is allowed");
    }

    #[test]
    fn counts_characters_and_refuses_controls() {
        assert!(check_text(&"ә".repeat(10), 10).is_ok());
        assert!(check_text(&"ә".repeat(11), 10).is_err());
        assert!(check_text("a\u{0}b", 10).is_err());
        assert!(check_text("a\u{1b}[31mb", 10).is_err());
    }
}
