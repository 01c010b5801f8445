//! "Did you mean …?" for misspelt keys and keyword values.

use crate::diagnostics::Text;
use crate::text::fold;
use crate::tr;

/// The candidate closest to `input`, if it is close enough to be a likely typo.
pub fn did_you_mean<'a>(input: &str, candidates: &[&'a str]) -> Option<&'a str> {
    let input = fold(input.trim());
    let max_distance = (input.chars().count() / 3).max(1);
    candidates
        .iter()
        .map(|c| (strsim::damerau_levenshtein(&input, &fold(c)), *c))
        .filter(|&(distance, c)| {
            distance <= max_distance || fold(c).starts_with(&input) && input.len() >= 3
        })
        .min_by_key(|&(distance, _)| distance)
        .map(|(_, c)| c)
}

/// The help line for an unknown word: a suggestion, or the list of what is allowed.
pub fn help_for(input: &str, candidates: &[&str]) -> Text {
    match did_you_mean(input, candidates) {
        Some(best) => tr!("did you mean `{best}`?", "có phải ý bạn là `{best}`?"),
        None => {
            let all = candidates.join(", ");
            tr!("expected one of: {all}", "cần một trong các giá trị: {all}")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_near_misses_only() {
        let keys = ["channels", "documents", "code", "title"];
        assert_eq!(did_you_mean("chanels", &keys), Some("channels"));
        assert_eq!(did_you_mean("tilte", &keys), Some("title"));
        assert_eq!(did_you_mean("doc", &keys), Some("documents"));
        assert_eq!(did_you_mean("zzzzzz", &keys), None);
    }

    #[test]
    fn vietnamese_values_are_suggested_by_their_key() {
        use crate::model::keyword::Keyword;
        use crate::model::record::{Level, Via};
        assert_eq!(Level::parse("phường"), Some(Level::Commune));
        assert_eq!(Via::parse("bưu điện"), Some(Via::Post));
        let help = Level::suggest("phuongg");
        assert_eq!(help.en, "did you mean `commune` (phường)?");
        assert_eq!(help.vi, "có phải ý bạn là `commune` (phường)?");
        let help = Via::suggest("buu dien x");
        assert_eq!(help.en, "did you mean `post` (bưu điện)?");
        assert_eq!(Via::suggest("onlin").en, "did you mean `online`?");
    }
}
