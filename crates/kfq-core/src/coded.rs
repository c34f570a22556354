//! 代码表 — closed lists of values, each with a code and a name in each language.

use crate::lang::Lang;

/// A closed list of values with a code (in the API and the database) and a name in each
/// language: what a form offers as choices and a filter parses.
pub trait Coded: Copy + 'static {
    const ALL: &'static [Self];
    fn code(self) -> &'static str;
    fn label(self, lang: Lang) -> &'static str;

    /// By its code or its Chinese name.
    fn parse(text: &str) -> Option<Self> {
        let text = text.trim();
        Self::ALL
            .iter()
            .copied()
            .find(|v| v.code() == text || v.label(Lang::Zh) == text)
    }
}

macro_rules! coded {
    ($ty:ty { $($variant:ident => $code:literal, $zh:literal, $en:literal;)* }) => {
        impl Coded for $ty {
            const ALL: &'static [$ty] = &[$(<$ty>::$variant),*];

            fn code(self) -> &'static str {
                match self { $(<$ty>::$variant => $code),* }
            }

            fn label(self, lang: Lang) -> &'static str {
                match self { $(<$ty>::$variant => lang.pick($zh, $en)),* }
            }
        }
    };
}

pub(crate) use coded;
