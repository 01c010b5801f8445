//! What a citizen pays, in the record's own words.
//!
//! The national crawl writes a channel's fee as "Lệ phí : 10.000 Đồng (condition)" and
//! keeps the parenthesis at the head of the channel's note; where the fee field was
//! empty it writes "Miễn phí" even when that note says the provincial council sets the
//! fee or names an amount. So a fee is shown as free only when nothing in its condition
//! contradicts it, and the condition is always shown beside the fee.

use crate::decode::shorthand::amounts;
use crate::model::record::{Amount, Channel, Currency, Fee, FeeKind};
use crate::text::fold;
use crate::theme::strings::Strings;
use crate::view::format;

/// A channel's fee as the page shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShownFee {
    pub text: String,
    /// The fee's condition: exemptions, reductions, who sets it.
    pub condition: Option<String>,
    /// What is left of the channel's note once the condition is taken out.
    pub note: Option<String>,
    /// The amount when the fee is known exactly (zero when confirmed free).
    pub amount: Option<(Amount, Currency)>,
}

impl ShownFee {
    pub fn of(channel: &Channel, strings: &Strings) -> ShownFee {
        let (condition, note) = match channel.note.as_deref() {
            Some(note) => split_note(note),
            None => (None, None),
        };
        // The leading parenthesis is the fee's own condition; without one the whole
        // note may speak of the fee, or only of the time.
        let rule = match (condition, channel.note.as_deref()) {
            (Some(condition), _) => FeeRule::read(condition, true),
            (None, Some(note)) => FeeRule::read(note, false),
            (None, None) => FeeRule::None,
        };
        let (text, amount) = match channel.fee.as_ref() {
            None => (rule.or_unknown(strings), None),
            Some(fee) => shown(fee, rule, strings),
        };
        ShownFee {
            text,
            condition: condition.map(str::to_string),
            note: note.map(str::to_string),
            amount,
        }
    }
}

/// What a fee's condition says about the fee itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum FeeRule {
    /// Nothing that changes the fee.
    None,
    /// "Mức lệ phí do Hội đồng nhân dân tỉnh quyết định".
    ByCouncil,
    /// Names a money amount.
    Amounts,
    /// Speaks of the fee otherwise ("Theo quy định của Luật phí và lệ phí").
    Conditions,
}

impl FeeRule {
    fn read(text: &str, about_the_fee: bool) -> FeeRule {
        let folded = fold(text);
        let council = folded.contains("hoi dong nhan dan") || folded.contains("hdnd");
        if council && (about_the_fee || folded.contains("phi")) {
            FeeRule::ByCouncil
        } else if !amounts(&folded).is_empty() {
            FeeRule::Amounts
        } else if about_the_fee && !says_free(&folded) {
            FeeRule::Conditions
        } else {
            FeeRule::None
        }
    }

    fn or_unknown(self, strings: &Strings) -> String {
        let key = match self {
            FeeRule::None => "fee.unknown",
            FeeRule::ByCouncil => "fee.by_council",
            FeeRule::Amounts => "fee.see_note",
            FeeRule::Conditions => "fee.see_conditions",
        };
        strings.get(key).to_string()
    }
}

fn shown(fee: &Fee, rule: FeeRule, strings: &Strings) -> (String, Option<(Amount, Currency)>) {
    let currency = fee.currency.unwrap_or(Currency::Vnd);
    match fee.kind {
        FeeKind::Free if rule != FeeRule::None => (rule.or_unknown(strings), None),
        FeeKind::Free => (
            free_words(&fee.text, strings),
            Some((Amount::default(), currency)),
        ),
        FeeKind::Fixed => (format::fee(fee, strings), fee.amount.map(|a| (a, currency))),
        FeeKind::Unknown => (rule.or_unknown(strings), None),
        FeeKind::SeeText if says_nothing(&fee.text) => (rule.or_unknown(strings), None),
        FeeKind::Varies | FeeKind::SeeText => (format::fee(fee, strings), None),
    }
}

/// "Miễn phí" and "Miễn lệ phí" are different promises (phí is a charge for a service,
/// lệ phí an administrative charge): keep the record's words. A zero amount
/// ("Phí : 0 Đồng", `fee: 0`) is shown as the amount it is.
fn free_words(text: &str, strings: &Strings) -> String {
    if says_free(&fold(text)) {
        tidy(text)
    } else {
        format!("0 {}", strings.get("fee.vnd"))
    }
}

/// Folded text that says no fee is charged.
fn says_free(folded: &str) -> bool {
    ["mien", "khong thu", "khong mat"]
        .iter()
        .any(|w| folded.contains(w))
}

