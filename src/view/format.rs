//! Values as readers see them: "50.000 đồng", "5 ngày làm việc", "20/11/2026".
//! Words come from the theme's i18n file, so an English build reads in English.

use crate::model::record::{Amount, Currency, Fee, FeeKind, ProcessingTime, TimeUnit};
use crate::theme::strings::Strings;

/// Digits grouped by thousands with the language's separator: 1.350.000 / 1,350,000.
pub fn group_thousands(amount: u64, separator: &str) -> String {
    let digits = amount.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push_str(separator);
        }
        out.push(c);
    }
    out
}

/// A sum as readers write it: "50.000", "1,5" in Vietnamese; "50,000", "1.5" in English.
pub fn amount(amount: Amount, strings: &Strings) -> String {
    let mut out = group_thousands(amount.units(), strings.get("format.thousands"));
    if amount.cents() != 0 {
        let cents = format!("{:02}", amount.cents());
        out.push_str(strings.get("format.decimal"));
        out.push_str(cents.trim_end_matches('0'));
    }
    out
}

/// The currency's word after an amount: "đồng" (or "VND" in English), "USD".
pub fn currency(currency: Option<Currency>, strings: &Strings) -> &str {
    match currency {
        Some(Currency::Usd) => "USD",
        _ => strings.get("fee.vnd"),
    }
}

fn number(value: f64, strings: &Strings) -> String {
    if value.fract() == 0.0 && (0.0..1e15).contains(&value) {
        group_thousands(value as u64, strings.get("format.thousands"))
    } else {
        value
            .to_string()
            .replace('.', strings.get("format.decimal"))
    }
}

/// A processing time: the parsed value and unit when they are clear, else the text.
pub fn time(time: &ProcessingTime, strings: &Strings) -> String {
    let unit_key = match time.unit {
        TimeUnit::WorkingDays => "time.working_days",
        TimeUnit::Days => "time.days",
        TimeUnit::Hours => "time.hours",
        TimeUnit::Months => "time.months",
        TimeUnit::SameDay => return strings.get("time.same_day").to_string(),
        TimeUnit::Unspecified => {
            // A bare number: the crawl lost its unit ("1", "48"); say so, never guess.
            return match time.value {
                Some(value) => {
                    format!("{} {}", number(value, strings), strings.get("time.no_unit"))
                }
                None => strings.get("time.unspecified").to_string(),
            };
        }
        TimeUnit::Unknown if time.text.is_empty() => {
            return strings.get("time.unknown").to_string();
        }
        _ => return time.text.clone(),
    };
    match time.value {
        Some(value) => format!("{} {}", number(value, strings), strings.get(unit_key)),
        None => time.text.clone(),
    }
}

/// A fee: "Miễn phí", "50.000 đồng", "3 USD"; the published text when it says more.
pub fn fee(fee: &Fee, strings: &Strings) -> String {
    let amount = |a: Amount| format!("{} {}", amount(a, strings), currency(fee.currency, strings));
    match (fee.kind, fee.amount) {
        // "Miễn lệ phí" is not "Miễn phí": the record's words are kept.
        (FeeKind::Free, _) if !fee.text.trim().is_empty() => fee.text.trim().to_string(),
        (FeeKind::Free, _) => strings.get("fee.free").to_string(),
        (FeeKind::Fixed, Some(a)) => amount(a),
        (FeeKind::Varies, Some(a)) => format!("{} {}", strings.get("fee.from"), amount(a)),
        _ if fee.text.is_empty() => strings.get("fee.unknown").to_string(),
        _ => fee.text.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::decode::shorthand::{parse_fee, parse_time};
    use crate::model::record::Amount;

    fn vi() -> Strings {
        Strings::for_tests("vi")
    }

    #[test]
    fn foreign_fees_keep_their_cents_in_the_readers_notation() {
        let fee = |text: &str| {
            let (kind, amount, currency) = parse_fee(text);
            Fee {
                text: text.into(),
                kind,
                amount,
                currency,
            }
        };
        let en = Strings::for_tests("en");
        let half = fee("Lệ phí : 0.5 USD (Người nước ngoài dưới 16 tuổi)");
        assert_eq!(half.amount, Amount::parse("0.50"));
        assert_eq!(super::fee(&half, &vi()), "0,5 USD");
        assert_eq!(super::fee(&half, &en), "0.5 USD");
        assert_eq!(super::fee(&fee("Lệ phí : 1,25 USD"), &vi()), "1,25 USD");
        // Whole đồng stay whole, grouped as readers write them.
        assert_eq!(super::fee(&fee("1.350.000 đồng"), &vi()), "1.350.000 đồng");
        assert_eq!(Amount::parse("1.5"), Amount::parse("1,50"));
        assert_eq!(Amount::parse("1.505"), None);
        assert_eq!(Amount::parse("-1"), None);
        assert_eq!(Amount::parse("1e3"), None);
    }

    fn t(text: &str) -> String {
        let (value, unit) = parse_time(text);
        time(
            &ProcessingTime {
                text: text.into(),
                value,
                unit,
            },
            &vi(),
        )
    }

    fn f(text: &str) -> String {
        let (kind, amount, currency) = parse_fee(text);
        fee(
            &Fee {
                text: text.into(),
                kind,
                amount,
                currency,
            },
            &vi(),
        )
    }

    #[test]
    fn thousands() {
        assert_eq!(group_thousands(1_350_000, "."), "1.350.000");
        assert_eq!(group_thousands(500, "."), "500");
        assert_eq!(group_thousands(0, ","), "0");
    }

    #[test]
    fn times_read_naturally() {
        assert_eq!(t("05 Ngày làm việc"), "5 ngày làm việc");
        assert_eq!(t("0.5 Giờ"), "0,5 giờ");
        assert_eq!(t("Trong ngày"), "Trong ngày");
        assert_eq!(t("Không quy định"), "Không quy định");
        assert_eq!(t(""), "Không có thông tin");
        assert_eq!(t("1"), "1 (không ghi rõ đơn vị)");
        assert_eq!(
            t("Chậm nhất là ngay trước khi tàu rời cảng."),
            "Chậm nhất là ngay trước khi tàu rời cảng."
        );
    }

    #[test]
    fn fees_read_naturally() {
        assert_eq!(f("2,500,000 Việt Nam Đồng"), "2.500.000 đồng");
        assert_eq!(f("Miễn lệ phí"), "Miễn lệ phí");
        assert_eq!(f("03 USD"), "3 USD");
        assert_eq!(
            f("Theo Thông tư 249/2016/TT-BTC"),
            "Theo Thông tư 249/2016/TT-BTC"
        );
        assert_eq!(f(""), "Không có thông tin");
    }
}
