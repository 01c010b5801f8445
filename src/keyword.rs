//! Closed sets of words in records (`levels: [commune]`, `via: online`): each value
//! has one canonical English key and Vietnamese aliases staff may write instead.

use crate::text::fold;

pub trait Keyword: Copy + PartialEq + 'static {
    /// Canonical key, aliases, value.
    const ALL: &'static [(&'static str, &'static [&'static str], Self)];

    fn key(self) -> &'static str {
        Self::ALL
            .iter()
            .find(|(_, _, v)| *v == self)
            .map(|(k, _, _)| *k)
            .expect("every variant is listed")
    }

    /// The value for a canonical key or an alias; aliases match without diacritics.
    fn parse(text: &str) -> Option<Self> {
        let text = text.trim();
        if let Some((_, _, value)) = Self::ALL.iter().find(|(key, _, _)| *key == text) {
            return Some(*value);
        }
        let folded = fold(text);
        Self::ALL.iter().find_map(|(_, aliases, value)| {
            aliases.iter().any(|a| fold(a) == folded).then_some(*value)
        })
    }

    fn keys() -> Vec<&'static str> {
        Self::ALL.iter().map(|(k, _, _)| *k).collect()
    }
}

/// Declares an enum whose values are written as keywords in records.
macro_rules! keywords {
    ($(#[$meta:meta])* $name:ident {
        $($(#[$vmeta:meta])* $variant:ident = $key:literal $(| $alias:literal)*,)+
    }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name {
            $($(#[$vmeta])* $variant,)+
        }

        impl $crate::keyword::Keyword for $name {
            const ALL: &'static [(&'static str, &'static [&'static str], Self)] =
                &[$(($key, &[$($alias),*], $name::$variant)),+];
        }
    };
}

pub(crate) use keywords;
