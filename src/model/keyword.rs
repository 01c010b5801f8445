//! Closed sets of words in records (`levels: [commune]`, `via: online`): each value
//! has one canonical English key and Vietnamese aliases staff may write instead.

use crate::diagnostics::Text;
use crate::text::fold;
use crate::tr;

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

    /// The help for a value that is neither a key nor an alias: the nearest key or
    /// Vietnamese alias (staff write "phường" as often as "commune"), named by its key.
    fn suggest(text: &str) -> Text {
        let words: Vec<&'static str> = Self::ALL
            .iter()
            .flat_map(|(key, aliases, _)| std::iter::once(*key).chain(aliases.iter().copied()))
            .collect();
        let Some(best) = crate::decode::suggest::did_you_mean(text, &words) else {
            return crate::decode::suggest::help_for(text, &Self::keys());
        };
        let (key, _, _) = Self::ALL
            .iter()
            .find(|(key, aliases, _)| *key == best || aliases.contains(&best))
            .expect("the word came from this list");
        if *key == best {
            tr!("did you mean `{key}`?", "có phải ý bạn là `{key}`?")
        } else {
            tr!(
                "did you mean `{key}` ({best})?",
                "có phải ý bạn là `{key}` ({best})?"
            )
        }
    }
}

/// Declares an enum whose values are written as keywords in records.
macro_rules! keywords {
    ($(#[$meta:meta])* $name:ident {
        $($(#[$vmeta:meta])* $variant:ident = $key:literal $(| $alias:literal)*,)+
    }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name {
            $($(#[$vmeta])* $variant,)+
        }

        impl $crate::model::keyword::Keyword for $name {
            const ALL: &'static [(&'static str, &'static [&'static str], Self)] =
                &[$(($key, &[$($alias),*], $name::$variant)),+];
        }
    };
}

pub(crate) use keywords;