/// A fee text that is only labels and a currency ("VNĐ", "Lệ phí : Đồng").
fn says_nothing(text: &str) -> bool {
    let folded = fold(text);
    let mut rest = folded.as_str().to_string();
    for word in ["viet nam", "le phi", "phi", "dong", "vnd", "usd"] {
        rest = rest.replace(word, "");
    }
    !rest.chars().any(char::is_alphanumeric)
}

/// Spaces as a reader expects them: "Phí : 0 Đồng" → "Phí: 0 Đồng".
fn tidy(text: &str) -> String {
    text.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .replace(" :", ":")
}

/// The fee condition at the head of a channel's note, and the rest of the note.
///
/// "(Trường hợp nộp trực tiếp thu 10.000 đồng;)- Nộp hồ sơ tại…" →
/// ("Trường hợp nộp trực tiếp thu 10.000 đồng;", "Nộp hồ sơ tại…").
pub fn split_note(note: &str) -> (Option<&str>, Option<&str>) {
    let note = note.trim();
    if !note.starts_with('(') {
        return (None, Some(note).filter(|n| !n.is_empty()));
    }
    let mut depth = 0usize;
    let mut end = note.len();
    for (i, c) in note.char_indices() {
        match c {
            '(' => depth += 1,
            ')' => {
                depth -= 1;
                if depth == 0 {
                    end = i + 1;
                    break;
                }
            }
            _ => {}
        }
    }
    let mut head = strip_parens(&note[..end]);
    // "Đồng (Mức lệ phí …)": the crawl's fee label around the condition.
    if let Some((label, _)) = head.split_once('(')
        && says_nothing(label)
        && head.ends_with(')')
    {
        head = strip_parens(&head[label.len()..]);
    }
    let rest = note[end..].trim_start_matches(|c: char| {
        c.is_whitespace() || matches!(c, ')' | '-' | '+' | ';' | '.' | ',' | ':')
    });
    let head = crate::view::checklist::strip_marker(head).1.trim();
    (
        Some(head).filter(|h| !h.is_empty()),
        Some(rest.trim_end()).filter(|r| !r.is_empty()),
    )
}

/// "((text))" → "text"; an unbalanced "(text" → "text".
fn strip_parens(mut text: &str) -> &str {
    loop {
        let trimmed = text.trim();
        let inner = trimmed
            .strip_prefix('(')
            .map(|t| t.strip_suffix(')').unwrap_or(t));
        match inner {
            Some(inner) => text = inner,
            None => return trimmed,
        }
    }
}

impl ShownFee {
    /// The same fee for a reader: same text, and a condition that is the same rule.
    pub fn same_as(&self, other: &ShownFee) -> bool {
        self.text == other.text && same_condition(&self.condition, &other.condition)
    }

    /// Of two fees that are the same, the one that says more: one condition often
    /// repeats another with a word more or less.
    pub fn says_more_than(&self, other: &ShownFee) -> bool {
        self.condition.as_ref().map(String::len) > other.condition.as_ref().map(String::len)
    }
}

fn same_condition(a: &Option<String>, b: &Option<String>) -> bool {
    match (a, b) {
        (Some(a), Some(b)) => {
            let (a, b) = (fold(a), fold(b));
            let (a, b) = (
                a.trim_end_matches(['.', ';', ')']),
                b.trim_end_matches(['.', ';', ')']),
            );
            // The same rule, cut or continued differently by the crawl.
            let start = |t: &str| t.chars().take(80).collect::<String>();
            a.contains(b) || b.contains(a) || start(a) == start(b)
        }
        (a, b) => a == b,
    }
}

