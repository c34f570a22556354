//! 企业 — the enterprises behind projects, identified by their 统一社会信用代码.

use std::fmt;

use serde::{Serialize, Serializer};

use crate::lang::{Lang, Localized};

/// The characters a credit code may use (GB 32100-2015): digits and capitals without I, O, S, V, Z.
const CHARSET: &[u8; 31] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";
const WEIGHTS: [u32; 17] = [
    1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28,
];

/// An 18-character 统一社会信用代码 whose check character (the 18th) is right.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CreditCode(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CreditCodeError {
    #[error("must have 18 characters, has {0}")]
    Length(usize),
    #[error("character {position} '{found}' is not allowed")]
    Character { position: usize, found: char },
    #[error("check character should be {expected}, is {found}")]
    Check { expected: char, found: char },
}

impl Localized for CreditCodeError {
    fn message(&self, lang: Lang) -> String {
        match (self, lang) {
            (CreditCodeError::Length(n), Lang::Zh) => {
                format!("统一社会信用代码应为 18 位，实际 {n} 位")
            }
            (CreditCodeError::Length(n), Lang::En) => {
                format!("a credit code has 18 characters, this one has {n}")
            }
            (CreditCodeError::Character { position, found }, Lang::Zh) => {
                format!("统一社会信用代码第 {position} 位“{found}”不是有效字符")
            }
            (CreditCodeError::Character { position, found }, Lang::En) => {
                format!("character {position} '{found}' is not allowed in a credit code")
            }
            (CreditCodeError::Check { expected, found }, Lang::Zh) => {
                format!("统一社会信用代码校验位错误：应为 {expected}，实际为 {found}")
            }
            (CreditCodeError::Check { expected, found }, Lang::En) => {
                format!("wrong check character: expected {expected}, found {found}")
            }
        }
    }
}

impl CreditCode {
    pub fn parse(text: &str) -> Result<CreditCode, CreditCodeError> {
        let code: String = text.trim().to_ascii_uppercase();
        let chars: Vec<char> = code.chars().collect();
        if chars.len() != 18 {
            return Err(CreditCodeError::Length(chars.len()));
        }
        let mut values = [0u32; 18];
        for (i, &c) in chars.iter().enumerate() {
            values[i] = char_value(c).ok_or(CreditCodeError::Character {
                position: i + 1,
                found: c,
            })?;
        }
        let expected = check_char(&values[..17]);
        if expected != chars[17] {
            return Err(CreditCodeError::Check {
                expected,
                found: chars[17],
            });
        }
        Ok(CreditCode(code))
    }

    /// Completes 17 characters with their check character (used by the demo generator).
    pub fn complete(first17: &str) -> Result<CreditCode, CreditCodeError> {
        let values: Vec<u32> = first17
            .chars()
            .enumerate()
            .map(|(i, c)| {
                char_value(c).ok_or(CreditCodeError::Character {
                    position: i + 1,
                    found: c,
                })
            })
            .collect::<Result<_, _>>()?;
        if values.len() != 17 {
            return Err(CreditCodeError::Length(values.len() + 1));
        }
        Ok(CreditCode(format!("{first17}{}", check_char(&values))))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

fn char_value(c: char) -> Option<u32> {
    CHARSET
        .iter()
        .position(|&b| b as char == c)
        .map(|p| p as u32)
}

fn check_char(values: &[u32]) -> char {
    let sum: u32 = values.iter().zip(WEIGHTS).map(|(v, w)| v * w).sum();
    let check = (31 - sum % 31) % 31;
    CHARSET[check as usize] as char
}

impl fmt::Display for CreditCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl Serialize for CreditCode {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

/// An enterprise (项目单位): its name, credit code when known, and whether it is a 链主.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Enterprise {
    pub id: i64,
    pub name: String,
    pub credit_code: Option<CreditCode>,
    /// 链主 — the leading firm of an industry chain.
    pub chain_leader: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_real_world_shaped_codes_with_the_right_check_character() {
        assert!(CreditCode::parse("91110000100017643K").is_ok());
        assert!(CreditCode::parse("91350100M000100Y43").is_ok());
        assert!(CreditCode::parse(" 91350100m000100y43 ").is_ok());
    }

    #[test]
    fn refuses_wrong_length_characters_and_check() {
        assert_eq!(
            CreditCode::parse("9111000010001764"),
            Err(CreditCodeError::Length(16))
        );
        assert_eq!(
            CreditCode::parse("91110000100017643I"),
            Err(CreditCodeError::Character {
                position: 18,
                found: 'I'
            })
        );
        assert_eq!(
            CreditCode::parse("91110000100017643A"),
            Err(CreditCodeError::Check {
                expected: 'K',
                found: 'A'
            })
        );
    }

    #[test]
    fn completing_seventeen_characters_gives_a_valid_code() {
        let code = CreditCode::complete("91140100MA0K12345").unwrap();
        assert_eq!(CreditCode::parse(code.as_str()), Ok(code));
    }
}
