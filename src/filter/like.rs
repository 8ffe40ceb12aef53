//! `LIKE` patterns, matched on characters (descriptions are Kazakh and Russian, so bytes would split letters).
//! `%` is any run of characters, `_` exactly one, and a backslash makes the next character literal. The match is
//! anchored at both ends. No regex: the pattern becomes a list of tokens and is matched by the classic greedy
//! wildcard algorithm, which backtracks only to the last `%`, so it is linear for a pattern with one `%` and at
//! worst (text length × pattern length), never exponential.

/// Lowercases the way `CASEI` does, one character at a time, so a literal folded at compile time and a value
/// folded at evaluation time agree.
pub(super) fn fold_case(text: &str) -> String {
    text.chars().flat_map(char::to_lowercase).collect()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Token {
    /// `%`
    Any,
    /// `_`
    One,
    Char(char),
}

/// A compiled `LIKE` pattern.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct LikePattern {
    tokens: Vec<Token>,
}

impl LikePattern {
    /// Compiles `pattern`; with `fold`, literal characters are lowercased as by `CASEI`.
    ///
    /// # Errors
    /// The pattern ends with a lone backslash, which escapes nothing.
    pub(super) fn new(pattern: &str, fold: bool) -> Result<LikePattern, String> {
        let mut tokens = Vec::new();
        let mut chars = pattern.chars();
        while let Some(c) = chars.next() {
            let literal = match c {
                '%' => {
                    if tokens.last() != Some(&Token::Any) {
                        tokens.push(Token::Any);
                    }
                    continue;
                }
                '_' => {
                    tokens.push(Token::One);
                    continue;
                }
                '\\' => chars.next().ok_or_else(|| {
                    format!("the LIKE pattern '{pattern}' ends with a backslash, which escapes nothing")
                })?,
                c => c,
            };
            if fold {
                tokens.extend(literal.to_lowercase().map(Token::Char));
            } else {
                tokens.push(Token::Char(literal));
            }
        }
        Ok(LikePattern { tokens })
    }

    /// How many tokens the pattern has: the matcher looks at a character at most once per token.
    pub(super) fn token_count(&self) -> usize {
        self.tokens.len()
    }

    /// Whether the whole of `text` matches. Positions are byte offsets at character boundaries.
    pub(super) fn matches(&self, text: &str) -> bool {
        let char_at = |at: usize| text.get(at..).and_then(|rest| rest.chars().next());
        let (mut t, mut p) = (0, 0);
        // The token after the last `%` seen, and the text position that `%` is currently assumed to end at.
        let mut backtrack: Option<(usize, usize)> = None;
        while let Some(c) = char_at(t) {
            match self.tokens.get(p) {
                Some(Token::Any) => {
                    backtrack = Some((p + 1, t));
                    p += 1;
                }
                Some(Token::One) => (t, p) = (t + c.len_utf8(), p + 1),
                Some(Token::Char(expected)) if *expected == c => (t, p) = (t + c.len_utf8(), p + 1),
                _ => match backtrack {
                    // Let the last `%` swallow one more character and retry from there.
                    Some((after_any, end)) => {
                        let end = end + char_at(end).map_or(1, char::len_utf8);
                        backtrack = Some((after_any, end));
                        (t, p) = (end, after_any);
                    }
                    None => return false,
                },
            }
        }
        self.tokens.get(p..).unwrap_or(&[]).iter().all(|token| *token == Token::Any)
    }
}
