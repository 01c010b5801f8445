//! Reading processing times and fees from the text staff and the national database
//! write: "05 ngày làm việc", "Trong ngày", "50.000 đồng", "Miễn lệ phí".

use crate::model::record::{Amount, Currency, Fee, FeeKind, ProcessingTime, TimeUnit};
use crate::text::fold;

/// A number as written in Vietnamese text.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Number {
    /// Digits, possibly grouped in thousands with `.` or `,` ("1.350.000", "2,500,000").
    Whole { value: u64, grouped: bool },
    /// A decimal fraction ("0.5", "0,5").
    Fraction(f64),
}

impl Number {
    pub fn as_f64(self) -> f64 {
        match self {
            Number::Whole { value, .. } => value as f64,
            Number::Fraction(f) => f,
        }
    }
}

/// The number at the start of `text` and the byte length it took.
pub fn leading_number(text: &str) -> Option<(Number, usize)> {
    let end = text
        .char_indices()
        .find(|&(i, c)| {
            !(c.is_ascii_digit()
                || ((c == '.' || c == ',')
                    && text[i + 1..].starts_with(|d: char| d.is_ascii_digit())))
        })
        .map_or(text.len(), |(i, _)| i);
    let digits = &text[..end];
    if digits.is_empty() || !digits.starts_with(|c: char| c.is_ascii_digit()) {
        return None;
    }
    let groups: Vec<&str> = digits.split(['.', ',']).collect();
    let number = if groups.len() == 1 {
        Number::Whole {
            value: digits.parse().ok()?,
            grouped: false,
        }
    } else if groups[0].len() <= 3 && groups[1..].iter().all(|g| g.len() == 3) {
        Number::Whole {
            value: groups.concat().parse().ok()?,
            grouped: true,
        }
    } else if groups.len() == 2 {
        Number::Fraction(format!("{}.{}", groups[0], groups[1]).parse().ok()?)
    } else {
        return None;
    };
    Some((number, end))
}

/// Value and unit of a processing time text.
pub fn parse_time(text: &str) -> (Option<f64>, TimeUnit) {
    let folded = fold(text);
    let folded = folded.trim().trim_end_matches('.');
    match folded {
        "" | "khong co thong tin" => return (None, TimeUnit::Unknown),
        "khong quy dinh" => return (None, TimeUnit::Unspecified),
        "trong ngay" | "ngay" | "trong ngay lam viec" => return (None, TimeUnit::SameDay),
        _ => {}
    }
    let Some((number, len)) = leading_number(folded) else {
        return (None, TimeUnit::Other);
    };
    let unit = match folded[len..].trim() {
        "" => TimeUnit::Unspecified,
        "ngay lam viec" => TimeUnit::WorkingDays,
        "ngay" => TimeUnit::Days,
        "gio" | "gio lam viec" => TimeUnit::Hours,
        "thang" => TimeUnit::Months,
        _ => return (None, TimeUnit::Other),
    };
    (Some(number.as_f64()), unit)
}

/// A processing time read entirely from its text.
pub fn time_from_text(text: String) -> ProcessingTime {
    let (value, unit) = parse_time(&text);
    ProcessingTime { text, value, unit }
}

/// A fee read entirely from its text.
pub fn fee_from_text(text: String) -> Fee {
    let (kind, amount, currency) = parse_fee(&text);
    Fee {
        text,
        kind,
        amount,
        currency,
    }
}

/// Kind, amount and currency of a fee text.
pub fn parse_fee(text: &str) -> (FeeKind, Option<Amount>, Option<Currency>) {
    let folded = fold(text);
    let folded = folded.trim();
    if folded.is_empty() || folded == "khong co thong tin" {
        return (FeeKind::Unknown, None, None);
    }
    if ["mien phi", "mien le phi", "khong thu", "khong mat phi"]
        .iter()
        .any(|free| folded.contains(free))
    {
        return (FeeKind::Free, Some(Amount::default()), Some(Currency::Vnd));
    }
    let mut amounts = amounts(folded);
    // "03 USD (Lệ phí: 03 USD/Giấy phép)" states one amount twice.
    amounts.dedup();
    match amounts.as_slice() {
        [] if folded == "khong" || folded.ends_with(": khong dong") || folded == "khong dong" => {
            (FeeKind::Free, Some(Amount::default()), Some(Currency::Vnd))
        }
        [] => (FeeKind::SeeText, None, None),
        [(amount, currency)] if amount.is_zero() => (FeeKind::Free, Some(*amount), Some(*currency)),
        [(amount, currency)] => (FeeKind::Fixed, Some(*amount), Some(*currency)),
        [(amount, currency), ..] => (FeeKind::Varies, Some(*amount), Some(*currency)),
    }
}