/// One line for lists and search results: the only fee, a range when every amount is
/// known ("5.000 – 10.000 đồng"), else the different fees side by side.
pub fn list_line(fees: &[ShownFee], strings: &Strings) -> String {
    let mut texts: Vec<&str> = Vec::new();
    for fee in fees {
        if !texts.contains(&fee.text.as_str()) {
            texts.push(&fee.text);
        }
    }
    match texts.as_slice() {
        [] => return strings.get("fee.unknown").to_string(),
        [only] => return only.to_string(),
        _ => {}
    }
    let known: Option<Vec<(Amount, Currency)>> = fees.iter().map(|f| f.amount).collect();
    if let Some(known) = known
        && known.iter().all(|(a, c)| !a.is_zero() && *c == known[0].1)
    {
        let min = known.iter().map(|(a, _)| *a).min().unwrap_or_default();
        let max = known.iter().map(|(a, _)| *a).max().unwrap_or_default();
        return format!(
            "{} – {} {}",
            format::amount(min, strings),
            format::amount(max, strings),
            format::currency(Some(known[0].1), strings)
        );
    }
    texts.join(" / ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::decode::shorthand::fee_from_text;
    use crate::model::record::Via;

    fn vi() -> Strings {
        Strings::for_tests("vi")
    }

    fn channel(fee: &str, note: Option<&str>) -> Channel {
        Channel {
            via: Via::InPerson,
            time: None,
            fee: Some(fee_from_text(fee.into())),
            note: note.map(str::to_string),
            case: None,
        }
    }

    fn shown(fee: &str, note: Option<&str>) -> ShownFee {
        ShownFee::of(&channel(fee, note), &vi())
    }

    #[test]
    fn free_only_when_nothing_says_otherwise() {
        assert_eq!(shown("Miễn phí", None).text, "Miễn phí");
        assert_eq!(shown("Miễn lệ phí", None).text, "Miễn lệ phí");
        assert_eq!(shown("Phí : 0 Đồng", None).text, "0 đồng");
        let council = shown(
            "Miễn phí",
            Some("(Mức lệ phí (nếu có) theo quy định của Hội đồng nhân dân cấp tỉnh.)"),
        );
        assert_eq!(council.text, "Theo mức do HĐND tỉnh quy định");
        assert_eq!(
            council.condition.as_deref(),
            Some("Mức lệ phí (nếu có) theo quy định của Hội đồng nhân dân cấp tỉnh.")
        );
        let priced = shown(
            "Miễn phí",
            Some(
                "((áp dụng mức phí 500.000 đồng/hồ sơ kể từ ngày 01/7/2025 đến hết ngày 31/12/2026))",
            ),
        );
        assert_eq!(priced.text, "Có thu phí, xem ghi chú");
        assert_eq!(priced.amount, None);
        // A council deciding a *time* says nothing about the fee.
        let time_note = shown(
            "Miễn phí",
            Some("Trong thời hạn 15 ngày kể từ ngày Hội đồng nhân dân cấp tỉnh thông qua."),
        );
        assert_eq!(time_note.text, "Miễn phí");
        let council_only = shown(
            "Miễn phí",
            Some("(Theo quy định của Hội đồng nhân dân cấp tỉnh)"),
        );
        assert_eq!(council_only.text, "Theo mức do HĐND tỉnh quy định");
        let by_law = shown(
            "Miễn phí",
            Some("(Theo quy định của Luật phí và lệ phí và các văn bản hướng dẫn)"),
        );
        assert_eq!(by_law.text, "Tùy trường hợp, xem quy định về phí");
        let exempt = shown("Miễn phí", Some("(Miễn phí)"));
        assert_eq!(exempt.text, "Miễn phí");
    }

    #[test]
    fn empty_fee_texts_are_unknown() {
        assert_eq!(shown("VNĐ", None).text, "Không có thông tin");
        assert_eq!(shown("Lệ phí : Đồng", None).text, "Không có thông tin");
        assert_eq!(
            shown("Theo Thông tư 249/2016/TT-BTC", None).text,
            "Theo Thông tư 249/2016/TT-BTC"
        );
    }

    #[test]
    fn the_condition_is_split_from_the_note() {
        assert_eq!(
            split_note(
                "(Trường hợp nộp trực tiếp thu 10.000 đồng/lần;)- Nộp hồ sơ tại Công an cấp xã."
            ),
            (
                Some("Trường hợp nộp trực tiếp thu 10.000 đồng/lần;"),
                Some("Nộp hồ sơ tại Công an cấp xã.")
            )
        );
        assert_eq!(split_note("Nộp tại xã"), (None, Some("Nộp tại xã")));
        assert_eq!(
            split_note("(Đồng (Mức lệ phí do HĐND tỉnh quyết định.))"),
            (Some("Mức lệ phí do HĐND tỉnh quyết định."), None)
        );
        assert_eq!(
            split_note("(Lệ phí (nếu có): 50.000 đồng)"),
            (Some("Lệ phí (nếu có): 50.000 đồng"), None)
        );
        assert_eq!(split_note("(chưa đóng"), (Some("chưa đóng"), None));
    }

    #[test]
    fn list_lines_show_every_channel() {
        let s = vi();
        let line = |fees: &[(&str, Option<&str>)]| {
            let shown: Vec<ShownFee> = fees
                .iter()
                .map(|(f, n)| ShownFee::of(&channel(f, *n), &s))
                .collect();
            list_line(&shown, &s)
        };
        assert_eq!(
            line(&[
                ("10,000 Việt Nam Đồng", None),
                ("5,000 Việt Nam Đồng", None)
            ]),
            "5.000 – 10.000 đồng"
        );
        assert_eq!(line(&[("Miễn phí", None), ("Miễn phí", None)]), "Miễn phí");
        assert_eq!(
            line(&[("Miễn lệ phí", None), ("50.000 đồng", None)]),
            "Miễn lệ phí / 50.000 đồng"
        );
        assert_eq!(line(&[]), "Không có thông tin");
    }
}