/// Every money amount in folded text: a number followed by a currency word ("0.5 USD"
/// keeps its cents), or a text that is only a whole number (taken as đồng).
pub(crate) fn amounts(folded: &str) -> Vec<(Amount, Currency)> {
    if let Some((Number::Whole { value, .. }, len)) = leading_number(folded)
        && len == folded.len()
    {
        return Amount::whole(value)
            .map(|a| vec![(a, Currency::Vnd)])
            .unwrap_or_default();
    }
    let mut found = Vec::new();
    let mut rest = folded;
    while let Some(start) = rest.find(|c: char| c.is_ascii_digit()) {
        let after_start = &rest[start..];
        let preceded_by_digit_part = start > 0 && rest[..start].ends_with(['.', ',', '/']);
        let Some((number, len)) = leading_number(after_start) else {
            break;
        };
        let tail = after_start[len..].trim_start();
        let currency = ["viet nam dong", "dong", "vnd", "d/", "d "]
            .iter()
            .any(|w| tail.starts_with(w))
            .then_some(Currency::Vnd)
            .or_else(|| tail.starts_with("usd").then_some(Currency::Usd));
        let amount = match number {
            Number::Whole { value, .. } => Amount::whole(value),
            // Exactly as written: "0.5" is fifty cents, not 0.5 as a float.
            Number::Fraction(_) => Amount::parse(&after_start[..len]),
        };
        if let (Some(amount), Some(currency), false) = (amount, currency, preceded_by_digit_part) {
            found.push((amount, currency));
        }
        rest = &after_start[len..];
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_as_written() {
        assert_eq!(
            parse_time("05 ngày làm việc"),
            (Some(5.0), TimeUnit::WorkingDays)
        );
        assert_eq!(parse_time("15 Ngày"), (Some(15.0), TimeUnit::Days));
        assert_eq!(parse_time("0.5 Giờ"), (Some(0.5), TimeUnit::Hours));
        assert_eq!(parse_time("3 Tháng"), (Some(3.0), TimeUnit::Months));
        assert_eq!(parse_time("Trong ngày"), (None, TimeUnit::SameDay));
        assert_eq!(parse_time("Không quy định"), (None, TimeUnit::Unspecified));
        assert_eq!(parse_time(""), (None, TimeUnit::Unknown));
        assert_eq!(parse_time("48"), (Some(48.0), TimeUnit::Unspecified));
        assert_eq!(
            parse_time("Chậm nhất là ngay trước khi tàu rời cảng."),
            (None, TimeUnit::Other)
        );
    }

    #[test]
    fn grouped_numbers_are_thousands() {
        assert_eq!(
            parse_time("120,000"),
            (Some(120_000.0), TimeUnit::Unspecified)
        );
        assert_eq!(
            leading_number("1.350.000 đồng"),
            Some((
                Number::Whole {
                    value: 1_350_000,
                    grouped: true
                },
                9
            ))
        );
    }

    #[test]
    fn fees_as_written() {
        assert_eq!(
            parse_fee("50.000 đồng"),
            (FeeKind::Fixed, Amount::whole(50_000), Some(Currency::Vnd))
        );
        assert_eq!(
            parse_fee("2,500,000 Việt Nam Đồng"),
            (
                FeeKind::Fixed,
                Amount::whole(2_500_000),
                Some(Currency::Vnd)
            )
        );
        assert_eq!(
            parse_fee("9,000,000 VNĐ"),
            (
                FeeKind::Fixed,
                Amount::whole(9_000_000),
                Some(Currency::Vnd)
            )
        );
        assert_eq!(
            parse_fee("Lệ phí : 03 USD (Lệ phí: 03 USD/Giấy phép)"),
            (FeeKind::Fixed, Amount::whole(3), Some(Currency::Usd))
        );
        assert_eq!(
            parse_fee("50.000 đồng/hồ sơ; sơ tuyển năng khiếu: 120.000 đồng"),
            (FeeKind::Varies, Amount::whole(50_000), Some(Currency::Vnd))
        );
        assert_eq!(
            parse_fee("Miễn lệ phí"),
            (FeeKind::Free, Amount::whole(0), Some(Currency::Vnd))
        );
        assert_eq!(
            parse_fee("Phí : Không Đồng"),
            (FeeKind::Free, Amount::whole(0), Some(Currency::Vnd))
        );
        assert_eq!(
            parse_fee("Lệ phí : 0 Đồng"),
            (FeeKind::Free, Amount::whole(0), Some(Currency::Vnd))
        );
        assert_eq!(
            parse_fee("50000"),
            (FeeKind::Fixed, Amount::whole(50_000), Some(Currency::Vnd))
        );
        assert_eq!(
            parse_fee("Không có thông tin"),
            (FeeKind::Unknown, None, None)
        );
        assert_eq!(
            parse_fee("Theo Thông tư số 249/2016/TT-BTC"),
            (FeeKind::SeeText, None, None)
        );
    }
}
